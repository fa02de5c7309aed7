//! The preopened directory as an in-memory file tree: descriptors for files
//! and directories, stat, directory listings, and making, removing and
//! renaming; plus `poll_oneoff`, whose only use here is sleeping.
//!
//! Directories exist because files are in them, or because the program
//! made them. Every answer is a function of the run's world and what the
//! program did, so a listing comes in name order and a stat carries no
//! real times.

use super::io::normalise;
use super::*;

const EEXIST: i32 = 20;
const ENOTEMPTY: i32 = 55;

/// What an open descriptor refers to.
pub(crate) enum Open {
    File {
        path: String,
        pos: u64,
        /// Opened with `O_APPEND`: every write goes to the end.
        append: bool,
    },
    Dir {
        path: String,
    },
}

/// WASI's file types.
const DIRECTORY: u8 = 3;
const REGULAR_FILE: u8 = 4;

impl Host {
    /// Whether `path` (normalised) is a directory: the root, one the
    /// program made, or one a file is in.
    pub(super) fn is_dir(&self, path: &str) -> bool {
        if path.is_empty() || self.dirs.contains(path) {
            return true;
        }
        let prefix = format!("{path}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
            || self.dirs.iter().any(|d| d.starts_with(&prefix))
    }

    /// The entries of directory `dir`, in name order, with their types.
    fn entries(&self, dir: &str) -> Vec<(String, u8)> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeMap<String, u8> = BTreeMap::new();
        let names = self
            .files
            .keys()
            .map(|k| (k, REGULAR_FILE))
            .chain(self.dirs.iter().map(|d| (d, DIRECTORY)));
        for (key, kind) in names {
            let Some(rest) = key.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((child, _)) => out.insert(child.to_string(), DIRECTORY),
                None if !rest.is_empty() => out.insert(rest.to_string(), kind),
                None => None,
            };
        }
        out.into_iter().collect()
    }

    /// The path `path` names relative to directory descriptor `dirfd`.
    pub(super) fn resolve(&self, dirfd: u32, path: &str) -> Result<String, i32> {
        let base = match dirfd {
            PREOPEN_FD => String::new(),
            fd => match self.open.get(&fd) {
                Some(Open::Dir { path }) => path.clone(),
                Some(Open::File { .. }) => return Err(ENOTDIR),
                None => return Err(EBADF),
            },
        };
        normalise(&format!("{base}/{path}")).ok_or(ENOENT)
    }
}

/// Reads the path argument of a `path_*` call and resolves it.
fn path_arg(
    host: &mut Host,
    guest: &mut dyn Guest,
    call: &'static str,
    dirfd: u32,
    path: u32,
    len: u32,
) -> Result<Result<String, i32>, End> {
    if len > MAX_PATH {
        return Ok(Err(ENAMETOOLONG));
    }
    charge(guest, len as u64, host.fuel_limit)?;
    let bytes = memory(guest, call)?.read("the path", path, len as u64)?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(Err(EINVAL));
    };
    Ok(host.resolve(dirfd, text))
}

/// A `filestat`: type and size; no device, inode or times a program could
/// tell machines apart by.
fn filestat(filetype: u8, size: u64) -> [u8; 64] {
    let mut stat = [0u8; 64];
    stat[16] = filetype;
    stat[24..32].copy_from_slice(&1u64.to_le_bytes());
    stat[32..40].copy_from_slice(&size.to_le_bytes());
    stat
}

pub(super) fn path_filestat_get(
    host: &mut Host,
    guest: &mut dyn Guest,
    dirfd: u32,
    path: u32,
    len: u32,
    out: u32,
) -> Result<i32, End> {
    let name = match path_arg(host, guest, "path_filestat_get", dirfd, path, len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    let stat = match host.files.get(&name) {
        Some(data) => filestat(REGULAR_FILE, data.len() as u64),
        None if host.is_dir(&name) => filestat(DIRECTORY, 0),
        None => return Ok(ENOENT),
    };
    memory(guest, "path_filestat_get")?.write("the result", out, &stat)?;
    Ok(ESUCCESS)
}

pub(super) fn fd_readdir(
    host: &mut Host,
    guest: &mut dyn Guest,
    fd: u32,
    buf: u32,
    len: u32,
    cookie: u64,
    used: u32,
) -> Result<i32, End> {
    let dir = match fd {
        PREOPEN_FD => String::new(),
        fd => match host.open.get(&fd) {
            Some(Open::Dir { path }) => path.clone(),
            Some(Open::File { .. }) => return Ok(ENOTDIR),
            None => return Ok(EBADF),
        },
    };
    let mut entries = vec![(".".to_string(), DIRECTORY), ("..".to_string(), DIRECTORY)];
    entries.extend(host.entries(&dir));
    // Each entry: d_next, d_ino, d_namlen, d_type, then the name.
    let mut bytes = Vec::new();
    for (i, (name, kind)) in entries.iter().enumerate().skip(cookie as usize) {
        bytes.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        bytes.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&[*kind, 0, 0, 0]);
        bytes.extend_from_slice(name.as_bytes());
        if bytes.len() >= len as usize {
            break;
        }
    }
    // A buffer too small for the last entry is filled to the brim: the
    // caller sees a full buffer and asks again from the last cookie.
    bytes.truncate(len as usize);
    charge(guest, bytes.len() as u64, host.fuel_limit)?;
    let mut mem = memory(guest, "fd_readdir")?;
    mem.write("the buffer", buf, &bytes)?;
    mem.write("the result", used, &(bytes.len() as u32).to_le_bytes())?;
    Ok(ESUCCESS)
}

pub(super) fn path_create_directory(
    host: &mut Host,
    guest: &mut dyn Guest,
    dirfd: u32,
    path: u32,
    len: u32,
) -> Result<i32, End> {
    let name = match path_arg(host, guest, "path_create_directory", dirfd, path, len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    if host.files.contains_key(&name) || host.is_dir(&name) {
        return Ok(EEXIST);
    }
    let parent = name.rsplit_once('/').map_or("", |(p, _)| p);
    if !host.is_dir(parent) {
        return Ok(ENOENT);
    }
    host.dirs.insert(name);
    Ok(ESUCCESS)
}

pub(super) fn path_remove_directory(
    host: &mut Host,
    guest: &mut dyn Guest,
    dirfd: u32,
    path: u32,
    len: u32,
) -> Result<i32, End> {
    let name = match path_arg(host, guest, "path_remove_directory", dirfd, path, len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    if host.files.contains_key(&name) {
        return Ok(ENOTDIR);
    }
    if name.is_empty() || !host.is_dir(&name) {
        return Ok(ENOENT);
    }
    if !host.entries(&name).is_empty() {
        return Ok(ENOTEMPTY);
    }
    host.dirs.remove(&name);
    Ok(ESUCCESS)
}

pub(super) fn path_unlink_file(
    host: &mut Host,
    guest: &mut dyn Guest,
    dirfd: u32,
    path: u32,
    len: u32,
) -> Result<i32, End> {
    let name = match path_arg(host, guest, "path_unlink_file", dirfd, path, len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    if host.files.remove(&name).is_some() {
        return Ok(ESUCCESS);
    }
    Ok(if host.is_dir(&name) { EISDIR } else { ENOENT })
}

/// `path_rename`: `from` and `to` are (directory descriptor, path, length).
pub(super) fn path_rename(
    host: &mut Host,
    guest: &mut dyn Guest,
    from: [u32; 3],
    to: [u32; 3],
) -> Result<i32, End> {
    let old = match path_arg(host, guest, "path_rename", from[0], from[1], from[2])? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    let new = match path_arg(host, guest, "path_rename", to[0], to[1], to[2])? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    if let Some(data) = host.files.remove(&old) {
        if host.is_dir(&new) {
            host.files.insert(old, data);
            return Ok(EISDIR);
        }
        host.files.insert(new, data);
        return Ok(ESUCCESS);
    }
    if old.is_empty() || !host.is_dir(&old) {
        return Ok(ENOENT);
    }
    if new.starts_with(&format!("{old}/")) || host.files.contains_key(&new) {
        return Ok(EINVAL);
    }
    // A directory moves with everything in it.
    let prefix = format!("{old}/");
    let moved: Vec<String> = host
        .files
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .cloned()
        .collect();
    for key in moved {
        if let Some(data) = host.files.remove(&key) {
            host.files
                .insert(format!("{new}/{}", &key[prefix.len()..]), data);
        }
    }
    let dirs: Vec<String> = host
        .dirs
        .iter()
        .filter(|d| **d == old || d.starts_with(&prefix))
        .cloned()
        .collect();
    for dir in dirs {
        host.dirs.remove(&dir);
        host.dirs.insert(format!("{new}{}", &dir[old.len()..]));
    }
    Ok(ESUCCESS)
}

/// `poll_oneoff` for the one thing programs use it for in a sandbox,
/// sleeping: a clock subscription returns at once and moves the run's clock
/// on by its timeout, so `time.sleep(5)` takes no time yet five seconds
/// pass for the program. Descriptor subscriptions are always ready.
pub(super) fn poll_oneoff(
    host: &mut Host,
    guest: &mut dyn Guest,
    subscriptions: u32,
    events: u32,
    count: u32,
    out: u32,
) -> Result<i32, End> {
    if count == 0 || count > MAX_IOVECS {
        return Ok(EINVAL);
    }
    charge(guest, count as u64 * 80, host.fuel_limit)?;
    let mut mem = memory(guest, "poll_oneoff")?;
    let raw = mem.read("the subscriptions", subscriptions, count as u64 * 48)?;
    let mut written = Vec::with_capacity(count as usize * 32);
    for sub in raw.chunks_exact(48) {
        let tag = sub[8];
        if tag == 0 {
            let timeout = u64::from_le_bytes(sub[24..32].try_into().unwrap_or_default());
            let absolute = u16::from_le_bytes([sub[40], sub[41]]) & 1 == 1;
            let now = host.clock.saturating_mul(1000);
            let wait = match absolute {
                true => timeout.saturating_sub(EPOCH_NANOS).saturating_sub(now),
                false => timeout,
            };
            host.clock = host.clock.saturating_add(wait.div_ceil(1000));
        }
        // userdata, error 0, the subscription's type, no bytes or flags.
        let mut event = [0u8; 32];
        event[0..8].copy_from_slice(&sub[0..8]);
        event[10] = tag;
        written.extend_from_slice(&event);
    }
    mem.write("the events", events, &written)?;
    mem.write("the result", out, &count.to_le_bytes())?;
    Ok(ESUCCESS)
}

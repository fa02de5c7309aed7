//! The WASI calls that move bytes: reading and writing descriptors, opening
//! files in the preopened directory, and the argument and environment lists.

use super::fs::Open;
use super::*;

pub(super) fn fd_write(
    host: &mut Host,
    guest: &mut dyn Guest,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<i32, End> {
    // A bad descriptor costs nothing and writes nothing.
    match host.open.get(&fd) {
        _ if fd == 1 || fd == 2 => {}
        Some(Open::File { .. }) => {}
        Some(Open::Dir { .. }) => return Ok(EISDIR),
        None => return Ok(EBADF),
    }
    let bufs = memory(guest, "fd_write")?.iovecs(iovs, n)?;
    let total: u64 = bufs.iter().map(|(_, len)| *len as u64).sum();
    charge(guest, total + n as u64 * 8, host.fuel_limit)?;
    let mut mem = memory(guest, "fd_write")?;
    let mut written = 0usize;
    for (buf, len) in bufs {
        let bytes = mem.read("a buffer", buf, len as u64)?;
        if bytes.len() as u64 > host.output_left {
            // Keep what fits so the learner sees where the flood began.
            let room = host.output_left as usize;
            host.output_left = 0;
            let limit = host.output_limit;
            put(host, fd, &bytes[..room]);
            return Err(End::OutputLimit { limit });
        }
        host.output_left -= bytes.len() as u64;
        put(host, fd, &bytes);
        written += bytes.len();
    }
    mem.write("the result", out, &(written as u32).to_le_bytes())?;
    Ok(ESUCCESS)
}

/// Writes `bytes` to stdout, stderr or an open file: at the file's
/// position (its end when opened to append), overwriting what is there and
/// extending the file past its end.
fn put(host: &mut Host, fd: u32, bytes: &[u8]) {
    match fd {
        1 => host.stdout.extend_from_slice(bytes),
        2 => host.stderr.extend_from_slice(bytes),
        fd => {
            let Some(Open::File { path, pos, append }) = host.open.get_mut(&fd) else {
                return;
            };
            let data = host.files.entry(path.clone()).or_default();
            let at = if *append { data.len() } else { *pos as usize };
            if data.len() < at {
                data.resize(at, 0);
            }
            let overlap = (data.len() - at).min(bytes.len());
            data[at..at + overlap].copy_from_slice(&bytes[..overlap]);
            data.extend_from_slice(&bytes[overlap..]);
            *pos = (at + bytes.len()) as u64;
        }
    }
}

pub(super) fn fd_read(
    host: &mut Host,
    guest: &mut dyn Guest,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<i32, End> {
    let bufs = memory(guest, "fd_read")?.iovecs(iovs, n)?;
    let total: u64 = bufs.iter().map(|(_, len)| *len as u64).sum();
    charge(guest, total + n as u64 * 8, host.fuel_limit)?;
    let mut mem = memory(guest, "fd_read")?;
    let mut read = 0usize;
    for (buf, len) in bufs {
        let (src, pos): (&[u8], u64) = match fd {
            0 => (&host.stdin, host.stdin_pos as u64),
            _ => match host.open.get(&fd) {
                Some(Open::File { path, pos, .. }) => match host.files.get(path) {
                    Some(data) => (data, *pos),
                    None => return Ok(EBADF),
                },
                Some(Open::Dir { .. }) => return Ok(EISDIR),
                None if fd == PREOPEN_FD => return Ok(EISDIR),
                None => return Ok(EBADF),
            },
        };
        let start = pos.min(src.len() as u64) as usize;
        let count = (len as usize).min(src.len() - start);
        mem.write("a buffer", buf, &src[start..start + count])?;
        match fd {
            0 => host.stdin_pos += count,
            _ => {
                if let Some(Open::File { pos, .. }) = host.open.get_mut(&fd) {
                    *pos += count as u64;
                }
            }
        }
        read += count;
        if count < len as usize {
            break;
        }
    }
    mem.write("the result", out, &(read as u32).to_le_bytes())?;
    Ok(ESUCCESS)
}

pub(super) fn fd_seek(
    host: &mut Host,
    guest: &mut dyn Guest,
    fd: u32,
    offset: i64,
    whence: u32,
    out: u32,
) -> Result<i32, End> {
    let mut mem = memory(guest, "fd_seek")?;
    let (path, pos) = match host.open.get(&fd) {
        Some(Open::File { path, pos, .. }) => (path, *pos),
        Some(Open::Dir { .. }) => return Ok(EISDIR),
        None if fd <= 2 => return Ok(70), // ESPIPE
        None => return Ok(EBADF),
    };
    let len = host.files.get(path).map_or(0, |d| d.len()) as i64;
    let base = match whence {
        0 => 0,
        1 => pos as i64,
        2 => len,
        _ => return Ok(EINVAL),
    };
    let Some(new) = base.checked_add(offset).filter(|n| *n >= 0) else {
        return Ok(EINVAL);
    };
    if let Some(Open::File { pos, .. }) = host.open.get_mut(&fd) {
        *pos = new as u64;
    }
    mem.write("the result", out, &(new as u64).to_le_bytes())?;
    Ok(ESUCCESS)
}

/// `path_open`: `path` is (address, length). A directory opens as a
/// directory descriptor (for listing, and as the base of further opens).
pub(super) fn path_open(
    host: &mut Host,
    guest: &mut dyn Guest,
    dirfd: u32,
    path: [u32; 2],
    oflags: u32,
    fdflags: u32,
    out: u32,
) -> Result<i32, End> {
    let [path, path_len] = path;
    if path_len > MAX_PATH {
        return Ok(ENAMETOOLONG);
    }
    if host.open.len() >= MAX_OPEN {
        return Ok(EMFILE);
    }
    charge(guest, path_len as u64, host.fuel_limit)?;
    let mut mem = memory(guest, "path_open")?;
    let bytes = mem.read("the path", path, path_len as u64)?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(EINVAL);
    };
    let name = match host.resolve(dirfd, text) {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    const CREAT: u32 = 1;
    const DIRECTORY: u32 = 2;
    const EXCL: u32 = 4;
    const TRUNC: u32 = 8;
    const APPEND: u32 = 1;
    let exists = host.files.contains_key(&name);
    let open = if !exists && host.is_dir(&name) {
        if oflags & (CREAT | EXCL) == CREAT | EXCL {
            return Ok(20); // EEXIST
        }
        Open::Dir { path: name }
    } else {
        if oflags & DIRECTORY != 0 {
            return Ok(if exists { ENOTDIR } else { ENOENT });
        }
        if exists && oflags & EXCL != 0 {
            return Ok(20); // EEXIST
        }
        if !exists {
            let parent = name.rsplit_once('/').map_or("", |(p, _)| p);
            if oflags & CREAT == 0 || !host.is_dir(parent) {
                return Ok(ENOENT);
            }
            host.files.insert(name.clone(), Vec::new());
        } else if oflags & TRUNC != 0 {
            host.files.insert(name.clone(), Vec::new());
        }
        Open::File {
            path: name,
            pos: 0,
            append: fdflags & APPEND != 0,
        }
    };
    let fd = host.next_fd;
    host.next_fd += 1;
    host.open.insert(fd, open);
    mem.write("the result", out, &fd.to_le_bytes())?;
    Ok(ESUCCESS)
}

/// Writes a list of strings the way `args_get` and `environ_get` expect.
pub(super) fn write_string_list(
    guest: &mut dyn Guest,
    call: &'static str,
    list: Vec<Vec<u8>>,
    ptrs: u32,
    buf: u32,
    fuel_limit: u64,
) -> Result<i32, End> {
    let total: usize = list.iter().map(|s| s.len() + 5).sum();
    charge(guest, total as u64, fuel_limit)?;
    let mut mem = memory(guest, call)?;
    let mut at = buf;
    for (i, item) in list.iter().enumerate() {
        mem.write("a pointer", ptrs + 4 * i as u32, &at.to_le_bytes())?;
        let mut bytes = item.clone();
        bytes.push(0);
        mem.write("a string", at, &bytes)?;
        at += bytes.len() as u32;
    }
    Ok(ESUCCESS)
}

pub(super) fn write_sizes(
    guest: &mut dyn Guest,
    call: &'static str,
    list: &[Vec<u8>],
    count: u32,
    size: u32,
) -> Result<i32, End> {
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    let mut mem = memory(guest, call)?;
    mem.write("the count", count, &(list.len() as u32).to_le_bytes())?;
    mem.write("the size", size, &(total as u32).to_le_bytes())?;
    Ok(ESUCCESS)
}

pub(super) fn env_list(host: &Host) -> Vec<Vec<u8>> {
    host.env
        .iter()
        .map(|(k, v)| format!("{k}={v}").into_bytes())
        .collect()
}

pub(super) fn arg_list(host: &Host) -> Vec<Vec<u8>> {
    host.args.iter().map(|a| a.clone().into_bytes()).collect()
}

/// Normalises a path relative to the preopened directory; `None` if it
/// tries to leave it.
pub(super) fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

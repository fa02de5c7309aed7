//! The WASI preview1 subset sandlab offers, served from memory.
//!
//! Everything is in-memory and deterministic: stdin is a byte string, stdout
//! and stderr are captured up to the output limit, the file tree is a map, the
//! clocks tick one microsecond per reading from a fixed epoch, and
//! `random_get` is a seeded generator. Any other preview1 function a module
//! imports is linked to a stub that returns `ENOSYS`, so programs built by
//! ordinary toolchains still instantiate.
//!
//! A bad pointer from the program is not answered with `EFAULT`: it stops the
//! run with a message naming the call and the address, which tells a learner
//! far more than a silently failed write.

use super::{Stop, World};
use std::collections::BTreeMap;
use wasmi::{Caller, Error, Extern, FuncType, Linker, Val, ValType};

pub(crate) const MODULE: &str = "wasi_snapshot_preview1";

const ESUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EINVAL: i32 = 28;
const EISDIR: i32 = 31;
const ENOENT: i32 = 44;
const ENOSYS: i32 = 52;
const ENOTDIR: i32 = 54;

/// 2024-01-01T00:00:00Z in nanoseconds: the sandbox's fixed "now".
const EPOCH_NANOS: u64 = 1_704_067_200_000_000_000;
const PREOPEN_FD: u32 = 3;
const PREOPEN_NAME: &[u8] = b".";

/// The state a run's host functions work on.
pub(crate) struct Host {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    stdin_pos: usize,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub files: BTreeMap<String, Vec<u8>>,
    open: BTreeMap<u32, OpenFile>,
    next_fd: u32,
    output_left: u64,
    output_limit: u64,
    clock: u64,
    rng: u64,
    /// Why the run stopped, when a host function or the limiter stopped it.
    pub stop: Option<Stop>,
    pub limiter: super::Limiter,
}

struct OpenFile {
    path: String,
    pos: u64,
}

impl Host {
    pub(crate) fn new(world: World, output_limit: u64, limiter: super::Limiter) -> Host {
        let mut args = vec![world.program_name];
        args.extend(world.args);
        Host {
            args,
            env: world.env,
            stdin: world.stdin,
            stdin_pos: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: world.files,
            open: BTreeMap::new(),
            next_fd: PREOPEN_FD + 1,
            output_left: output_limit,
            output_limit,
            clock: 0,
            rng: world.seed ^ 0x9E37_79B9_7F4A_7C15,
            stop: None,
            limiter,
        }
    }

    /// Records why the run stops and returns the error that unwinds it.
    fn halt(&mut self, stop: Stop) -> Error {
        let message = stop.to_string();
        self.stop = Some(stop);
        Error::new(message)
    }

    fn next_random(&mut self) -> u64 {
        // splitmix64: tiny, fast, and the same everywhere.
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

type Cx<'a> = Caller<'a, Host>;

/// Most iovecs one call may pass: far above what programs use.
const MAX_IOVECS: u32 = 1024;
/// Longest path `path_open` accepts.
const MAX_PATH: u32 = 4096;
/// Most files open at once.
const MAX_OPEN: usize = 64;
const EMFILE: i32 = 33;
const ENAMETOOLONG: i32 = 37;

/// Charges fuel for host work: one unit per 8 bytes moved, plus one. Without
/// it a program could ask WASI for unbounded work per call while paying for
/// one instruction. The fuel is the metering pass's global, the same counter
/// the program's own instructions draw on.
fn charge(caller: &mut Cx<'_>, bytes: u64) -> Result<(), Error> {
    let cost = (bytes / 8 + 1).min(i64::MAX as u64) as i64;
    let Some(Extern::Global(fuel)) = caller.get_export(crate::meter::FUEL) else {
        return Err(caller.data_mut().halt(Stop::Fault(
            "internal error: the fuel counter is missing".into(),
        )));
    };
    let left = fuel.get(&*caller).i64().unwrap_or(0).saturating_sub(cost);
    // Setting an i64 into the pass's mutable i64 global cannot fail.
    let _ = fuel.set(&mut *caller, Val::I64(left));
    if left < 0 {
        return Err(caller.data_mut().halt(Stop::OutOfFuel));
    }
    Ok(())
}

/// Borrows the module's exported memory and the host state together.
fn memory<'a>(caller: &'a mut Cx<'_>, call: &str) -> Result<(&'a mut [u8], &'a mut Host), Error> {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => Ok(memory.data_and_store_mut(caller)),
        _ => Err(caller.data_mut().halt(Stop::Fault(format!(
            "{call} needs the module to export its memory as \"memory\", and it does not"
        )))),
    }
}

/// Checks that `[addr, addr+len)` lies inside memory.
fn range(
    host: &mut Host,
    mem_len: usize,
    call: &str,
    what: &str,
    addr: u32,
    len: u64,
) -> Result<std::ops::Range<usize>, Error> {
    let start = addr as u64;
    let end = start + len;
    if end > mem_len as u64 {
        return Err(host.halt(Stop::Fault(format!(
            "{call}: {what} at address {addr} ({len} bytes) lies outside memory ({mem_len} bytes)"
        ))));
    }
    Ok(start as usize..end as usize)
}

fn read_u32(mem: &[u8], host: &mut Host, call: &str, what: &str, addr: u32) -> Result<u32, Error> {
    let r = range(host, mem.len(), call, what, addr, 4)?;
    let mut b = [0u8; 4];
    b.copy_from_slice(&mem[r]);
    Ok(u32::from_le_bytes(b))
}

fn write_bytes(
    mem: &mut [u8],
    host: &mut Host,
    call: &str,
    what: &str,
    addr: u32,
    bytes: &[u8],
) -> Result<(), Error> {
    let r = range(host, mem.len(), call, what, addr, bytes.len() as u64)?;
    mem[r].copy_from_slice(bytes);
    Ok(())
}

/// Reads an iovec array as (address, length) pairs, checking each buffer.
fn iovecs(
    mem: &[u8],
    host: &mut Host,
    call: &str,
    iovs: u32,
    count: u32,
) -> Result<Vec<std::ops::Range<usize>>, Error> {
    if count > MAX_IOVECS {
        return Err(host.halt(Stop::Fault(format!(
            "{call}: {count} iovecs in one call; the sandbox allows {MAX_IOVECS}"
        ))));
    }
    range(
        host,
        mem.len(),
        call,
        "the iovec array",
        iovs,
        count as u64 * 8,
    )?;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let at = iovs + i * 8;
        let buf = read_u32(mem, host, call, "an iovec", at)?;
        let len = read_u32(mem, host, call, "an iovec", at + 4)?;
        out.push(range(host, mem.len(), call, "a buffer", buf, len as u64)?);
    }
    Ok(out)
}

/// Reads an iovec array and charges fuel for the bytes its buffers span.
fn charged_iovecs(
    c: &mut Cx<'_>,
    call: &str,
    iovs: u32,
    n: u32,
) -> Result<Vec<std::ops::Range<usize>>, Error> {
    let bufs = {
        let (mem, host) = memory(c, call)?;
        iovecs(mem, host, call, iovs, n)?
    };
    let total: u64 = bufs.iter().map(|b| b.len() as u64).sum();
    charge(c, total + n as u64 * 8)?;
    Ok(bufs)
}

/// Writes a list of strings the way `args_get` and `environ_get` expect.
fn write_string_list(
    caller: &mut Cx<'_>,
    call: &str,
    list: Vec<Vec<u8>>,
    ptrs: u32,
    buf: u32,
) -> Result<i32, Error> {
    let total: usize = list.iter().map(|s| s.len() + 5).sum();
    charge(caller, total as u64)?;
    let (mem, host) = memory(caller, call)?;
    let mut at = buf;
    for (i, item) in list.iter().enumerate() {
        write_bytes(
            mem,
            host,
            call,
            "a pointer",
            ptrs + 4 * i as u32,
            &at.to_le_bytes(),
        )?;
        let mut bytes = item.clone();
        bytes.push(0);
        write_bytes(mem, host, call, "a string", at, &bytes)?;
        at += bytes.len() as u32;
    }
    Ok(ESUCCESS)
}

fn write_sizes(
    caller: &mut Cx<'_>,
    call: &str,
    list: &[Vec<u8>],
    count: u32,
    size: u32,
) -> Result<i32, Error> {
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    let (mem, host) = memory(caller, call)?;
    write_bytes(
        mem,
        host,
        call,
        "the count",
        count,
        &(list.len() as u32).to_le_bytes(),
    )?;
    write_bytes(
        mem,
        host,
        call,
        "the size",
        size,
        &(total as u32).to_le_bytes(),
    )?;
    Ok(ESUCCESS)
}

fn env_list(host: &Host) -> Vec<Vec<u8>> {
    host.env
        .iter()
        .map(|(k, v)| format!("{k}={v}").into_bytes())
        .collect()
}

fn arg_list(host: &Host) -> Vec<Vec<u8>> {
    host.args.iter().map(|a| a.clone().into_bytes()).collect()
}

/// Normalises a path relative to the preopened directory; `None` if it
/// tries to leave it.
fn normalise(path: &str) -> Option<String> {
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

/// The preview1 functions sandlab implements, by name, for the stub logic.
pub(crate) const IMPLEMENTED: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_close",
    "fd_fdstat_get",
    "fd_filestat_get",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_read",
    "fd_seek",
    "fd_write",
    "path_open",
    "proc_exit",
    "random_get",
    "sched_yield",
];

/// Defines the implemented preview1 functions in `linker`.
pub(crate) fn define(linker: &mut Linker<Host>) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        |mut c: Cx<'_>, count: u32, size: u32| {
            let list = arg_list(c.data());
            write_sizes(&mut c, "args_sizes_get", &list, count, size)
        },
    )?;
    linker.func_wrap(MODULE, "args_get", |mut c: Cx<'_>, ptrs: u32, buf: u32| {
        let list = arg_list(c.data());
        write_string_list(&mut c, "args_get", list, ptrs, buf)
    })?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |mut c: Cx<'_>, count: u32, size: u32| {
            let list = env_list(c.data());
            write_sizes(&mut c, "environ_sizes_get", &list, count, size)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |mut c: Cx<'_>, ptrs: u32, buf: u32| {
            let list = env_list(c.data());
            write_string_list(&mut c, "environ_get", list, ptrs, buf)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut c: Cx<'_>, id: u32, out: u32| {
            if id > 3 {
                return Ok(EINVAL);
            }
            let (mem, host) = memory(&mut c, "clock_res_get")?;
            write_bytes(
                mem,
                host,
                "clock_res_get",
                "the result",
                out,
                &1000u64.to_le_bytes(),
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        |mut c: Cx<'_>, id: u32, _precision: u64, out: u32| {
            if id > 3 {
                return Ok(EINVAL);
            }
            let host = c.data_mut();
            host.clock += 1;
            let now = EPOCH_NANOS + host.clock * 1000;
            let (mem, host) = memory(&mut c, "clock_time_get")?;
            write_bytes(
                mem,
                host,
                "clock_time_get",
                "the result",
                out,
                &now.to_le_bytes(),
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(MODULE, "random_get", |mut c: Cx<'_>, buf: u32, len: u32| {
        charge(&mut c, len as u64)?;
        let (mem, host) = memory(&mut c, "random_get")?;
        let r = range(host, mem.len(), "random_get", "the buffer", buf, len as u64)?;
        for chunk in mem[r].chunks_mut(8) {
            let bytes = host.next_random().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(ESUCCESS)
    })?;
    linker.func_wrap(MODULE, "sched_yield", || -> i32 { ESUCCESS })?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |mut c: Cx<'_>, code: i32| -> Result<(), Error> {
            c.data_mut().stop = Some(Stop::Exit(code));
            Err(Error::i32_exit(code))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut c: Cx<'_>, fd: u32, iovs: u32, n: u32, out: u32| {
            let call = "fd_write";
            // A bad descriptor costs nothing and writes nothing.
            if !(fd == 1 || fd == 2 || c.data().open.contains_key(&fd)) {
                return Ok(EBADF);
            }
            let bufs = charged_iovecs(&mut c, call, iovs, n)?;
            let (mem, host) = memory(&mut c, call)?;
            let mut written = 0usize;
            for buf in bufs {
                let bytes = &mem[buf];
                if bytes.len() as u64 > host.output_left {
                    // Keep what fits so the learner sees where the flood began.
                    let room = host.output_left as usize;
                    host.output_left = 0;
                    let limit = host.output_limit;
                    if let Some(sink) = sink(host, fd) {
                        sink.extend_from_slice(&bytes[..room]);
                    }
                    return Err(host.halt(Stop::OutputLimit { limit }));
                }
                host.output_left -= bytes.len() as u64;
                match sink(host, fd) {
                    Some(sink) => sink.extend_from_slice(bytes),
                    None => return Ok(EBADF),
                }
                written += bytes.len();
            }
            write_bytes(
                mem,
                host,
                call,
                "the result",
                out,
                &(written as u32).to_le_bytes(),
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        |mut c: Cx<'_>, fd: u32, iovs: u32, n: u32, out: u32| {
            let call = "fd_read";
            let bufs = charged_iovecs(&mut c, call, iovs, n)?;
            let (mem, host) = memory(&mut c, call)?;
            let mut read = 0usize;
            for buf in bufs {
                let (src, pos): (&[u8], u64) = match fd {
                    0 => (&host.stdin, host.stdin_pos as u64),
                    _ => match host.open.get(&fd) {
                        Some(f) => match host.files.get(&f.path) {
                            Some(data) => (data, f.pos),
                            None => return Ok(EBADF),
                        },
                        None if fd == PREOPEN_FD => return Ok(EISDIR),
                        None => return Ok(EBADF),
                    },
                };
                let start = pos.min(src.len() as u64) as usize;
                let count = buf.len().min(src.len() - start);
                let dst_start = buf.start;
                mem[dst_start..dst_start + count].copy_from_slice(&src[start..start + count]);
                match fd {
                    0 => host.stdin_pos += count,
                    _ => {
                        if let Some(f) = host.open.get_mut(&fd) {
                            f.pos += count as u64;
                        }
                    }
                }
                read += count;
                if count < buf.len() {
                    break;
                }
            }
            write_bytes(
                mem,
                host,
                call,
                "the result",
                out,
                &(read as u32).to_le_bytes(),
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(MODULE, "fd_close", |mut c: Cx<'_>, fd: u32| {
        let host = c.data_mut();
        Ok::<i32, Error>(if host.open.remove(&fd).is_some() || fd <= 2 {
            ESUCCESS
        } else {
            EBADF
        })
    })?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        |mut c: Cx<'_>, fd: u32, offset: i64, whence: u32, out: u32| {
            let call = "fd_seek";
            let (mem, host) = memory(&mut c, call)?;
            let Some(file) = host.open.get(&fd) else {
                return Ok(if fd <= 2 {
                    70 /* ESPIPE */
                } else {
                    EBADF
                });
            };
            let len = host.files.get(&file.path).map_or(0, |d| d.len()) as i64;
            let base = match whence {
                0 => 0,
                1 => file.pos as i64,
                2 => len,
                _ => return Ok(EINVAL),
            };
            let Some(new) = base.checked_add(offset).filter(|n| *n >= 0) else {
                return Ok(EINVAL);
            };
            if let Some(f) = host.open.get_mut(&fd) {
                f.pos = new as u64;
            }
            write_bytes(
                mem,
                host,
                call,
                "the result",
                out,
                &(new as u64).to_le_bytes(),
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        |mut c: Cx<'_>, fd: u32, out: u32| {
            let call = "fd_fdstat_get";
            let (mem, host) = memory(&mut c, call)?;
            // filetype: 2 character device (stdio), 3 directory, 4 regular file.
            let filetype: u8 = match fd {
                0..=2 => 2,
                PREOPEN_FD => 3,
                fd if host.open.contains_key(&fd) => 4,
                _ => return Ok(EBADF),
            };
            let mut stat = [0u8; 24];
            stat[0] = filetype;
            stat[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            stat[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
            write_bytes(mem, host, call, "the result", out, &stat)?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        |mut c: Cx<'_>, fd: u32, out: u32| {
            let call = "fd_filestat_get";
            let (mem, host) = memory(&mut c, call)?;
            let (filetype, size): (u8, u64) = match fd {
                0..=2 => (2, 0),
                PREOPEN_FD => (3, 0),
                fd => match host.open.get(&fd) {
                    Some(f) => (4, host.files.get(&f.path).map_or(0, |d| d.len() as u64)),
                    None => return Ok(EBADF),
                },
            };
            let mut stat = [0u8; 64];
            stat[16] = filetype;
            stat[24..32].copy_from_slice(&1u64.to_le_bytes());
            stat[32..40].copy_from_slice(&size.to_le_bytes());
            write_bytes(mem, host, call, "the result", out, &stat)?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        |mut c: Cx<'_>, fd: u32, out: u32| {
            if fd != PREOPEN_FD {
                return Ok(EBADF);
            }
            let (mem, host) = memory(&mut c, "fd_prestat_get")?;
            let mut stat = [0u8; 8];
            stat[4..8].copy_from_slice(&(PREOPEN_NAME.len() as u32).to_le_bytes());
            write_bytes(mem, host, "fd_prestat_get", "the result", out, &stat)?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        |mut c: Cx<'_>, fd: u32, buf: u32, len: u32| {
            if fd != PREOPEN_FD {
                return Ok(EBADF);
            }
            let (mem, host) = memory(&mut c, "fd_prestat_dir_name")?;
            let n = (len as usize).min(PREOPEN_NAME.len());
            write_bytes(
                mem,
                host,
                "fd_prestat_dir_name",
                "the buffer",
                buf,
                &PREOPEN_NAME[..n],
            )?;
            Ok(ESUCCESS)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_open",
        |mut c: Cx<'_>,
         dirfd: u32,
         _dirflags: u32,
         path: u32,
         path_len: u32,
         oflags: u32,
         _rights: u64,
         _inheriting: u64,
         _fdflags: u32,
         out: u32| {
            let call = "path_open";
            if path_len > MAX_PATH {
                return Ok(ENAMETOOLONG);
            }
            if c.data().open.len() >= MAX_OPEN {
                return Ok(EMFILE);
            }
            charge(&mut c, path_len as u64)?;
            let (mem, host) = memory(&mut c, call)?;
            if dirfd != PREOPEN_FD {
                return Ok(if host.open.contains_key(&dirfd) {
                    ENOTDIR
                } else {
                    EBADF
                });
            }
            let r = range(host, mem.len(), call, "the path", path, path_len as u64)?;
            let Ok(text) = std::str::from_utf8(&mem[r]) else {
                return Ok(EINVAL);
            };
            let Some(name) = normalise(text) else {
                return Ok(ENOENT);
            };
            const CREAT: u32 = 1;
            const DIRECTORY: u32 = 2;
            const EXCL: u32 = 4;
            const TRUNC: u32 = 8;
            if oflags & DIRECTORY != 0 {
                return Ok(ENOTDIR);
            }
            let exists = host.files.contains_key(&name);
            if exists && oflags & EXCL != 0 {
                return Ok(20); // EEXIST
            }
            if !exists {
                if oflags & CREAT == 0 {
                    return Ok(ENOENT);
                }
                host.files.insert(name.clone(), Vec::new());
            } else if oflags & TRUNC != 0 {
                host.files.insert(name.clone(), Vec::new());
            }
            let fd = host.next_fd;
            host.next_fd += 1;
            host.open.insert(fd, OpenFile { path: name, pos: 0 });
            write_bytes(mem, host, call, "the result", out, &fd.to_le_bytes())?;
            Ok(ESUCCESS)
        },
    )?;
    Ok(())
}

/// Where writes to `fd` go: stdout, stderr or an open file (appending at the
/// file's position).
fn sink(host: &mut Host, fd: u32) -> Option<&mut Vec<u8>> {
    match fd {
        1 => Some(&mut host.stdout),
        2 => Some(&mut host.stderr),
        fd => {
            let file = host.open.get(&fd)?;
            let data = host.files.get_mut(&file.path)?;
            // Writes extend the file at its end; seeking before writing is not
            // something the labs need, so position tracking stays simple.
            Some(data)
        }
    }
}

/// Defines an `ENOSYS` stub for an unimplemented preview1 import so the
/// module still links; a function that cannot return an errno traps instead.
pub(crate) fn define_stub(
    linker: &mut Linker<Host>,
    name: &str,
    ty: FuncType,
) -> Result<(), wasmi::errors::LinkerError> {
    let returns_errno = ty.results() == [ValType::I32];
    let owned = name.to_string();
    linker.func_new(MODULE, name, ty, move |mut c, _params, results| {
        if returns_errno {
            results[0] = Val::I32(ENOSYS);
            Ok(())
        } else {
            Err(c.data_mut().halt(Stop::Fault(format!(
                "the program called WASI `{owned}`, which the sandbox does not offer"
            ))))
        }
    })?;
    Ok(())
}

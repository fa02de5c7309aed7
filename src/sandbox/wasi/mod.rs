//! The WASI preview1 subset sandlab offers, served from memory.
//!
//! Everything is in-memory and deterministic: stdin is a byte string, stdout
//! and stderr are captured up to the output limit, the file tree is a map, the
//! wall and monotonic clocks tick one microsecond per reading from a fixed
//! epoch, the CPU-time clocks read the fuel spent so far as nanoseconds (so
//! a program can time its own work, deterministically: Python's
//! `time.process_time_ns()` is fuel), and
//! `random_get` is a seeded generator. Any other preview1 function a module
//! imports is linked to a stub that returns `ENOSYS`, so programs built by
//! ordinary toolchains still instantiate.
//!
//! A bad pointer from the program is not answered with `EFAULT`: it stops the
//! run with a message naming the call and the address, which tells a learner
//! far more than a silently failed write.
//!
//! The functions are engine-neutral: [`call`] serves one call through a
//! [`Guest`], the instance's memory and fuel counter as any engine exposes
//! them. wasmi links them here ([`define`]); the browser's own engine calls
//! the same [`call`] from its import functions.
//!
//! Code map: this file holds the host state and dispatches each call;
//! `io.rs` serves the calls that move bytes (descriptors, files, arguments);
//! `link.rs` links them into wasmi.

mod fs;
mod io;
mod link;
#[cfg(test)]
mod tests;

pub(crate) use link::{define, define_stub};

use super::{End, World};
use crate::vocab::{Limits, TrapKind, Value};
use fs::Open;
use io::{
    arg_list, env_list, fd_read, fd_seek, fd_write, path_open, write_sizes, write_string_list,
};
use std::collections::{BTreeMap, BTreeSet};
use wasmi::ValType;

pub(crate) const MODULE: &str = "wasi_snapshot_preview1";

const ESUCCESS: i32 = 0;
/// Clock ids from here up (process and thread CPU time) read fuel.
const CPU_CLOCKS: u32 = 2;
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
    open: BTreeMap<u32, Open>,
    /// Directories made with `path_create_directory` (others exist because
    /// files are in them).
    dirs: BTreeSet<String>,
    next_fd: u32,
    output_left: u64,
    output_limit: u64,
    clock: u64,
    rng: u64,
    /// How the run ended, when a host function stopped it.
    pub stop: Option<End>,
    /// The run's fuel budget, for a host function that runs out of it.
    pub fuel_limit: u64,
    pub limiter: super::Limiter,
    /// The instance, for a WASI function the host calls directly (a check
    /// calling a re-exported import), whose caller has no instance of its own.
    pub instance: Option<wasmi::Instance>,
    /// WASI calls served so far: how much of a run is crossing into the
    /// host, which the browser makes dear on its own engine.
    pub calls: u64,
}

impl Host {
    pub(crate) fn new(world: World, limits: &Limits, limiter: super::Limiter) -> Host {
        let output_limit = limits.output_bytes;
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
            dirs: BTreeSet::new(),
            next_fd: PREOPEN_FD + 1,
            output_left: output_limit,
            output_limit,
            clock: 0,
            rng: world.seed ^ 0x9E37_79B9_7F4A_7C15,
            stop: None,
            fuel_limit: limits.fuel,
            limiter,
            instance: None,
            calls: 0,
        }
    }

    /// Files the program opened and has not closed.
    pub(crate) fn open_files(&self) -> usize {
        self.open.len()
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

/// Most iovecs one call may pass: far above what programs use.
const MAX_IOVECS: u32 = 1024;
/// Longest path `path_open` accepts.
const MAX_PATH: u32 = 4096;
/// Most files open at once.
const MAX_OPEN: usize = 64;
const EMFILE: i32 = 33;
const ENAMETOOLONG: i32 = 37;

use ValType::{I32 as W32, I64 as W64};

/// The preview1 functions sandlab implements, with their signatures.
pub(crate) const IMPLEMENTED: &[(&str, &[ValType], &[ValType])] = &[
    ("args_get", &[W32, W32], &[W32]),
    ("args_sizes_get", &[W32, W32], &[W32]),
    ("environ_get", &[W32, W32], &[W32]),
    ("environ_sizes_get", &[W32, W32], &[W32]),
    ("clock_res_get", &[W32, W32], &[W32]),
    ("clock_time_get", &[W32, W64, W32], &[W32]),
    ("fd_close", &[W32], &[W32]),
    ("fd_fdstat_get", &[W32, W32], &[W32]),
    ("fd_filestat_get", &[W32, W32], &[W32]),
    ("fd_prestat_get", &[W32, W32], &[W32]),
    ("fd_prestat_dir_name", &[W32, W32, W32], &[W32]),
    ("fd_read", &[W32, W32, W32, W32], &[W32]),
    ("fd_readdir", &[W32, W32, W32, W64, W32], &[W32]),
    ("fd_seek", &[W32, W64, W32, W32], &[W32]),
    ("fd_tell", &[W32, W32], &[W32]),
    ("fd_write", &[W32, W32, W32, W32], &[W32]),
    (
        "path_open",
        &[W32, W32, W32, W32, W32, W64, W64, W32, W32],
        &[W32],
    ),
    ("path_create_directory", &[W32, W32, W32], &[W32]),
    ("path_filestat_get", &[W32, W32, W32, W32, W32], &[W32]),
    ("path_remove_directory", &[W32, W32, W32], &[W32]),
    ("path_rename", &[W32, W32, W32, W32, W32, W32], &[W32]),
    ("path_unlink_file", &[W32, W32, W32], &[W32]),
    ("poll_oneoff", &[W32, W32, W32, W32], &[W32]),
    ("proc_exit", &[W32], &[]),
    ("random_get", &[W32, W32], &[W32]),
    ("sched_yield", &[], &[W32]),
];

/// The signature of an implemented function.
pub(crate) fn signature(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    IMPLEMENTED
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, params, results)| (*params, *results))
}

/// What a WASI call sees of the instance that made it.
pub(crate) trait Guest {
    /// The size of the memory exported as `memory`, if there is one.
    fn memory_len(&mut self) -> Option<u64>;
    /// Copies out `len` bytes at `addr`; the range is checked.
    fn read(&mut self, addr: u64, len: usize) -> Vec<u8>;
    /// Copies `bytes` in at `addr`; the range is checked.
    fn write(&mut self, addr: u64, bytes: &[u8]);
    /// The metering pass's fuel counter.
    fn fuel(&mut self) -> i64;
    fn set_fuel(&mut self, left: i64);
}

/// A call's access to memory: its size read once, every range checked.
struct Mem<'g> {
    guest: &'g mut dyn Guest,
    len: u64,
    call: &'static str,
}

impl Mem<'_> {
    /// Checks that `[addr, addr+len)` lies inside memory.
    fn range(&self, what: &str, addr: u32, len: u64) -> Result<u64, End> {
        let start = addr as u64;
        if start + len > self.len {
            return Err(fault(format!(
                "{}: {what} at address {addr} ({len} bytes) lies outside memory ({} bytes)",
                self.call, self.len
            )));
        }
        Ok(start)
    }

    fn read(&mut self, what: &str, addr: u32, len: u64) -> Result<Vec<u8>, End> {
        let start = self.range(what, addr, len)?;
        Ok(self.guest.read(start, len as usize))
    }

    fn write(&mut self, what: &str, addr: u32, bytes: &[u8]) -> Result<(), End> {
        let start = self.range(what, addr, bytes.len() as u64)?;
        self.guest.write(start, bytes);
        Ok(())
    }

    /// Reads an iovec array as (address, length) pairs, checking each buffer.
    fn iovecs(&mut self, iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, End> {
        if count > MAX_IOVECS {
            return Err(fault(format!(
                "{}: {count} iovecs in one call; the sandbox allows {MAX_IOVECS}",
                self.call
            )));
        }
        let raw = self.read("the iovec array", iovs, count as u64 * 8)?;
        let mut out = Vec::with_capacity(count as usize);
        for pair in raw.chunks_exact(8) {
            let buf = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
            let len = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
            self.range("a buffer", buf, len as u64)?;
            out.push((buf, len));
        }
        Ok(out)
    }
}

/// Charges fuel for host work: one unit per 8 bytes moved, plus one. Without
/// it a program could ask WASI for unbounded work per call while paying for
/// one instruction. It draws on the metering pass's counter, the same one
/// the program's own instructions draw on.
fn charge(guest: &mut dyn Guest, bytes: u64, limit: u64) -> Result<(), End> {
    let cost = (bytes / 8 + 1).min(i64::MAX as u64) as i64;
    let left = guest.fuel().saturating_sub(cost);
    guest.set_fuel(left);
    if left < 0 {
        return Err(End::OutOfFuel { limit });
    }
    Ok(())
}

/// A bad request from the program: it stops the run, saying what was wrong.
fn fault(message: String) -> End {
    End::Trapped {
        kind: TrapKind::Host,
        message,
    }
}

/// Borrows the exported memory for `call`, or stops the run if there is none.
fn memory<'g>(guest: &'g mut dyn Guest, call: &'static str) -> Result<Mem<'g>, End> {
    match guest.memory_len() {
        Some(len) => Ok(Mem { guest, len, call }),
        None => Err(fault(format!(
            "{call} needs the module to export its memory as \"memory\", and it does not"
        ))),
    }
}

fn u32_arg(args: &[Value], i: usize) -> u32 {
    match args.get(i) {
        Some(Value::I32(v)) => *v as u32,
        Some(Value::I64(v)) => *v as u32,
        _ => 0,
    }
}

fn i64_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::I64(v)) => *v,
        Some(Value::I32(v)) => *v as i64,
        _ => 0,
    }
}

/// Serves one call to the implemented function `name`. `Ok(None)` is a
/// function without results; `Err` stops the run (the caller records it).
///
/// One arm per WASI function, the short ones served in place: it is the
/// table of what sandlab offers, and reads best whole.
pub(crate) fn call(
    host: &mut Host,
    guest: &mut dyn Guest,
    name: &str,
    args: &[Value],
) -> Result<Option<Value>, End> {
    host.calls += 1;
    let a = |i| u32_arg(args, i);
    let errno = match name {
        "args_sizes_get" => write_sizes(guest, "args_sizes_get", &arg_list(host), a(0), a(1))?,
        "args_get" => write_string_list(
            guest,
            "args_get",
            arg_list(host),
            a(0),
            a(1),
            host.fuel_limit,
        )?,
        "environ_sizes_get" => {
            write_sizes(guest, "environ_sizes_get", &env_list(host), a(0), a(1))?
        }
        "environ_get" => write_string_list(
            guest,
            "environ_get",
            env_list(host),
            a(0),
            a(1),
            host.fuel_limit,
        )?,
        "clock_res_get" => {
            if a(0) > 3 {
                EINVAL
            } else {
                let resolution: u64 = if a(0) >= CPU_CLOCKS { 1 } else { 1000 };
                let mut mem = memory(guest, "clock_res_get")?;
                mem.write("the result", a(1), &resolution.to_le_bytes())?;
                ESUCCESS
            }
        }
        "clock_time_get" => {
            if a(0) > 3 {
                EINVAL
            } else {
                let now = if a(0) >= CPU_CLOCKS {
                    // Fuel spent, the charge for this call included.
                    let left = guest.fuel().max(0) as u64;
                    host.fuel_limit.saturating_sub(left)
                } else {
                    host.clock += 1;
                    EPOCH_NANOS + host.clock * 1000
                };
                let mut mem = memory(guest, "clock_time_get")?;
                mem.write("the result", a(2), &now.to_le_bytes())?;
                ESUCCESS
            }
        }
        "random_get" => {
            let (buf, len) = (a(0), a(1));
            charge(guest, len as u64, host.fuel_limit)?;
            let mut mem = memory(guest, "random_get")?;
            mem.range("the buffer", buf, len as u64)?;
            let mut bytes = vec![0u8; len as usize];
            for chunk in bytes.chunks_mut(8) {
                let random = host.next_random().to_le_bytes();
                chunk.copy_from_slice(&random[..chunk.len()]);
            }
            mem.write("the buffer", buf, &bytes)?;
            ESUCCESS
        }
        "sched_yield" => ESUCCESS,
        "proc_exit" => return Err(End::Exited(a(0) as i32)),
        "fd_write" => fd_write(host, guest, a(0), a(1), a(2), a(3))?,
        "fd_read" => fd_read(host, guest, a(0), a(1), a(2), a(3))?,
        "fd_close" => {
            let fd = a(0);
            if host.open.remove(&fd).is_some() || fd <= 2 {
                ESUCCESS
            } else {
                EBADF
            }
        }
        "fd_seek" => fd_seek(host, guest, a(0), i64_arg(args, 1), a(2), a(3))?,
        "fd_tell" => fd_seek(host, guest, a(0), 0, 1, a(1))?,
        "fd_readdir" => {
            fs::fd_readdir(host, guest, a(0), a(1), a(2), i64_arg(args, 3) as u64, a(4))?
        }
        "path_filestat_get" => fs::path_filestat_get(host, guest, a(0), a(2), a(3), a(4))?,
        "path_create_directory" => fs::path_create_directory(host, guest, a(0), a(1), a(2))?,
        "path_remove_directory" => fs::path_remove_directory(host, guest, a(0), a(1), a(2))?,
        "path_unlink_file" => fs::path_unlink_file(host, guest, a(0), a(1), a(2))?,
        "path_rename" => fs::path_rename(host, guest, [a(0), a(1), a(2)], [a(3), a(4), a(5)])?,
        "poll_oneoff" => fs::poll_oneoff(host, guest, a(0), a(1), a(2), a(3))?,
        "fd_fdstat_get" => {
            let (fd, out) = (a(0), a(1));
            let mut mem = memory(guest, "fd_fdstat_get")?;
            // filetype: 2 character device (stdio), 3 directory, 4 regular file.
            let filetype: u8 = match fd {
                0..=2 => 2,
                PREOPEN_FD => 3,
                fd => match host.open.get(&fd) {
                    Some(Open::Dir { .. }) => 3,
                    Some(Open::File { .. }) => 4,
                    None => return Ok(Some(Value::I32(EBADF))),
                },
            };
            let mut stat = [0u8; 24];
            stat[0] = filetype;
            stat[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            stat[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
            mem.write("the result", out, &stat)?;
            ESUCCESS
        }
        "fd_filestat_get" => {
            let (fd, out) = (a(0), a(1));
            let mut mem = memory(guest, "fd_filestat_get")?;
            let (filetype, size): (u8, u64) = match fd {
                0..=2 => (2, 0),
                PREOPEN_FD => (3, 0),
                fd => match host.open.get(&fd) {
                    Some(Open::Dir { .. }) => (3, 0),
                    Some(Open::File { path, .. }) => {
                        (4, host.files.get(path).map_or(0, |d| d.len() as u64))
                    }
                    None => return Ok(Some(Value::I32(EBADF))),
                },
            };
            let mut stat = [0u8; 64];
            stat[16] = filetype;
            stat[24..32].copy_from_slice(&1u64.to_le_bytes());
            stat[32..40].copy_from_slice(&size.to_le_bytes());
            mem.write("the result", out, &stat)?;
            ESUCCESS
        }
        "fd_prestat_get" => {
            if a(0) != PREOPEN_FD {
                EBADF
            } else {
                let mut mem = memory(guest, "fd_prestat_get")?;
                let mut stat = [0u8; 8];
                stat[4..8].copy_from_slice(&(PREOPEN_NAME.len() as u32).to_le_bytes());
                mem.write("the result", a(1), &stat)?;
                ESUCCESS
            }
        }
        "fd_prestat_dir_name" => {
            if a(0) != PREOPEN_FD {
                EBADF
            } else {
                let mut mem = memory(guest, "fd_prestat_dir_name")?;
                let n = (a(2) as usize).min(PREOPEN_NAME.len());
                mem.write("the buffer", a(1), &PREOPEN_NAME[..n])?;
                ESUCCESS
            }
        }
        "path_open" => path_open(host, guest, a(0), [a(2), a(3)], a(4), a(7), a(8))?,
        other => {
            return Err(fault(format!(
                "internal error: WASI `{other}` has no implementation"
            )));
        }
    };
    Ok(Some(Value::I32(errno)))
}

/// What an unimplemented preview1 import does: answer `ENOSYS` when it can
/// return an errno, otherwise stop the run naming it.
pub(crate) fn stub(name: &str, returns_errno: bool) -> Result<Option<Value>, End> {
    if returns_errno {
        Ok(Some(Value::I32(ENOSYS)))
    } else {
        Err(fault(format!(
            "the program called WASI `{name}`, which the sandbox does not offer"
        )))
    }
}

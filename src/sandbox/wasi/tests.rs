//! The file tree, directories and sleeping, called as a program would,
//! through a guest whose memory is a plain vector.

use super::*;
use crate::sandbox::Limiter;

struct Memory {
    bytes: Vec<u8>,
    fuel: i64,
}

impl Guest for Memory {
    fn memory_len(&mut self) -> Option<u64> {
        Some(self.bytes.len() as u64)
    }
    fn read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        self.bytes[addr as usize..addr as usize + len].to_vec()
    }
    fn write(&mut self, addr: u64, bytes: &[u8]) {
        self.bytes[addr as usize..addr as usize + bytes.len()].copy_from_slice(bytes);
    }
    fn fuel(&mut self) -> i64 {
        self.fuel
    }
    fn set_fuel(&mut self, left: i64) {
        self.fuel = left;
    }
}

/// A host with `files`, and a guest with 64 KiB of memory.
fn world(files: &[(&str, &str)]) -> (Host, Memory) {
    let world = World {
        files: files
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect(),
        ..World::default()
    };
    let limits = Limits::default();
    let host = Host::new(world, &limits, Limiter::new(limits.memory_pages));
    (
        host,
        Memory {
            bytes: vec![0; 65_536],
            fuel: 1_000_000,
        },
    )
}

const PATH: u32 = 1000;
const OUT: u32 = 2000;
const BUF: u32 = 3000;

/// Calls `name` with `args` (i32s, and an i64 where the signature has one),
/// after writing `path` at [`PATH`]; returns the errno.
fn call_with(host: &mut Host, guest: &mut Memory, name: &str, path: &str, args: &[i64]) -> i32 {
    guest.write(PATH as u64, path.as_bytes());
    let (params, _) = signature(name).expect("implemented");
    let values: Vec<Value> = args
        .iter()
        .zip(params)
        .map(|(a, ty)| match ty {
            ValType::I64 => Value::I64(*a),
            _ => Value::I32(*a as i32),
        })
        .collect();
    match call(host, guest, name, &values) {
        Ok(Some(Value::I32(errno))) => errno,
        other => panic!("{name}: {other:?}"),
    }
}

fn open(
    host: &mut Host,
    guest: &mut Memory,
    path: &str,
    oflags: i64,
    fdflags: i64,
) -> Result<u32, i32> {
    let args = [
        3,
        0,
        PATH as i64,
        path.len() as i64,
        oflags,
        0,
        0,
        fdflags,
        OUT as i64,
    ];
    match call_with(host, guest, "path_open", path, &args) {
        0 => Ok(u32::from_le_bytes(
            guest.read(OUT as u64, 4).try_into().expect("4 bytes"),
        )),
        errno => Err(errno),
    }
}

fn write(host: &mut Host, guest: &mut Memory, fd: u32, text: &str) {
    guest.write(BUF as u64, text.as_bytes());
    guest.write(OUT as u64 + 8, &BUF.to_le_bytes());
    guest.write(OUT as u64 + 12, &(text.len() as u32).to_le_bytes());
    let errno = call_with(
        host,
        guest,
        "fd_write",
        "",
        &[fd as i64, OUT as i64 + 8, 1, OUT as i64],
    );
    assert_eq!(errno, 0);
}

fn stat(host: &mut Host, guest: &mut Memory, path: &str) -> Result<(u8, u64), i32> {
    let args = [3, 0, PATH as i64, path.len() as i64, OUT as i64];
    match call_with(host, guest, "path_filestat_get", path, &args) {
        0 => {
            let stat = guest.read(OUT as u64, 64);
            let size = u64::from_le_bytes(stat[32..40].try_into().expect("8 bytes"));
            Ok((stat[16], size))
        }
        errno => Err(errno),
    }
}

/// The names `fd_readdir` lists for descriptor `fd`.
fn list(host: &mut Host, guest: &mut Memory, fd: u32) -> Vec<String> {
    let errno = call_with(
        host,
        guest,
        "fd_readdir",
        "",
        &[fd as i64, BUF as i64, 4096, 0, OUT as i64],
    );
    assert_eq!(errno, 0);
    let used = u32::from_le_bytes(guest.read(OUT as u64, 4).try_into().expect("4 bytes")) as usize;
    let bytes = guest.read(BUF as u64, used);
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().expect("4 bytes")) as usize;
        names.push(String::from_utf8_lossy(&bytes[at + 24..at + 24 + len]).into_owned());
        at += 24 + len;
    }
    names
}

#[test]
fn directories_exist_where_files_are_and_list_in_name_order() {
    let (mut host, mut guest) = world(&[
        ("main.py", "x"),
        ("lib/a.txt", "aa"),
        ("lib/sub/b.txt", "b"),
    ]);
    assert_eq!(stat(&mut host, &mut guest, "lib"), Ok((3, 0)));
    assert_eq!(stat(&mut host, &mut guest, "/lib/a.txt"), Ok((4, 2)));
    assert_eq!(stat(&mut host, &mut guest, "nope"), Err(ENOENT));
    assert_eq!(
        list(&mut host, &mut guest, 3),
        [".", "..", "lib", "main.py"]
    );
    let lib = open(&mut host, &mut guest, "lib", 2, 0).expect("a directory opens");
    assert_eq!(
        list(&mut host, &mut guest, lib),
        [".", "..", "a.txt", "sub"]
    );
    assert_eq!(open(&mut host, &mut guest, "main.py", 2, 0), Err(ENOTDIR));
    // A path relative to an open directory.
    let args = [lib as i64, 0, PATH as i64, 5, 0, 0, 0, 0, OUT as i64];
    assert_eq!(
        call_with(&mut host, &mut guest, "path_open", "a.txt", &args),
        0
    );
}

#[test]
fn writes_go_where_the_position_is_and_append_goes_to_the_end() {
    let (mut host, mut guest) = world(&[("notes.txt", "hello world")]);
    let fd = open(&mut host, &mut guest, "notes.txt", 0, 0).expect("opens");
    write(&mut host, &mut guest, fd, "HELLO");
    assert_eq!(host.files["notes.txt"], b"HELLO world");
    let tell = call_with(
        &mut host,
        &mut guest,
        "fd_tell",
        "",
        &[fd as i64, OUT as i64],
    );
    assert_eq!(tell, 0);
    assert_eq!(guest.read(OUT as u64, 8), 5u64.to_le_bytes());
    let log = open(&mut host, &mut guest, "notes.txt", 0, 1).expect("opens to append");
    write(&mut host, &mut guest, log, "!");
    assert_eq!(host.files["notes.txt"], b"HELLO world!");
}

#[test]
fn files_and_directories_are_made_renamed_and_removed() {
    let (mut host, mut guest) = world(&[("keep.txt", "k")]);
    let mkdir = |host: &mut Host, guest: &mut Memory, path: &str| {
        call_with(
            host,
            guest,
            "path_create_directory",
            path,
            &[3, PATH as i64, path.len() as i64],
        )
    };
    assert_eq!(mkdir(&mut host, &mut guest, "out"), 0);
    assert_eq!(mkdir(&mut host, &mut guest, "out"), 20, "EEXIST");
    assert_eq!(mkdir(&mut host, &mut guest, "a/b"), ENOENT, "no parent");
    let fd = open(&mut host, &mut guest, "out/result.txt", 1, 0).expect("created");
    write(&mut host, &mut guest, fd, "42");
    let rmdir = |host: &mut Host, guest: &mut Memory, path: &str| {
        call_with(
            host,
            guest,
            "path_remove_directory",
            path,
            &[3, PATH as i64, path.len() as i64],
        )
    };
    assert_eq!(rmdir(&mut host, &mut guest, "out"), 55, "ENOTEMPTY");
    guest.write(PATH as u64 + 100, b"final");
    let rename = [3, PATH as i64, 3, 3, PATH as i64 + 100, 5];
    assert_eq!(
        call_with(&mut host, &mut guest, "path_rename", "out", &rename),
        0
    );
    assert_eq!(
        host.files.get("final/result.txt").map(Vec::as_slice),
        Some(&b"42"[..])
    );
    let unlink = [3, PATH as i64, 16];
    assert_eq!(
        call_with(
            &mut host,
            &mut guest,
            "path_unlink_file",
            "final/result.txt",
            &unlink
        ),
        0
    );
    assert_eq!(rmdir(&mut host, &mut guest, "final"), 0);
    assert_eq!(list(&mut host, &mut guest, 3), [".", "..", "keep.txt"]);
}

#[test]
fn sleeping_takes_no_time_but_moves_the_clock() {
    let (mut host, mut guest) = world(&[]);
    let now = |host: &mut Host, guest: &mut Memory| {
        assert_eq!(
            call_with(host, guest, "clock_time_get", "", &[0, 1, OUT as i64]),
            0
        );
        u64::from_le_bytes(guest.read(OUT as u64, 8).try_into().expect("8 bytes"))
    };
    let before = now(&mut host, &mut guest);
    // One relative clock subscription of 5 s.
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&7u64.to_le_bytes());
    sub[24..32].copy_from_slice(&5_000_000_000u64.to_le_bytes());
    guest.write(BUF as u64, &sub);
    let poll = [BUF as i64, BUF as i64 + 100, 1, OUT as i64];
    assert_eq!(
        call_with(&mut host, &mut guest, "poll_oneoff", "", &poll),
        0
    );
    assert_eq!(
        guest.read(BUF as u64 + 100, 8),
        7u64.to_le_bytes(),
        "the event names its subscription"
    );
    let after = now(&mut host, &mut guest);
    assert!(after - before >= 5_000_000_000, "{}", after - before);
    assert!(after - before < 5_000_010_000, "{}", after - before);
}

#[test]
fn the_cpu_clocks_read_the_fuel_spent() {
    let (mut host, mut guest) = world(&[]);
    let limit = Limits::default().fuel;
    let read = |host: &mut Host, guest: &mut Memory, clock: i64| {
        assert_eq!(
            call_with(host, guest, "clock_time_get", "", &[clock, 1, OUT as i64]),
            0
        );
        u64::from_le_bytes(guest.read(OUT as u64, 8).try_into().expect("8 bytes"))
    };
    guest.fuel = limit as i64 - 5_000;
    let first = read(&mut host, &mut guest, 2);
    // The call's own charge (one unit) is spent before the clock is read.
    assert!((5_000..5_010).contains(&first), "{first}");
    guest.fuel -= 1_000;
    let second = read(&mut host, &mut guest, 3);
    assert!(
        second - first >= 1_000 && second - first < 1_010,
        "{}",
        second - first
    );
    // The wall clock still reads its fixed epoch, a tick per reading.
    let wall = read(&mut host, &mut guest, 0);
    assert!(wall > EPOCH_NANOS);
    assert_eq!(
        call_with(&mut host, &mut guest, "clock_res_get", "", &[2, OUT as i64]),
        0
    );
    assert_eq!(guest.read(OUT as u64, 8), 1u64.to_le_bytes());
}

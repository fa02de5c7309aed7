//! Runs untrusted WebAssembly under hard, deterministic limits.
//!
//! The API is small and engine-neutral: compile bytes into a [`Program`],
//! describe a run with a [`Request`] (what to call, the WASI [`World`] it
//! sees, its [`Limits`]), and get an [`Outcome`]. Runs can proceed in fuel
//! slices through [`Execution::advance`], so the browser can yield between
//! slices and offer a Stop button; slicing never changes the outcome or the
//! fuel count.
//!
//! ```
//! use sandlab::sandbox::{Program, Request, Entry, End};
//! use sandlab::vocab::{Value, Limits};
//! let wasm = wast::parser::parse::<wast::Wat>(
//!     &wast::parser::ParseBuffer::new(
//!         r#"(module (func (export "add") (param i32 i32) (result i32)
//!              local.get 0 local.get 1 i32.add))"#,
//!     ).unwrap(),
//! ).unwrap().encode().unwrap();
//! let program = Program::new(&wasm, Limits::default().stack_depth).unwrap();
//! let outcome = sandlab::sandbox::run(&program, Request::call("add", vec![Value::I32(2), Value::I32(3)]));
//! assert_eq!(outcome.end, End::Returned(vec![Value::I32(5)]));
//! ```

//!
//! Code map: `program.rs` validates, instruments and compiles a module
//! ([`Program`]); `execution.rs` runs one [`Request`] on wasmi, in slices
//! ([`Execution`]); `end.rs` says how a run ended; `wasi.rs` is the WASI
//! subset every engine serves. This file holds what a run is asked and
//! what it gives back, and the rules every engine settles a run by.

mod end;
mod execution;
mod program;
pub(crate) mod wasi;

#[cfg(test)]
mod tests;

pub use end::{End, Wanted, join_values};
pub use execution::Execution;
pub(crate) use program::Limiter;
pub use program::{ModuleError, Program};

use crate::meter;
use crate::vocab::{Limits, TrapKind, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a run sees of the outside world through WASI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    /// `argv[0]`.
    pub program_name: String,
    /// `argv[1..]`.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    /// The files under the preopened directory `.`, by normalised path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Seeds `random_get`.
    pub seed: u64,
}

/// What a run calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    /// An exported function with arguments.
    Call { function: String, args: Vec<Value> },
    /// A WASI command: the exported `_start`.
    Command,
}

/// Bytes written into the exported memory before the entry runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryWrite {
    pub address: u32,
    pub bytes: Vec<u8>,
}

/// A range of the exported memory read back after the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryRead {
    pub address: u32,
    pub len: u32,
}

/// One run: what to call, in which world, under which limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub entry: Entry,
    pub world: World,
    pub limits: Limits,
    pub memory_writes: Vec<MemoryWrite>,
    pub memory_reads: Vec<MemoryRead>,
}

impl Request {
    /// A call to `function` with default limits and an empty world.
    pub fn call(function: &str, args: Vec<Value>) -> Request {
        Request::new(Entry::Call {
            function: function.to_string(),
            args,
        })
    }

    /// A WASI command run with default limits and an empty world.
    pub fn command() -> Request {
        Request::new(Entry::Command)
    }

    fn new(entry: Entry) -> Request {
        Request {
            entry,
            world: World {
                program_name: "main.wasm".into(),
                ..World::default()
            },
            limits: Limits::default(),
            memory_writes: Vec::new(),
            memory_reads: Vec::new(),
        }
    }
}

/// What a finished run produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub end: End,
    /// Fuel consumed, including any start function; equals the limit when
    /// the run ran out of fuel.
    pub fuel_used: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The file tree after the run.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The requested memory ranges, or why one could not be read.
    pub memory: Vec<Result<Vec<u8>, String>>,
}

/// Reads back a run's memory ranges from a memory of `len` bytes (`None`: the
/// module exports none); `read` copies a range already checked. Every engine
/// answers through this, so the messages are the same.
pub(crate) fn memory_reads(
    reads: &[MemoryRead],
    len: Option<u64>,
    mut read: impl FnMut(u64, usize) -> Vec<u8>,
) -> Vec<Result<Vec<u8>, String>> {
    reads
        .iter()
        .map(|r| {
            let Some(len) = len else {
                return Err("the module does not export its memory as \"memory\"".to_string());
            };
            let start = r.address as u64;
            if start + r.len as u64 > len {
                return Err(format!(
                    "{} bytes at address {} lie outside memory ({len} bytes)",
                    r.len, r.address
                ));
            }
            Ok(read(start, r.len as usize))
        })
        .collect()
}

/// How a finished run ends and the fuel it used, from the pass's counter
/// (`fuel_left`). Every engine settles its runs here. Charges past the budget
/// end the run as out of fuel, however it ended: the counter is checked at
/// calls and loop turns only (crate::meter), so a run may finish or trap in
/// the straight-line code after its budget ran out.
pub(crate) fn settle(end: End, fuel_left: i64, limit: u64) -> (End, u64) {
    let end = match end {
        End::Cancelled => End::Cancelled,
        _ if fuel_left < 0 => End::OutOfFuel { limit },
        end => end,
    };
    let used = match end {
        End::OutOfFuel { .. } => limit,
        _ => limit.saturating_sub(fuel_left.max(0) as u64),
    };
    (end, used)
}

/// How a run ends that the metering pass's code stopped for `why`.
pub(crate) fn metered_end(
    why: meter::Why,
    fuel_limit: u64,
    stack_depth: u32,
    memory_pages: u32,
    requested_pages: i64,
) -> End {
    match why {
        meter::Why::OutOfFuel => End::OutOfFuel { limit: fuel_limit },
        meter::Why::CallDepth => End::StackOverflow { limit: stack_depth },
        meter::Why::MemoryLimit => End::MemoryLimit {
            limit_pages: memory_pages,
            requested_pages: requested_pages.max(0) as u64,
        },
        meter::Why::IndirectCallToNull => End::Trapped {
            kind: TrapKind::IndirectCallToNull,
            message: TrapKind::IndirectCallToNull.explain().to_string(),
        },
    }
}

/// Runs `request` to the end in one go.
pub fn run(program: &Program, request: Request) -> Outcome {
    let mut exec = Execution::start(program, request);
    while !exec.advance(u64::MAX) {}
    exec.finish()
}

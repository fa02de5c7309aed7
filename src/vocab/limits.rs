//! The resource caps of a run.

use serde::{Deserialize, Serialize};

/// Resource caps for one run. Every cap is deterministic: the same module
/// and input hit it at the same point on every machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Instruction budget, in sandlab's fuel (about one per instruction; the
    /// cost model is in `crate::meter`).
    pub fuel: u64,
    /// Linear memory cap in 64 KiB pages.
    pub memory_pages: u32,
    /// Maximum call depth.
    pub stack_depth: u32,
    /// Cap on all bytes written to stdout, stderr and files together.
    pub output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: 10_000_000,
            memory_pages: 256,
            stack_depth: 10_000,
            output_bytes: 64 * 1024,
        }
    }
}

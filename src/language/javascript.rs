//! JavaScript: QuickJS-NG, compiled to WebAssembly, runs the learner's script.
//!
//! The runtime (`runtimes/javascript/`, built by `scripts/javascript-runtime`)
//! is a snapshot of the engine after its start-up with sandlab's harness
//! (`runtimes/javascript/sandlab_harness.js`) loaded: a run is the
//! learner's `main.js` as a global script, or one check's job, through the
//! same job files as Python's (`crate::grade` reads them the same way).

use super::{Runnable, Runtime, Submission};
use crate::compile::CompileError;
use crate::vocab::Limits;
use std::collections::BTreeMap;

/// The learner's file, in the run's folder.
pub(super) const MAIN: &str = "main.js";

/// A JavaScript lab's limits unless it sets its own: as Python's. The
/// engine spends a few thousand WebAssembly instructions per call of a
/// small function (recursive `fib(20)`, 21,891 calls: about 100M fuel), so
/// 10G fuel stops an endless loop in a second or two in the browser's
/// engine. Recursion ends in the engine's own RangeError ("Maximum call
/// stack size exceeded", with the learner's line) well before the call
/// depth cap: the engine keeps to 3.75 MB of its 4 MB C stack.
pub(super) const LIMITS: Limits = Limits {
    fuel: 10_000_000_000,
    memory_pages: 1024,
    stack_depth: 50_000,
    output_bytes: 64 * 1024,
};

pub(super) fn build(
    submission: &Submission,
    runtime: Option<&Runtime>,
) -> Result<Runnable, CompileError> {
    super::script_runnable(submission, runtime, "qjs")
}

/// What the browser runs to warm the engine up ([`super::Spec::warm_up`]):
/// calls, loops, arithmetic, strings, an array and an object.
pub const WARM_UP: &str = "\
function step(n, seen) {
  seen[n % 7] = (seen[n % 7] || 0) + 1;
  return n % 2 ? n * 3 + 1 : n / 2;
}
const seen = {};
const words = [];
for (let i = 1; i < 60; i++) {
  let n = i;
  while (n !== 1) n = step(n, seen);
  words.push(String(i));
}
console.log(words.join(' ').length, Object.entries(seen).slice(0, 2));
";

/// The harness the runtime runs around learners' code.
pub const HARNESS: &str = include_str!("../../runtimes/javascript/sandlab_harness.js");

/// Whether `runtime` was built with this sandlab's harness.
///
/// # Errors
///
/// Why not, for the person who installed it.
pub fn check_runtime(runtime: &[u8]) -> Result<(), String> {
    super::harness::check(runtime, &super::harness::key(HARNESS, ""))
}

/// Builds the JavaScript runtime: runs `reactor` (QuickJS-NG linked with
/// `runtimes/javascript/sandlab_entry.c`) with `harness`, and snapshots it
/// after start-up ([`crate::snapshot`]): the same bytes on every machine.
///
/// # Errors
///
/// The start-up fails (the harness does not compile, say).
pub fn make_runtime(reactor: &[u8], harness: &str) -> Result<Vec<u8>, String> {
    let world = crate::sandbox::World {
        program_name: "qjs".into(),
        files: BTreeMap::from([(
            "sandlab_harness.js".to_string(),
            harness.as_bytes().to_vec(),
        )]),
        ..Default::default()
    };
    // Start-up, once: generous limits, for it is sandlab's own code.
    let limits = Limits {
        fuel: 5_000_000_000,
        memory_pages: 16_384,
        stack_depth: 50_000,
        output_bytes: 1 << 20,
    };
    let mut runtime =
        crate::snapshot::take(reactor, "sandlab_init", world, limits).map_err(|e| e.to_string())?;
    super::harness::stamp(&mut runtime, &super::harness::key(harness, ""));
    Ok(runtime)
}

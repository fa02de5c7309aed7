//! Python: CPython 3.11, compiled to WebAssembly, runs the learner's script.
//!
//! The runtime (`runtimes/python/`, built by `scripts/python-runtime`) is a
//! snapshot of the interpreter after its start-up, with the course's
//! standard library in memory and sandlab's harness
//! (`runtimes/python/sandlab_harness.py`) loaded: a run is the learner's
//! `main.py` as `__main__`, or one check's job, and costs only what the
//! learner's code does.

use super::{Runnable, Runtime, Submission};
use crate::compile::CompileError;
use crate::vocab::Limits;
use std::collections::BTreeMap;

/// The learner's file, in the run's folder.
pub(super) const MAIN: &str = "main.py";

/// A Python lab's limits unless it sets its own. The interpreter spends
/// thousands of WebAssembly instructions per line of Python (a turn of
/// `for i in range(n): x += i` at the top level costs about 5,000 fuel;
/// most are `local.get`s an engine compiles away, so fuel runs about ten
/// times faster than a module's): 10G fuel is a few million turns of such a
/// loop, and stops an endless one in about a second in the browser's engine
/// (measured in BENCHMARKS.md). Its heap starts at a few megabytes.
pub(super) const LIMITS: Limits = Limits {
    fuel: 10_000_000_000,
    memory_pages: 1024,
    stack_depth: 10_000,
    output_bytes: 64 * 1024,
};

pub(super) fn build(
    submission: &Submission,
    runtime: Option<&Runtime>,
) -> Result<Runnable, CompileError> {
    super::script_runnable(submission, runtime, "python")
}

/// What the browser runs to warm the interpreter up ([`super::Spec::warm_up`]):
/// calls, loops, arithmetic, strings, a list and a dict, the eval loop's
/// common paths, for about 20M fuel.
pub const WARM_UP: &str = "\
def step(n, seen):
    seen[n % 7] = seen.get(n % 7, 0) + 1
    return n * 3 + 1 if n % 2 else n // 2

seen = {}
words = []
for i in range(1, 60):
    n = i
    while n != 1:
        n = step(n, seen)
    words.append(str(i))
print(len(' '.join(words)), sorted(seen.items())[:2])
";

/// The harness the runtime runs around learners' code.
pub const HARNESS: &str = include_str!("../../runtimes/python/sandlab_harness.py");
/// The standard library a course gets (module names, `#` comments).
pub const STDLIB: &str = include_str!("../../runtimes/python/stdlib.txt");

/// What the Python runtime carries in [`super::harness::SECTION`]: the
/// harness and module list it was built with.
pub fn harness_key(harness: &str, modules: &str) -> String {
    super::harness::key(harness, modules)
}

/// Whether `runtime` was built with this sandlab's harness and modules.
///
/// # Errors
///
/// Why not, for the person who installed it.
pub fn check_runtime(runtime: &[u8]) -> Result<(), String> {
    super::harness::check(runtime, &harness_key(HARNESS, STDLIB))
}

/// Where the library sits in the runtime's world while it starts.
const LIB: &str = "lib/python3.11";

/// Builds the Python runtime: runs `reactor` (CPython linked with
/// `runtimes/python/sandlab_entry.c`) with the standard library `library`
/// (`.pyc` files by path under `lib/python3.11/`) and the harness, and
/// snapshots it after start-up ([`crate::snapshot`]): the same bytes on
/// every machine.
///
/// # Errors
///
/// A module of [`STDLIB`] is not in `library`, or the start-up fails.
pub fn make_runtime(
    reactor: &[u8],
    library: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, String> {
    make_runtime_with(reactor, library, HARNESS, STDLIB)
}

/// [`make_runtime`] with another harness or module list (for measuring
/// what a choice costs).
///
/// # Errors
///
/// As [`make_runtime`].
pub fn make_runtime_with(
    reactor: &[u8],
    library: &BTreeMap<String, Vec<u8>>,
    harness: &str,
    modules: &str,
) -> Result<Vec<u8>, String> {
    let mut files = BTreeMap::new();
    let mut listed = Vec::new();
    for module in modules.lines().map(str::trim) {
        if module.is_empty() || module.starts_with('#') {
            continue;
        }
        let file = format!("{module}.pyc");
        let package = format!("{module}/");
        let mut found = false;
        for (path, bytes) in library {
            if *path == file || path.starts_with(&package) {
                files.insert(format!("{LIB}/{path}"), bytes.clone());
                listed.push(path.clone());
                found = true;
            }
        }
        if !found {
            return Err(format!("the standard library has no module `{module}`"));
        }
    }
    listed.sort();
    listed.dedup();
    files.insert(
        format!("{LIB}/stdlib.txt"),
        (listed.join("\n") + "\n").into_bytes(),
    );
    files.insert(
        format!("{LIB}/sandlab_harness.py"),
        harness.as_bytes().to_vec(),
    );
    let world = crate::sandbox::World {
        program_name: "python".into(),
        files,
        ..Default::default()
    };
    // Start-up, once: generous limits, for it is sandlab's own code.
    let limits = Limits {
        fuel: 50_000_000_000,
        memory_pages: 16_384,
        stack_depth: 50_000,
        output_bytes: 1 << 20,
    };
    let mut runtime =
        crate::snapshot::take(reactor, "sandlab_init", world, limits).map_err(|e| e.to_string())?;
    super::harness::stamp(&mut runtime, &harness_key(harness, modules));
    Ok(runtime)
}

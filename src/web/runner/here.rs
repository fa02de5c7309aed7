//! Runs on the page's own wasmi: each tried first for a few milliseconds
//! ([`HERE_FIRST`]), kept here when they mostly call WASI
//! ([`HOST_BOUND_STEPS`]), and run in fuel slices that yield to the
//! browser (Stop works between them) when no worker can take them.

use super::{Tick, note_engine, now};
use crate::grade::{Grading, Job, Report};
use crate::lab::Lab;
use crate::language::Submission;
use crate::sandbox::{Execution, Outcome, Program, Request};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds of work between yields: well under a 50 ms long task.
const TARGET_MS: f64 = 12.0;
const FIRST_SLICE: u64 = 500_000;
const MIN_SLICE: u64 = 10_000;
const MAX_SLICE: u64 = 20_000_000;

/// Yields to the browser's event loop without setTimeout's 4 ms clamp.
async fn yield_now() {
    let promise = js_sys::Promise::new(
        &mut |resolve, _reject| match web_sys::MessageChannel::new() {
            Ok(channel) => {
                channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
                let _ = channel.port2().post_message(&JsValue::NULL);
            }
            Err(_) => {
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback(&resolve);
                }
            }
        },
    );
    let _ = JsFuture::from(promise).await;
}

/// Sizes the next slice so one slice takes about [`TARGET_MS`].
fn next_slice(slice: u64, elapsed_ms: f64) -> u64 {
    let scaled = if elapsed_ms < 0.5 {
        slice.saturating_mul(4)
    } else {
        (slice as f64 * TARGET_MS / elapsed_ms) as u64
    };
    scaled.clamp(MIN_SLICE, MAX_SLICE)
}

/// Engine steps a run may take here before it goes to the worker: a run
/// this small finishes in a few milliseconds on the page's wasmi, sooner than
/// a round trip to the worker (whose reply waits for the page's next turn,
/// often a frame). Either engine gives the same outcome, so the choice is
/// made per run, by how long the run turns out to be.
const HERE_FIRST: u64 = 200_000;

thread_local! {
    /// The last module run here, so a grading's checks compile it once.
    static HERE: RefCell<Option<CompiledHere>> = const { RefCell::new(None) };
}

/// A module compiled here: its id, its call depth cap, its program.
type CompiledHere = (Arc<str>, u32, Rc<Program>);

/// The program for `job`, compiled here once per module and depth.
pub(super) fn program_here(job: &Job) -> Option<Rc<Program>> {
    HERE.with(|here| {
        let mut here = here.borrow_mut();
        if let Some((id, depth, program)) = &*here
            && *id == job.module_id
            && *depth == job.stack_depth
        {
            return Some(program.clone());
        }
        let program = Rc::new(Program::new(&job.binary.bytes, job.stack_depth).ok()?);
        *here = Some((job.module_id.clone(), job.stack_depth, program.clone()));
        Some(program)
    })
}

/// Modules above this size (an interpreter's) never run here when the
/// worker can run them: compiling one on the page would cost more than the
/// round trip, and its runs are long anyway.
const HERE_MAX_BYTES: usize = 1 << 20;

/// A run crossing into WASI at least once per this many engine steps is
/// faster on the page's wasmi, whose WASI calls stay in Rust, than on the
/// browser's engine, where each goes out to JavaScript and back (about
/// 3 µs): a loop printing a number a turn ran 2.6x faster here (wasi in
/// BENCHMARKS.md §1).
const HOST_BOUND_STEPS: u64 = 2_000;

/// What [`try_here`] made of a run.
pub(super) enum Here {
    /// It finished within [`HERE_FIRST`] steps.
    Done(Outcome),
    /// It goes on, and mostly calls WASI: it goes on here.
    HostBound(Box<Execution>),
    /// It goes on: the worker runs it.
    Long,
}

/// Runs `job` here for [`HERE_FIRST`] engine steps.
pub(super) fn try_here(job: &Job) -> Here {
    if job.binary.bytes.len() > HERE_MAX_BYTES {
        return Here::Long;
    }
    let Some(program) = program_here(job) else {
        return Here::Long;
    };
    let mut exec = Execution::start(&program, job.request.clone());
    if exec.advance(HERE_FIRST) {
        note_engine("page");
        return Here::Done(exec.finish());
    }
    if exec.host_calls() * HOST_BOUND_STEPS >= HERE_FIRST {
        return Here::HostBound(Box::new(exec));
    }
    Here::Long
}

/// Grades here, in slices.
pub(super) async fn grade_here(
    lab: &Lab,
    submission: &Submission,
    cancel: Rc<Cell<bool>>,
    on_tick: &impl Fn(Tick),
) -> Report {
    note_engine("page");
    let mut grading = Grading::new(lab, submission);
    let total = lab.checks.len();
    let mut slice = FIRST_SLICE;
    loop {
        let start = now();
        let done = grading.step(slice);
        if done {
            break;
        }
        slice = next_slice(slice, now() - start);
        let (fuel, fuel_limit) = grading.current_fuel().unwrap_or((0, 0));
        on_tick(Tick {
            checks_done: grading.finished(),
            checks_total: total,
            fuel,
            fuel_limit,
        });
        yield_now().await;
        if cancel.get() {
            grading.cancel();
            break;
        }
    }
    grading.report()
}

/// Runs one request here, in slices.
pub(super) async fn run_here(
    program: &Program,
    request: Request,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Outcome {
    go_on_here(Execution::start(program, request), cancel, on_tick).await
}

/// Runs `exec` to its end here, in slices, yielding to the page between
/// them and stopping when `cancel` is set.
pub(super) async fn go_on_here(
    mut exec: Execution,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Outcome {
    note_engine("page");
    let mut slice = FIRST_SLICE;
    loop {
        let start = now();
        if exec.advance(slice) {
            break;
        }
        slice = next_slice(slice, now() - start);
        on_tick(Tick {
            checks_done: 0,
            checks_total: 0,
            fuel: exec.fuel_used(),
            fuel_limit: exec.fuel_limit(),
        });
        yield_now().await;
        if cancel.get() {
            exec.cancel();
            break;
        }
    }
    exec.finish()
}

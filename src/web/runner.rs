//! Runs and grades in fuel slices, yielding to the browser between slices so
//! the page stays responsive and Stop works.

use crate::compile::Submission;
use crate::grade::{Grading, Report};
use crate::lab::Lab;
use crate::sandbox::{Execution, Outcome, Program, Request};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds of work between yields: well under a 50 ms long task.
const TARGET_MS: f64 = 12.0;
const FIRST_SLICE: u64 = 500_000;
const MIN_SLICE: u64 = 10_000;
const MAX_SLICE: u64 = 20_000_000;

/// Progress shown while running.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    pub checks_done: usize,
    pub checks_total: usize,
    pub fuel: u64,
    pub fuel_limit: u64,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

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

/// Grades `submission`; cancelling marks the remaining checks cancelled.
pub async fn grade(
    lab: &Lab,
    submission: &Submission,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Report {
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

/// Runs one request; cancelling ends it as stopped.
pub async fn run(
    program: &Program,
    request: Request,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Outcome {
    let mut exec = Execution::start(program, request);
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

//! Runs and grades learners' code without freezing the page.
//!
//! Each run is first tried here, on the page's wasmi, for a few milliseconds
//! (`here::HERE_FIRST`): most checks of a lab finish in that time, sooner than a
//! round trip to the worker. A run that does not, and that mostly calls
//! WASI (a print in a loop: `here::HOST_BOUND_STEPS`), goes on here in slices,
//! since each WASI call costs the browser's engine a crossing into
//! JavaScript. Any other is sent to the grading
//! worker (`web/worker.js`, [`super::worker`]), where it runs on the
//! browser's own engine ([`super::browser_engine`]) while the page only
//! waits, and Stop terminates the worker. Until the worker is ready, or if it cannot start,
//! runs happen here in fuel slices, yielding to the browser between slices.
//! The verdicts are the same whichever engine runs: the same instrumented
//! module and grading code decide them.
//!
//! `worker.rs` holds the grading worker and the protocol with it;
//! `here.rs` the runs on the page's wasmi, tried first and in slices.

mod here;
mod worker;

use crate::compile::Binary;
use crate::grade::{Grading, Job, Report};
use crate::lab::Lab;
use crate::language::Submission;
use crate::sandbox::{End, Outcome, Request};
use here::{Here, go_on_here, grade_here, program_here, run_here, try_here};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use worker::{Reply, run_in_worker, worker_ready};

pub use worker::{start_worker, warm_up};

/// Progress shown while running.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    pub checks_done: usize,
    pub checks_total: usize,
    pub fuel: u64,
    pub fuel_limit: u64,
}

pub(super) fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Where runs go: chosen per run (the default), or forced for tests and
/// benchmarks with `?engine=page` or `?engine=browser`.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Choice {
    Measured,
    PageOnly,
    WorkerOnly,
}

pub(super) fn choice() -> Choice {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if query.contains("engine=page") {
        Choice::PageOnly
    } else if query.contains("engine=browser") {
        Choice::WorkerOnly
    } else {
        Choice::Measured
    }
}

/// Whether runs go to the worker at all (the page starts it only then).
pub fn wants_worker() -> bool {
    choice() != Choice::PageOnly
}

thread_local! {
    /// Which engines ran the last check or run, shown on the page as
    /// `data-engine` on <body> (the end-to-end tests read it).
    static ENGINES: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

pub(super) fn note_engine(engine: &'static str) {
    ENGINES.with(|e| e.borrow_mut().insert(engine));
}

/// Starts a record of which engines run the next check or run.
fn clear_engines() {
    ENGINES.with(|e| e.borrow_mut().clear());
}

/// Shows which engines ran on `<body data-engine>`.
fn show_engines() {
    let engines = ENGINES.with(|e| e.borrow().iter().copied().collect::<Vec<_>>().join(" "));
    set_body_attribute("data-engine", &engines);
}

pub(super) fn set_body_attribute(name: &str, value: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(name, value);
    }
}

/// Grades `submission`; cancelling marks the remaining checks cancelled.
pub async fn grade(
    lab: &Lab,
    submission: &Submission,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Report {
    clear_engines();
    let report = if worker_ready() && choice() != Choice::PageOnly {
        grade_by_jobs(lab, submission, cancel, &on_tick).await
    } else {
        grade_here(lab, submission, cancel, &on_tick).await
    };
    show_engines();
    report
}

/// Grades with each run sent to the worker (or, if it fails, run here).
async fn grade_by_jobs(
    lab: &Lab,
    submission: &Submission,
    cancel: Rc<Cell<bool>>,
    on_tick: &impl Fn(Tick),
) -> Report {
    let mut grading = Grading::by_jobs(lab, submission);
    let total = lab.checks.len();
    let start = now();
    while let Some(job) = grading.next_job() {
        // Progress only once a Check takes long enough to notice: each tick
        // redraws the page, which costs more than a quick check.
        if now() - start > 100.0 {
            let (fuel, fuel_limit) = grading.current_fuel().unwrap_or((0, 0));
            on_tick(Tick {
                checks_done: grading.finished(),
                checks_total: total,
                fuel,
                fuel_limit,
            });
        }
        if choice() == Choice::Measured {
            match try_here(&job) {
                Here::Done(outcome) => {
                    grading.complete(outcome);
                    continue;
                }
                Here::HostBound(exec) => {
                    let outcome = go_on_here(*exec, cancel.clone(), |_| {}).await;
                    let stopped = outcome.end == End::Cancelled;
                    grading.complete(outcome);
                    if stopped {
                        break;
                    }
                    continue;
                }
                Here::Long => {}
            }
        }
        match run_in_worker(&job, &cancel).await {
            Reply::Done(outcome) => grading.complete(outcome),
            Reply::Cancelled => break,
            Reply::Unavailable => {
                let Some(program) = program_here(&job) else {
                    break;
                };
                let outcome = run_here(&program, job.request, cancel.clone(), |_| {}).await;
                let stopped = outcome.end == End::Cancelled;
                grading.complete(outcome);
                if stopped {
                    break;
                }
            }
        }
        if cancel.get() {
            break;
        }
    }
    grading.cancel();
    grading.report()
}

/// Runs one request on `binary` (with call depth cap `stack_depth`);
/// cancelling ends it as stopped.
pub async fn run(
    binary: &Binary,
    stack_depth: u32,
    request: Request,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Outcome {
    clear_engines();
    let job = Job {
        module_id: binary.id().into(),
        binary: binary.clone(),
        stack_depth,
        request,
    };
    let quick = match choice() {
        Choice::Measured => try_here(&job),
        _ => Here::Long,
    };
    let reply = match quick {
        Here::Done(outcome) => Reply::Done(outcome),
        Here::HostBound(exec) => Reply::Done(go_on_here(*exec, cancel.clone(), &on_tick).await),
        Here::Long if choice() == Choice::PageOnly => Reply::Unavailable,
        Here::Long => run_in_worker(&job, &cancel).await,
    };
    let outcome = match reply {
        Reply::Done(outcome) => outcome,
        Reply::Cancelled => Outcome {
            end: End::Cancelled,
            fuel_used: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: Default::default(),
            memory: Vec::new(),
        },
        Reply::Unavailable => match program_here(&job) {
            Some(program) => run_here(&program, job.request, cancel, on_tick).await,
            None => Outcome {
                end: End::LinkError {
                    message: "the module could not be loaded here".into(),
                },
                fuel_used: 0,
                stdout: Vec::new(),
                stderr: Vec::new(),
                files: Default::default(),
                memory: Vec::new(),
            },
        },
    };
    show_engines();
    outcome
}

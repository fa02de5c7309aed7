//! Runs and grades learners' code without freezing the page.
//!
//! Each run is first tried here, on the page's wasmi, for a few milliseconds
//! ([`HERE_FIRST`]): most checks of a lab finish in that time, sooner than a
//! round trip to the worker. A run that does not, and that mostly calls
//! WASI (a print in a loop: [`HOST_BOUND_STEPS`]), goes on here in slices,
//! since each WASI call costs the browser's engine a crossing into
//! JavaScript. Any other is sent to the grading
//! worker (`web/worker.js`, [`super::worker`]), where it runs on the
//! browser's own engine ([`super::browser_engine`]) while the page only
//! waits, and Stop terminates the worker. Until the worker is ready, or if it cannot start,
//! runs happen here in fuel slices, yielding to the browser between slices.
//! The verdicts are the same whichever engine runs: the same instrumented
//! module and grading code decide them.

use crate::compile::Binary;
use crate::grade::{Grading, Job, Report};
use crate::lab::Lab;
use crate::language::Submission;
use crate::sandbox::{End, Execution, Outcome, Program, Request};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
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

/// The grading worker, once it has loaded.
struct Client {
    worker: web_sys::Worker,
    ready: Rc<Cell<bool>>,
    /// Resolves the promise of the job in flight with the worker's reply.
    reply: Rc<RefCell<Option<js_sys::Function>>>,
    /// Resolves the promise of the warm-up run in flight.
    warmed: Rc<RefCell<Option<js_sys::Function>>>,
    /// The modules (by id) this worker was sent: each is sent once, then
    /// named (an interpreter's megabytes are not copied for every check).
    sent: RefCell<BTreeSet<Arc<str>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

/// Engine steps a run may take here before it goes to the worker: a run
/// this small finishes in a few milliseconds on the page's wasmi, sooner than
/// a round trip to the worker (whose reply waits for the page's next turn,
/// often a frame). Either engine gives the same outcome, so the choice is
/// made per run, by how long the run turns out to be.
const HERE_FIRST: u64 = 200_000;

/// Where runs go: chosen per run (the default), or forced for tests and
/// benchmarks with `?engine=page` or `?engine=browser`.
#[derive(Clone, Copy, PartialEq)]
enum Choice {
    Measured,
    PageOnly,
    WorkerOnly,
}

fn choice() -> Choice {
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
    static WORKER: RefCell<Option<Client>> = const { RefCell::new(None) };
    /// The last module run here, so a grading's checks compile it once.
    static HERE: RefCell<Option<CompiledHere>> = const { RefCell::new(None) };
    /// Which engines ran the last check or run, shown on the page as
    /// `data-engine` on <body> (the end-to-end tests read it).
    static ENGINES: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

/// The URL of the app's wasm-bindgen module, which the worker imports.
fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let link = document
        .query_selector("link[rel=modulepreload][href*=sandlab-web]")
        .ok()??;
    let href = link.get_attribute("href")?;
    let base = document.base_uri().ok()??;
    web_sys::Url::new_with_base(&href, &base)
        .ok()
        .map(|u| u.href())
}

/// Starts the grading worker in the background; runs go to it once it is
/// ready. Without it (no workers, or it failed to load) everything still
/// runs here.
pub fn start_worker() {
    let Some(glue) = glue_url() else {
        return;
    };
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let Ok(worker) = web_sys::Worker::new_with_options("worker.js", &options) else {
        return;
    };
    let ready = Rc::new(Cell::new(false));
    let reply: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let warmed: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let on_message = {
        let (ready, reply, warmed) = (ready.clone(), reply.clone(), warmed.clone());
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
            if field("ready").is_some_and(|v| v.is_truthy()) {
                ready.set(true);
                set_body_attribute("data-worker", "ready");
            } else if field("warmed").is_some_and(|v| v.is_truthy()) {
                if let Some(resolve) = warmed.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            } else if field("failed").is_some_and(|v| v.is_truthy()) {
                WORKER.with(|w| w.borrow_mut().take());
            } else if let Some(resolve) = reply.borrow_mut().take() {
                let _ = resolve.call1(&JsValue::NULL, &field("reply").unwrap_or_default());
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let fields = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&fields, &"glue".into(), &glue.into());
    let _ = js_sys::Reflect::set(&fields, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&init, &"init".into(), &fields);
    if worker.post_message(&init).is_err() {
        worker.terminate();
        return;
    }
    WORKER.with(|w| {
        if let Some(old) = w.borrow_mut().replace(Client {
            worker,
            ready,
            reply,
            warmed,
            sent: RefCell::new(BTreeSet::new()),
            _on_message: on_message,
        }) {
            old.worker.terminate();
        }
    });
}

enum Reply {
    Done(Outcome),
    Cancelled,
    /// No worker, or it failed: run here instead.
    Unavailable,
}

/// Sends `job` to the worker and waits for its outcome, checking for Stop
/// every 50 ms; Stop terminates the worker and starts a fresh one. The
/// module goes along only the first time; a worker that has let it go asks
/// for it again.
async fn run_in_worker(job: &Job, cancel: &Rc<Cell<bool>>) -> Reply {
    let mut with_module = false;
    loop {
        let reply = match post_job(job, with_module, cancel).await {
            Posted::Reply(text) => text,
            Posted::Cancelled => return Reply::Cancelled,
            Posted::Unavailable => return Reply::Unavailable,
        };
        let parsed: serde_json::Value = serde_json::from_str(&reply).unwrap_or_default();
        if parsed["missing"].as_bool() == Some(true) && !with_module {
            with_module = true;
            continue;
        }
        let outcome = parsed
            .get("outcome")
            .and_then(|o| serde_json::from_value::<Outcome>(o.clone()).ok());
        return match (outcome, parsed["engine"].as_str()) {
            (Some(outcome), Some(engine)) => {
                note_engine(if engine == "browser" {
                    "browser"
                } else {
                    "wasmi"
                });
                Reply::Done(outcome)
            }
            _ => {
                // The worker broke (its error is in the reply): start afresh.
                web_sys::console::warn_1(&format!("grading worker: {reply}").into());
                start_worker();
                Reply::Unavailable
            }
        };
    }
}

enum Posted {
    Reply(String),
    Cancelled,
    Unavailable,
}

/// Posts one job (with its module's bytes if the worker was not sent them
/// yet, or `force`) and waits for the reply text.
async fn post_job(job: &Job, force: bool, cancel: &Rc<Cell<bool>>) -> Posted {
    let sent = WORKER.with(|w| {
        let w = w.borrow();
        let client = w.as_ref().filter(|c| c.ready.get())?;
        let request = serde_json::to_string(&job.request).ok()?;
        let reply_slot = client.reply.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            *reply_slot.borrow_mut() = Some(resolve);
        });
        let message = js_sys::Object::new();
        let first = client.sent.borrow_mut().insert(job.module_id.clone());
        if first || force {
            let wasm = js_sys::Uint8Array::from(&job.binary.bytes[..]);
            let _ = js_sys::Reflect::set(&message, &"wasm".into(), &wasm);
        }
        let _ = js_sys::Reflect::set(&message, &"module".into(), &(*job.module_id).into());
        let _ = js_sys::Reflect::set(&message, &"depth".into(), &job.stack_depth.into());
        let _ = js_sys::Reflect::set(&message, &"request".into(), &request.into());
        client.worker.post_message(&message).ok()?;
        Some(promise)
    });
    let Some(promise) = sent else {
        return Posted::Unavailable;
    };
    loop {
        let tick = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
            }
        });
        let raced = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&promise, &tick)))
            .await
            .unwrap_or_default();
        if let Some(text) = raced.as_string() {
            return Posted::Reply(text);
        }
        if cancel.get() {
            start_worker();
            return Posted::Cancelled;
        }
    }
}

/// Hands the worker `binary` before any check needs it, with up to `runs`
/// runs of `request` that only warm its engine up (see `Spec::warm_up`),
/// one at a time: a Check or Run pressed meanwhile goes next, waiting for
/// one warm-up run at most, and ends the warm-up. Does nothing if no
/// worker is ready within ten seconds.
pub async fn warm_up(binary: Binary, stack_depth: u32, request: Request, runs: u32) {
    for _ in 0..200 {
        let ready = WORKER.with(|w| w.borrow().as_ref().is_some_and(|c| c.ready.get()));
        if ready {
            break;
        }
        sleep_ms(50).await;
    }
    let Ok(request) = serde_json::to_string(&request) else {
        return;
    };
    let module_id: Arc<str> = binary.id().into();
    for _ in 0..runs {
        let posted = WORKER.with(|w| {
            let w = w.borrow();
            // Not while a job is in flight: the learner's runs come first.
            let client = w
                .as_ref()
                .filter(|c| c.ready.get() && c.reply.borrow().is_none())?;
            let slot = client.warmed.clone();
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                *slot.borrow_mut() = Some(resolve);
            });
            let message = js_sys::Object::new();
            if client.sent.borrow_mut().insert(module_id.clone()) {
                let wasm = js_sys::Uint8Array::from(&binary.bytes[..]);
                let _ = js_sys::Reflect::set(&message, &"wasm".into(), &wasm);
            }
            let _ = js_sys::Reflect::set(&message, &"warm".into(), &1.into());
            let _ = js_sys::Reflect::set(&message, &"module".into(), &(*module_id).into());
            let _ = js_sys::Reflect::set(&message, &"depth".into(), &stack_depth.into());
            let _ = js_sys::Reflect::set(&message, &"request".into(), &request.clone().into());
            client.worker.post_message(&message).ok()?;
            Some(promise)
        });
        let Some(promise) = posted else {
            return;
        };
        // A worker restarted by Stop never answers: give up after a while.
        let timeout = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10_000);
            }
        });
        let _ = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(
            &promise, &timeout,
        )))
        .await;
    }
}

async fn sleep_ms(ms: i32) {
    let tick = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(tick).await;
}

fn note_engine(engine: &'static str) {
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

fn set_body_attribute(name: &str, value: &str) {
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
    let worker_ready = WORKER.with(|w| w.borrow().as_ref().is_some_and(|c| c.ready.get()));
    let report = if worker_ready && choice() != Choice::PageOnly {
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

/// A module compiled here: its id, its call depth cap, its program.
type CompiledHere = (Arc<str>, u32, Rc<Program>);

/// The program for `job`, compiled here once per module and depth.
fn program_here(job: &Job) -> Option<Rc<Program>> {
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
enum Here {
    /// It finished within [`HERE_FIRST`] steps.
    Done(Outcome),
    /// It goes on, and mostly calls WASI: it goes on here.
    HostBound(Box<Execution>),
    /// It goes on: the worker runs it.
    Long,
}

/// Runs `job` here for [`HERE_FIRST`] engine steps.
fn try_here(job: &Job) -> Here {
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
async fn grade_here(
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

/// Runs one request here, in slices.
async fn run_here(
    program: &Program,
    request: Request,
    cancel: Rc<Cell<bool>>,
    on_tick: impl Fn(Tick),
) -> Outcome {
    go_on_here(Execution::start(program, request), cancel, on_tick).await
}

/// Runs `exec` to its end here, in slices, yielding to the page between
/// them and stopping when `cancel` is set.
async fn go_on_here(
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

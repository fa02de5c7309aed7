//! The grading worker (`web/worker.js`): started in the background, sent
//! each module once and then jobs, stopped by terminating it (a fresh one
//! starts), warmed up when a script language's runtime arrives.

use super::{note_engine, set_body_attribute};
use crate::compile::Binary;
use crate::grade::Job;
use crate::sandbox::{Outcome, Request};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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

thread_local! {
    static WORKER: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// Whether the worker has loaded and takes jobs.
pub(super) fn worker_ready() -> bool {
    WORKER.with(|w| w.borrow().as_ref().is_some_and(|c| c.ready.get()))
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

pub(super) enum Reply {
    Done(Outcome),
    Cancelled,
    /// No worker, or it failed: run here instead.
    Unavailable,
}

/// Sends `job` to the worker and waits for its outcome, checking for Stop
/// every 50 ms; Stop terminates the worker and starts a fresh one. The
/// module goes along only the first time; a worker that has let it go asks
/// for it again.
pub(super) async fn run_in_worker(job: &Job, cancel: &Rc<Cell<bool>>) -> Reply {
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

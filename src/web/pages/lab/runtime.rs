//! The language runtime a lab runs in (Python's interpreter): loaded when
//! the lab page opens (downloaded once, then from the browser's cache), and
//! what the page shows meanwhile.

use crate::lab::RuntimeFile;
use crate::language::{Language, Runtime, Submission};
use crate::sandbox::Request;
use crate::web::{runner, runtime};
use std::sync::Arc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Where a lab's runtime is.
#[derive(Clone)]
pub enum RuntimeState {
    /// The lab's language runs without one.
    NotNeeded,
    Loading,
    Ready(Arc<Runtime>),
    /// Why it could not be loaded, for the learner.
    Failed(String),
}

impl PartialEq for RuntimeState {
    fn eq(&self, other: &RuntimeState) -> bool {
        match (self, other) {
            (RuntimeState::Ready(a), RuntimeState::Ready(b)) => a.id == b.id,
            (RuntimeState::Failed(a), RuntimeState::Failed(b)) => a == b,
            (RuntimeState::NotNeeded, RuntimeState::NotNeeded)
            | (RuntimeState::Loading, RuntimeState::Loading) => true,
            _ => false,
        }
    }
}

impl RuntimeState {
    /// Whether Check and Run can start.
    pub fn ready(&self) -> bool {
        matches!(self, RuntimeState::NotNeeded | RuntimeState::Ready(_))
    }

    /// `none`, `loading`, `ready` or `failed`: the page's `data-runtime`.
    pub fn name(&self) -> &'static str {
        match self {
            RuntimeState::NotNeeded => "none",
            RuntimeState::Loading => "loading",
            RuntimeState::Ready(_) => "ready",
            RuntimeState::Failed(_) => "failed",
        }
    }

    /// The runtime, once loaded.
    pub fn runtime(&self) -> Option<&Arc<Runtime>> {
        match self {
            RuntimeState::Ready(r) => Some(r),
            _ => None,
        }
    }
}

/// Loads the runtime of `language` (from `file`) for the page; `None` for
/// a page without a lab.
#[hook]
pub fn use_runtime(
    language: Option<(Language, String)>,
    file: Option<RuntimeFile>,
) -> RuntimeState {
    let title = language
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let language = language.map(|(l, _)| l);
    let initial = {
        let file = file.clone();
        move || match (language, &file) {
            (Some(l), _) if !l.needs_runtime() => RuntimeState::NotNeeded,
            (None, _) => RuntimeState::NotNeeded,
            (Some(_), Some(f)) => {
                runtime::loaded(f).map_or(RuntimeState::Loading, RuntimeState::Ready)
            }
            (Some(_), None) => RuntimeState::Failed(format!(
                "this build of the app has no {title} runtime, so this lab cannot run: tell the instructor"
            )),
        }
    };
    let state = use_state(initial);
    {
        let state = state.clone();
        use_effect_with(
            (language, file.map(|f| (f.file.clone(), f.id.clone()))),
            move |(language, file)| {
                if let (Some(language), Some((path, id)), RuntimeState::Loading) =
                    (*language, file.clone(), (*state).clone())
                {
                    let file = RuntimeFile {
                        language: language.name().to_string(),
                        file: path,
                        id,
                    };
                    spawn_local(async move {
                        state.set(match runtime::load(language, &file).await {
                            Ok(runtime) => {
                                prepare(language, &runtime);
                                warm_up(language, &runtime);
                                RuntimeState::Ready(runtime)
                            }
                            Err(why) => RuntimeState::Failed(why),
                        });
                    });
                }
            },
        );
    }
    (*state).clone()
}

/// Compiles `runtime` for the grading driver, which checks a module's
/// links and exports before its runs go to the worker, while the page
/// still says the runtime is loading: a large runtime is compiled once per
/// page (`compile::load` keeps it), and the learner's first Check would
/// otherwise hold the page for it (100-125 ms for CPython, BENCHMARKS §4b).
fn prepare(language: Language, runtime: &Arc<Runtime>) {
    let _ = crate::compile::load(&runtime.binary, language.spec().limits.stack_depth);
}

/// Has the grading worker run the language's warm-up on `runtime` a few
/// times, once per page load, so the learner's first Check finds the
/// interpreter compiled for speed.
fn warm_up(language: Language, runtime: &Arc<Runtime>) {
    thread_local! {
        static WARMED: std::cell::RefCell<std::collections::BTreeSet<String>> =
            const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
    }
    let Some(source) = language.spec().warm_up else {
        return;
    };
    if !runner::wants_worker() || !WARMED.with(|w| w.borrow_mut().insert(runtime.id.clone())) {
        return;
    }
    let submission = Submission::text(language, source);
    let Ok(runnable) = crate::language::build(language, &submission, Some(runtime)) else {
        return;
    };
    let mut request = Request::command();
    request.limits = language.spec().limits;
    runnable.add_world(&mut request);
    spawn_local(runner::warm_up(
        runnable.binary.clone(),
        request.limits.stack_depth,
        request,
        WARM_UP_RUNS,
    ));
}

/// Runs of the warm-up: enough for the engine to pick the interpreter's
/// hot functions for its optimising compiler (measured in BENCHMARKS.md).
const WARM_UP_RUNS: u32 = 4;

/// What the page says while the runtime loads, or why it could not.
pub fn status(state: &RuntimeState, title: &str) -> Html {
    match state {
        RuntimeState::Loading => html! {
            <p class="runtime-status" role="status">
                { format!("Loading {title} (once; it stays in this browser)…") }
            </p>
        },
        RuntimeState::Failed(why) => html! {
            <p class="runtime-status error" role="alert">{ why }</p>
        },
        _ => html! {},
    }
}

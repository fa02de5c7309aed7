//! The app: routes, pages and the lab workspace.

use super::editor::Editor;
use super::help;
use super::lrs::{self, LrsAction, LrsView};
use super::markdown;
use super::outbox::Key;
use super::progress::{Action, LabStatus, Progress, StorageStatus, lab_key};
use super::runner::{self, Tick};
use super::storage;
use super::views::{
    self, Console, CourseList, ReportView, RunView, course_href, course_rows, thousands,
};
use super::workspace;
use crate::compile;
use crate::grade::{Answer, QuestionReport, Report};
use crate::lab::{Course, Credentials, Lab, read_bundle};
use crate::language;
use crate::sandbox::End;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

/// The labs, embedded at build time by `sandlab bundle` (see build.rs).
static BUNDLE: &str = include_str!(env!("SANDLAB_BUNDLE_PATH"));

/// Largest upload accepted: far above any lab's module, far below what would
/// strain a slow laptop.
const MAX_UPLOAD: usize = 16 * 1024 * 1024;

pub fn start() {
    // The grading worker loads this same wasm; there is no page to render.
    if web_sys::window().is_none() {
        return;
    }
    #[cfg(feature = "bench")]
    if web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .as_deref()
        == Some("#/bench")
    {
        yew::Renderer::<super::bench::BenchPage>::new().render();
        return;
    }
    yew::Renderer::<App>::new().render();
    if runner::wants_worker() {
        runner::start_worker();
    }
}

#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Catalog,
    #[at("/course/:course")]
    Course { course: String },
    #[at("/lab/:course/:lab")]
    Lab { course: String, lab: String },
    #[at("/results")]
    Results,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The courses, parsed once.
pub struct Catalog {
    pub courses: Vec<Course>,
    pub problems: Vec<String>,
}

impl Catalog {
    fn load() -> Catalog {
        match read_bundle(BUNDLE) {
            Ok(loaded) => Catalog {
                courses: loaded.courses,
                problems: loaded.diagnostics.iter().map(|d| d.to_string()).collect(),
            },
            Err(e) => Catalog {
                courses: Vec::new(),
                problems: vec![e.to_string()],
            },
        }
    }

    /// How the courses that post to `endpoint` get their credentials.
    fn credentials(&self, endpoint: &str) -> Credentials {
        self.courses
            .iter()
            .find(|c| c.xapi.endpoint.as_deref() == Some(endpoint))
            .map_or(Credentials::Learner, |c| c.xapi.credentials)
    }

    /// The key to send to `endpoint` with: `Err` when the learner must
    /// enter one first.
    fn key_for(&self, endpoint: &str) -> Result<Option<Key>, ()> {
        match self.credentials(endpoint) {
            Credentials::None => Ok(None),
            Credentials::Learner => lrs::keys().get(endpoint).cloned().map(Some).ok_or(()),
        }
    }

    fn find(&self, course: &str, lab: &str) -> Option<(&Course, &Lab)> {
        let c = self.courses.iter().find(|c| c.id == course)?;
        Some((c, c.labs.iter().find(|l| l.id == lab)?))
    }
}

/// What every page can reach.
#[derive(Clone)]
pub struct Ctx {
    pub catalog: Rc<Catalog>,
    pub progress: UseReducerHandle<Progress>,
    pub lrs: UseReducerHandle<LrsView>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        Rc::ptr_eq(&self.catalog, &other.catalog)
            && self.progress == other.progress
            && self.lrs == other.lrs
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · sandlab"));
    }
}

#[component]
pub fn App() -> Html {
    let catalog = use_memo((), |_| Catalog::load());
    let progress = use_reducer(storage::load_progress);

    // Save a moment after the last change, and at once when the page hides.
    let latest = use_mut_ref(|| None::<Progress>);
    *latest.borrow_mut() = Some((*progress).clone());
    {
        let progress = progress.clone();
        use_effect_with(progress.revision, move |revision| {
            let timeout = (*revision > 0).then(|| {
                let progress = progress.clone();
                gloo_timers::callback::Timeout::new(400, move || {
                    let status = match storage::save(&progress) {
                        Ok((merged, notices)) => {
                            progress.dispatch(Action::Synced(Box::new(merged)));
                            for n in notices {
                                progress.dispatch(Action::Notice(n));
                            }
                            StorageStatus::Saved {
                                persistent: progress.persistent,
                            }
                        }
                        Err(e) => StorageStatus::Failed(e),
                    };
                    progress.dispatch(Action::Storage(status));
                })
            });
            move || drop(timeout)
        });
    }
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "pagehide", move |_| {
                    // A save that failed (storage full) is retried too: the
                    // learner may have freed space since.
                    if let Some(p) = latest.borrow().as_ref()
                        && matches!(p.storage, StorageStatus::Pending | StorageStatus::Failed(_))
                    {
                        let _ = storage::save(p);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Another tab saved: show its labs here, except the ones changed here.
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "storage", move |e| {
                    let e: &web_sys::StorageEvent = e.unchecked_ref();
                    if e.key().as_deref() == Some(storage::KEY)
                        && let Some(theirs) = e.new_value().as_deref().and_then(storage::external)
                    {
                        progress.dispatch(Action::External(Box::new(theirs)));
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let granted = storage::request_persistence().await;
                progress.dispatch(Action::Persistent(granted));
            });
        });
    }
    // Statements that could not be sent are retried on a backoff schedule,
    // at once when the browser comes back online, and at start-up.
    let lrs = use_reducer(LrsView::load);
    {
        let (catalog, lrs) = (catalog.clone(), lrs.clone());
        use_effect_with((), move |_| {
            let retry = {
                let (catalog, lrs) = (catalog.clone(), lrs.clone());
                move || {
                    for endpoint in lrs::load().waiting.keys() {
                        if lrs::due(endpoint)
                            && let Ok(key) = catalog.key_for(endpoint)
                        {
                            lrs::send(endpoint.clone(), key, lrs.clone());
                        }
                    }
                }
            };
            retry();
            let interval = gloo_timers::callback::Interval::new(5_000, retry.clone());
            let online = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "online", move |_| {
                    lrs::retry_all_now();
                    retry();
                })
            });
            move || drop((interval, online))
        });
    }
    let dark = progress.dark.unwrap_or_else(prefers_dark);
    use_effect_with(dark, |dark| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", if *dark { "dark" } else { "light" });
        }
    });

    let ctx = Ctx {
        catalog: catalog.clone(),
        progress: progress.clone(),
        lrs: lrs.clone(),
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <HashRouter>
                <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                    e.prevent_default();
                    if let Some(main) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                        let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
                    }
                })}>{ "Skip to content" }</a>
                <Header dark={dark} />
                <Notices />
                <main id="main" tabindex="-1">
                    <Switch<Route> render={switch} />
                </main>
            </HashRouter>
        </ContextProvider<Ctx>>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Catalog => html! { <CatalogPage /> },
        Route::Course { course } => html! { <CoursePage {course} /> },
        Route::Lab { course, lab } => {
            let key = format!("{course}/{lab}");
            html! { <LabPage {key} {course} {lab} /> }
        }
        Route::Results => html! { <ResultsPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[hook]
fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("the app provides its context")
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    dark: bool,
}

#[component]
fn Header(props: &HeaderProps) -> Html {
    let ctx = use_ctx();
    let (label, class) = match &ctx.progress.storage {
        StorageStatus::Idle => ("Nothing to save yet".to_string(), "idle"),
        StorageStatus::Pending => ("Saving…".to_string(), "pending"),
        StorageStatus::Saved { .. } if ctx.progress.persistent => {
            ("Saved in this browser (persistent)".to_string(), "saved")
        }
        StorageStatus::Saved { .. } => ("Saved in this browser".to_string(), "saved"),
        StorageStatus::Failed(e) => (format!("Not saved: {e}"), "failed"),
    };
    let toggle = {
        let progress = ctx.progress.clone();
        let dark = props.dark;
        Callback::from(move |_| progress.dispatch(Action::SetDark(!dark)))
    };
    html! {
        <header class="top">
            <a class="brand" href="#/">{ "sandlab" }</a>
            <a href="#/results">{ "Results" }</a>
            <span class={classes!("storage", class)} role="status" aria-live="polite" data-testid="storage-status">{ label }</span>
            <button class="theme" onclick={toggle} aria-pressed={props.dark.to_string()}>{ "Dark theme" }</button>
        </header>
    }
}

#[component]
fn Notices() -> Html {
    let ctx = use_ctx();
    let mut items: Vec<Html> = ctx
        .catalog
        .problems
        .iter()
        .map(|p| html! { <div class="notice error" role="alert">{ format!("A lab in this build is broken (tell the instructor): {p}") }</div> })
        .collect();
    for (i, text) in ctx.progress.notices.iter().enumerate() {
        let progress = ctx.progress.clone();
        let dismiss = Callback::from(move |_| progress.dispatch(Action::DismissNotice(i)));
        items.push(html! {
            <div class="notice" role="alert">
                <span>{ text }</span>
                <button onclick={dismiss} aria-label="Dismiss this message">{ "✕" }</button>
            </div>
        });
    }
    html! { <>{ for items }</> }
}

#[component]
fn CatalogPage() -> Html {
    let ctx = use_ctx();
    set_title("Labs");
    let rows = course_rows(&ctx.catalog.courses, &ctx.progress, now_seconds());
    html! {
        <>
            <h1>{ "Labs" }</h1>
            <p class="lead">{ "Hands-on WebAssembly labs. Your code runs in this page, is graded instantly, and your progress is saved in this browser." }</p>
            <CourseList courses={rows} expanded={true}
                weekly_plan={ctx.progress.weekly_plan} on_plan={on_plan(&ctx.progress)} />
        </>
    }
}

fn now_seconds() -> i64 {
    (storage::now_ms() / 1000.0) as i64
}

/// Sets the learner's weekly time from the plan input (empty clears it).
fn on_plan(progress: &UseReducerHandle<Progress>) -> Callback<Event> {
    let progress = progress.clone();
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let plan = input
            .value()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=10_080).contains(m));
        progress.dispatch(Action::SetWeeklyPlan(plan));
    })
}

#[derive(Properties, PartialEq)]
struct CourseProps {
    course: String,
}

#[component]
fn CoursePage(props: &CourseProps) -> Html {
    let ctx = use_ctx();
    let rows: Vec<_> = course_rows(&ctx.catalog.courses, &ctx.progress, now_seconds())
        .into_iter()
        .filter(|c| c.id == props.course)
        .collect();
    if rows.is_empty() {
        return html! { <NotFound /> };
    }
    set_title(&rows[0].title);
    html! {
        <>
            <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">{ "Labs" }</a></nav>
            <CourseList courses={rows} expanded={true}
                weekly_plan={ctx.progress.weekly_plan} on_plan={on_plan(&ctx.progress)} />
        </>
    }
}

#[component]
fn NotFound() -> Html {
    set_title("Not found");
    let ctx = use_ctx();
    html! {
        <section class="not-found">
            <h1>{ "There is no page at this address" }</h1>
            <p>{ "The link may be mistyped, or the lab may have been renamed. Your saved work is not affected." }</p>
            <p><a href="#/">{ "Go to all labs" }</a></p>
            <ul>
                { for ctx.catalog.courses.iter().map(|c| html! {
                    <li><a href={course_href(&c.id)}>{ &c.title }</a></li>
                }) }
            </ul>
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum Busy {
    Idle,
    Running(Tick),
    Checking(Tick),
}

#[derive(Properties, PartialEq)]
struct LabProps {
    course: String,
    lab: String,
}

/// Marks where a compile error is, for the editor.
fn error_mark(report: &Option<Report>) -> Option<(u32, u32, String)> {
    let e = report.as_ref()?.compile_error.as_ref()?;
    Some((e.line?, e.column.unwrap_or(1), e.message.clone()))
}

#[component]
fn LabPage(props: &LabProps) -> Html {
    let ctx = use_ctx();
    let busy = use_state(|| Busy::Idle);
    let report = use_state(|| None::<Report>);
    // Counts finished Checks and Runs on this page, so a test (or a screen
    // reader watching the live region) can tell a new result from the last.
    let finished = use_state(|| 0u32);
    let run_view = use_state(|| None::<RunView>);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let upload_error = use_state(|| None::<String>);
    let dragging = use_state(|| false);
    let help_open = use_state(|| false);
    let help_question = use_state(String::new);
    let help_status = use_state(|| None::<String>);

    // Time spent counts while the page is visible and the learner did
    // something in the last two minutes, so a tab left open overnight adds
    // nothing.
    let last_input = use_mut_ref(storage::now_ms);
    {
        let (progress, last_input) = (ctx.progress.clone(), last_input.clone());
        let found = ctx.catalog.find(&props.course, &props.lab).is_some();
        let key = lab_key(&props.course, &props.lab);
        use_effect_with(key.clone(), move |_| {
            const TICK_MS: u32 = 10_000;
            *last_input.borrow_mut() = storage::now_ms();
            let interval = found.then(|| {
                gloo_timers::callback::Interval::new(TICK_MS, move || {
                    let visible = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| !d.hidden());
                    if visible && storage::now_ms() - *last_input.borrow() < 120_000.0 {
                        progress.dispatch(Action::Active {
                            key: key.clone(),
                            ms: f64::from(TICK_MS),
                        });
                    }
                })
            });
            move || drop(interval)
        });
    }
    let on_input = {
        let last_input = last_input.clone();
        Callback::from(move |()| *last_input.borrow_mut() = storage::now_ms())
    };

    let Some((course, lab)) = ctx.catalog.find(&props.course, &props.lab) else {
        return html! { <NotFound /> };
    };
    set_title(&lab.title);
    let key = lab_key(&course.id, &lab.id);
    let saved = ctx.progress.lab(&key);
    let code = workspace::code(lab, &saved);
    let dark = ctx.progress.dark.unwrap_or_else(prefers_dark);
    let is_busy = *busy != Busy::Idle;

    let submission = || workspace::submission(lab, &saved);

    let on_change = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        Callback::from(move |text: String| {
            progress.dispatch(Action::Edit {
                key: key.clone(),
                code: text,
            })
        })
    };

    let on_check = {
        let (busy, report, cancel, progress) = (
            busy.clone(),
            report.clone(),
            cancel.clone(),
            ctx.progress.clone(),
        );
        let finished = finished.clone();
        let lab = lab.clone();
        let key = key.clone();
        let submission = submission();
        let answers = saved.answers.clone();
        Callback::from(move |_| {
            let Some(submission) = submission.clone() else {
                return;
            };
            if !lab.has_code() {
                // Answers grade at once; there is nothing to run.
                let result = crate::grade::grade_with(&lab, &submission, &answers);
                show_check(&progress, &report, &finished, key.clone(), result);
                return;
            }
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            busy.set(Busy::Checking(Tick {
                checks_done: 0,
                checks_total: lab.checks.len(),
                fuel: 0,
                fuel_limit: 0,
            }));
            let (busy, report, progress, lab, key) = (
                busy.clone(),
                report.clone(),
                progress.clone(),
                lab.clone(),
                key.clone(),
            );
            let finished = finished.clone();
            let answers = answers.clone();
            spawn_local(async move {
                let ticker = busy.clone();
                let result = runner::grade(&lab, &submission, flag, move |t| {
                    ticker.set(Busy::Checking(t))
                })
                .await
                .answered(&lab, &answers);
                show_check(&progress, &report, &finished, key, result);
                busy.set(Busy::Idle);
            });
        })
    };

    let on_run = {
        let (busy, run_view, cancel, report) = (
            busy.clone(),
            run_view.clone(),
            cancel.clone(),
            report.clone(),
        );
        let finished = finished.clone();
        let lab = lab.clone();
        let submission = submission();
        Callback::from(move |_| {
            let Some(submission) = submission.clone() else {
                return;
            };
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let built = language::build(lab.language, &submission).and_then(|runnable| {
                compile::load(&runnable.binary, lab.limits.stack_depth)
                    .map(|program| (runnable, program))
            });
            let (runnable, program) = match built {
                Ok(built) => built,
                Err(e) => {
                    report.set(Some(crate::grade::compile_failure(&lab, e)));
                    run_view.set(None);
                    finished.set(*finished + 1);
                    return;
                }
            };
            let request = workspace::run_request(&lab, &program, &runnable);
            let limit = request.limits.fuel;
            busy.set(Busy::Running(Tick {
                checks_done: 0,
                checks_total: 0,
                fuel: 0,
                fuel_limit: limit,
            }));
            let (busy, run_view, finished) = (busy.clone(), run_view.clone(), finished.clone());
            spawn_local(async move {
                let ticker = busy.clone();
                let outcome = runner::run(&runnable.binary, &program, request, flag, move |t| {
                    ticker.set(Busy::Running(t))
                })
                .await;
                let end = match &outcome.end {
                    End::Returned(v) if v.is_empty() => "finished (exit code 0)".to_string(),
                    End::Returned(v) => format!("returned {}", crate::sandbox::join_values(v)),
                    other => other.to_string(),
                };
                run_view.set(Some(RunView {
                    stdout: String::from_utf8_lossy(&outcome.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&outcome.stderr).into_owned(),
                    end,
                    fuel: outcome.fuel_used,
                    fuel_limit: limit,
                }));
                finished.set(*finished + 1);
                busy.set(Busy::Idle);
            });
        })
    };

    let on_stop = {
        let cancel = cancel.clone();
        Callback::from(move |_| cancel.borrow().set(true))
    };
    let on_reset = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        let report = report.clone();
        Callback::from(move |_| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message("Reset your code to the starter? You can undo this.")
                        .ok()
                })
                .unwrap_or(false);
            if sure {
                progress.dispatch(Action::Reset { key: key.clone() });
                report.set(None);
            }
        })
    };
    let on_undo = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        Callback::from(move |_| progress.dispatch(Action::UndoReset { key: key.clone() }))
    };
    let on_hint = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        let total = lab.hints.len() as u32;
        Callback::from(move |_| {
            progress.dispatch(Action::RevealHint {
                key: key.clone(),
                total,
            })
        })
    };

    let accept_file = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        let upload_error = upload_error.clone();
        Callback::from(move |file: web_sys::File| {
            let size = file.size() as usize;
            if size > MAX_UPLOAD {
                upload_error.set(Some(format!(
                    "{} is {:.1} MB; uploads are limited to {} MB. Build in release mode (and strip debug info) to make it smaller.",
                    file.name(),
                    size as f64 / 1e6,
                    MAX_UPLOAD / 1_000_000
                )));
                return;
            }
            let (progress, key, upload_error) =
                (progress.clone(), key.clone(), upload_error.clone());
            spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                        upload_error.set(None);
                        progress.dispatch(Action::Upload {
                            key,
                            name: file.name(),
                            bytes,
                        });
                    }
                    Err(_) => upload_error.set(Some(format!("{} could not be read", file.name()))),
                }
            });
        })
    };
    let on_pick = {
        let accept_file = accept_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                accept_file.emit(file);
            }
        })
    };
    let on_drop = {
        let (accept_file, dragging) = (accept_file.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                accept_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };

    let status = saved.status();
    let hints_shown = (saved.hints_shown as usize).min(lab.hints.len());
    let instructions =
        Html::from_html_unchecked(AttrValue::from(markdown::to_safe_html(&lab.instructions)));
    // Prerequisites not passed yet: a course that locks keeps the lab shut.
    let waiting: Vec<&Lab> = lab
        .requires
        .iter()
        .filter(|r| !ctx.progress.passed(&lab_key(&course.id, r)))
        .filter_map(|r| course.labs.iter().find(|l| l.id == **r))
        .collect();
    let locked = course.schedule.lock && !waiting.is_empty();
    let has_submission = submission().is_some() && !locked;
    let on_answer = {
        let progress = ctx.progress.clone();
        let key = key.clone();
        Callback::from(move |(question, answer): (String, Answer)| {
            progress.dispatch(Action::Answer {
                key: key.clone(),
                question,
                answer,
            })
        })
    };
    let on_text = {
        let on_answer = on_answer.clone();
        Callback::from(move |(question, e): (String, InputEvent)| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_answer.emit((question, Answer::Text(input.value())));
        })
    };
    let graded: Vec<QuestionReport> = report
        .as_ref()
        .map(|r| r.questions.clone())
        .unwrap_or_default();
    let help = help_open.then(|| {
        let page = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let text = help::help_text(&help::HelpRequest {
            course,
            lab,
            page: &page,
            question: &help_question,
            code: (lab.has_code() && lab.language.has_editor()).then_some(code.as_str()),
            upload: saved
                .upload
                .as_ref()
                .map(|(name, bytes)| (name.as_str(), bytes.len())),
            answers: &saved.answers,
            report: report.as_ref(),
            attempts: saved.attempts,
        });
        let subject = format!("Help with {} ({}/{})", lab.title, course.id, lab.id);
        let on_question = {
            let help_question = help_question.clone();
            Callback::from(move |e: InputEvent| {
                let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
                help_question.set(area.value());
            })
        };
        let on_copy = {
            let (text, status) = (text.clone(), help_status.clone());
            Callback::from(move |_| {
                let (text, status) = (text.clone(), status.clone());
                spawn_local(async move {
                    let copied = copy_to_clipboard(&text).await;
                    status.set(Some(if copied {
                        "Copied. Paste it into an email or a post on the discussion board.".into()
                    } else {
                        "This browser did not allow copying: select the text above and copy it yourself.".into()
                    }));
                });
            })
        };
        html! {
            <section class="help-panel" aria-label="Ask for help">
                <h2>{ "Ask for help" }</h2>
                <p>{ "Say what you expected and what happened instead. Your code and the last Check's results are added below, so whoever helps sees what you see." }</p>
                <label class="help-question-label">{ "Your question" }
                    <textarea class="help-question" rows="3" value={(*help_question).clone()} oninput={on_question} />
                </label>
                <pre class="help-text" aria-label="The text to send" tabindex="0">{ &text }</pre>
                <div class="actions">
                    <button class="help-copy" onclick={on_copy}>{ "Copy" }</button>
                    if let Some(email) = &course.help.email {
                        <a class="button help-email" href={help::mailto(email, &subject, &text)}>{ format!("Email {email}") }</a>
                    }
                    if let Some(board) = &course.help.discussion {
                        <a class="button help-discussion" href={board.clone()} target="_blank" rel="noopener noreferrer">{ "Discussion board" }</a>
                    }
                </div>
                if let Some(s) = &*help_status { <p class="help-status" role="status">{ s }</p> }
            </section>
        }
    });
    let on_help = {
        let (help_open, help_status) = (help_open.clone(), help_status.clone());
        Callback::from(move |_| {
            help_status.set(None);
            help_open.set(!*help_open);
        })
    };
    let questions =
        views::questions_view(lab, &saved.answers, &graded, &on_answer, &on_text, is_busy);

    html! {
        <div class="lab-page" onkeydown={on_input.reform(|_: KeyboardEvent| ())} onpointerdown={on_input.reform(|_: PointerEvent| ())}>
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href="#/">{ "Labs" }</a>{ " / " }
                <a href={course_href(&course.id)}>{ &course.title }</a>
            </nav>
            <div class="lab-head">
                <h1>{ &lab.title }</h1>
                <span class={classes!("badge", match status { LabStatus::Passed => "passed", LabStatus::InProgress => "in-progress", LabStatus::NotStarted => "not-started" })}
                    data-testid="lab-status">{ status.label() }</span>
                <span class="meta">{ format!("{}/{} pts · {} attempt(s) · about {} min", saved.best_score, lab.max_score(), saved.attempts, lab.minutes) }</span>
            </div>
            if !waiting.is_empty() {
                <p class={classes!("notice", "prerequisites", locked.then_some("locked"))} role="note">
                    { if locked { "This lab opens once you pass " } else { "This lab builds on " } }
                    { for waiting.iter().enumerate().map(|(i, l)| html! {
                        <>{ if i > 0 { ", " } else { "" } }<a href={views::lab_href(&course.id, &l.id)}>{ &l.title }</a></>
                    }) }
                    { "." }
                </p>
            }
            <div class="workspace">
                <section class="instructions" aria-label="Instructions">
                    { instructions }
                    if !lab.hints.is_empty() {
                        <div class="hints">
                            <h2>{ "Hints" }</h2>
                            <ol>
                                { for lab.hints.iter().take(hints_shown).map(|h| html! { <li>{ h }</li> }) }
                            </ol>
                            if hints_shown < lab.hints.len() {
                                <button onclick={on_hint}>{ format!("Show a hint ({} left)", lab.hints.len() - hints_shown) }</button>
                            }
                        </div>
                    }
                    <LabChecksSummary lab={lab.clone()} />
                </section>
                <section class="work" aria-label="Your solution">
                    { questions }
                    if !lab.has_code() {
                    } else if lab.language.has_editor() {
                        <Editor code={AttrValue::from(code.clone())} on_change={on_change}
                            error={error_mark(&report)} dark={dark} label="WebAssembly text editor" />
                    } else {
                        <div class={classes!("dropzone", (*dragging).then_some("dragging"))}
                            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
                            <p>{ "Build your program for wasm32-wasip1 (for Rust: cargo build --release --target wasm32-wasip1) and upload the .wasm file." }</p>
                            <label class="file-label">{ "Choose a .wasm file" }
                                <input type="file" accept=".wasm,application/wasm" onchange={on_pick} />
                            </label>
                            <p class="upload-name" role="status">{ match &saved.upload {
                                Some((name, bytes)) => format!("Uploaded: {name} ({} bytes)", bytes.len()),
                                None => "Or drop the file here.".to_string(),
                            } }</p>
                            if let Some(e) = &*upload_error { <p class="error" role="alert">{ e }</p> }
                        </div>
                    }
                    <div class="actions">
                        <button class="primary" onclick={on_check} disabled={is_busy || !has_submission}>{ if lab.has_code() { "Check" } else { "Check answers" } }</button>
                        if lab.has_code() {
                            <button class="run" onclick={on_run} disabled={is_busy || !has_submission}>{ "Run" }</button>
                        }
                        if is_busy { <button class="stop" onclick={on_stop}>{ "Stop" }</button> }
                        <button class="help-open" onclick={on_help} aria-expanded={help_open.to_string()}>{ "Ask for help" }</button>
                        if lab.has_code() && lab.language.has_editor() {
                            <button onclick={on_reset} disabled={is_busy || saved.code.is_none()}>{ "Reset" }</button>
                            if saved.before_reset.is_some() {
                                <button onclick={on_undo} disabled={is_busy}>{ "Undo reset" }</button>
                            }
                        }
                    </div>
                    { help.unwrap_or_default() }
                    { busy_view(&busy) }
                    <div class="results" aria-live="polite" data-finished={finished.to_string()}>
                        if let Some(r) = &*report { <ReportView report={r.clone()} /> }
                        if lab.has_code() { <Console run={(*run_view).clone()} /> }
                    </div>
                </section>
            </div>
        </div>
    }
}

/// Shows a finished Check and, unless it was stopped, counts it as an
/// attempt.
fn show_check(
    progress: &UseReducerHandle<Progress>,
    report: &UseStateHandle<Option<Report>>,
    finished: &UseStateHandle<u32>,
    key: String,
    result: Report,
) {
    if !result.checks.iter().any(|c| c.verdict.is_cancelled()) {
        progress.dispatch(Action::Graded {
            key,
            score: result.score,
            max: result.max_score,
            passed: result.passed,
            at: storage::now_ms(),
        });
    }
    report.set(Some(result));
    finished.set(**finished + 1);
}

/// Writes `text` to the clipboard; `false` where the browser refuses (no
/// permission, or no Clipboard API on a page that is not https).
async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let write = || -> Option<js_sys::Promise> {
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
        let write_text: js_sys::Function = js_sys::Reflect::get(&clipboard, &"writeText".into())
            .ok()?
            .dyn_into()
            .ok()?;
        write_text
            .call1(&clipboard, &text.into())
            .ok()?
            .dyn_into()
            .ok()
    };
    match write() {
        Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
        None => false,
    }
}

fn busy_view(busy: &Busy) -> Html {
    match busy {
        Busy::Idle => html! {},
        Busy::Checking(t) => html! {
            <div class="busy" role="status">
                <progress max={t.checks_total.max(1).to_string()} value={t.checks_done.to_string()} aria-label="Checks done"></progress>
                <span>{ format!("Checking… {} of {} checks done", t.checks_done, t.checks_total) }</span>
                if t.fuel_limit > 0 { <span class="fuel">{ format!(" · fuel {} of {}", thousands(t.fuel), thousands(t.fuel_limit)) }</span> }
            </div>
        },
        Busy::Running(t) => html! {
            <div class="busy" role="status">
                <progress max={t.fuel_limit.max(1).to_string()} value={t.fuel.to_string()} aria-label="Fuel used"></progress>
                <span>{ format!("Running… fuel {} of {}", thousands(t.fuel), thousands(t.fuel_limit)) }</span>
            </div>
        },
    }
}

#[derive(Properties)]
struct ChecksSummaryProps {
    lab: Lab,
}

impl PartialEq for ChecksSummaryProps {
    fn eq(&self, other: &Self) -> bool {
        self.lab.id == other.lab.id && self.lab.dir == other.lab.dir
    }
}

/// The lab's checks by name and points, so the learner knows what is asked.
#[component]
fn LabChecksSummary(props: &ChecksSummaryProps) -> Html {
    html! {
        <details class="check-list">
            <summary>{ match (props.lab.checks.len(), props.lab.questions.len()) {
                (c, 0) => format!("{c} checks, {} points", props.lab.max_score()),
                (0, q) => format!("{q} questions, {} points", props.lab.max_score()),
                (c, q) => format!("{c} checks and {q} questions, {} points", props.lab.max_score()),
            } }</summary>
            <ul>
                { for props.lab.checks.iter().map(|c| html! {
                    <li>{ format!("{} ({}, {} pt{})", c.name, c.kind_name(), c.points, if c.points == 1 { "" } else { "s" }) }
                        if c.hidden { <span class="badge hidden-badge">{ "hidden" }</span> }</li>
                }) }
            </ul>
        </details>
    }
}

fn iso(ms: f64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
}

/// The completion record of everything the learner attempted, re-graded
/// now (see [`workspace::record`]).
fn build_record(catalog: &Catalog, progress: &Progress) -> crate::record::Record {
    workspace::record(&catalog.courses, progress, storage::now_ms(), iso)
}

/// The xAPI statements of `record`, checked before they leave the app.
fn statements(
    catalog: &Catalog,
    record: &crate::record::Record,
) -> Result<Vec<serde_json::Value>, String> {
    let statements = crate::record::xapi::statements(record, &catalog.courses)?;
    for s in &statements {
        crate::record::xapi::validate(s).map_err(|invalid| {
            format!("a statement is not valid xAPI ({invalid}); please report this")
        })?;
    }
    Ok(statements)
}

/// Offers `text` as a file download.
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "no object URL".to_string())?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no anchor".to_string())?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// `1 h 5 min`, `12 min`, `< 1 min`, or `—` for a lab not attempted.
fn spent(attempted: bool, seconds: u64) -> String {
    match seconds {
        _ if !attempted => "—".into(),
        s if s < 60 => "< 1 min".into(),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// What the Results page can export.
#[derive(Clone, Copy, PartialEq)]
enum Export {
    Record,
    Csv,
    Xapi,
}

#[component]
fn ResultsPage() -> Html {
    let ctx = use_ctx();
    let message = use_state(|| None::<String>);
    set_title("Results");
    let progress = ctx.progress.clone();
    let on_name = {
        let progress = progress.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            progress.dispatch(Action::SetLearner {
                name: input.value(),
                email: progress.learner_email.clone(),
            });
        })
    };
    let on_email = {
        let progress = progress.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            progress.dispatch(Action::SetLearner {
                name: progress.learner_name.clone(),
                email: input.value(),
            });
        })
    };
    let on_export = {
        let (catalog, progress, message) = (ctx.catalog.clone(), progress.clone(), message.clone());
        Callback::from(move |what: Export| {
            if progress.learner_name.trim().is_empty() {
                message.set(Some(
                    "Enter your name or id first: the record says whose work it is.".into(),
                ));
                return;
            }
            let record = build_record(&catalog, &progress);
            let stem = progress
                .learner_name
                .trim()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
            let (file, mime, text) = match what {
                Export::Record => (
                    format!("sandlab-record-{stem}.json"),
                    "application/json",
                    Ok(crate::record::write(&record)),
                ),
                Export::Csv => (
                    format!("sandlab-results-{stem}.csv"),
                    "text/csv",
                    Ok(crate::record::csv(&record)),
                ),
                Export::Xapi => (
                    format!("sandlab-xapi-{stem}.json"),
                    "application/json",
                    statements(&catalog, &record)
                        .map(|s| serde_json::to_string_pretty(&s).unwrap_or_default()),
                ),
            };
            message.set(Some(
                match text.and_then(|text| download(&file, mime, &text)) {
                    Ok(()) => format!("Exported {} lab(s) to {file}.", record.labs.len()),
                    Err(e) => format!("Export failed: {e}"),
                },
            ));
        })
    };
    let on_backup = {
        let (progress, message) = (progress.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let now = iso(storage::now_ms());
            let file = format!("sandlab-backup-{}.json", &now[..10]);
            let text = super::progress::backup(&progress, &now);
            message.set(Some(match download(&file, "application/json", &text) {
                Ok(()) => format!(
                    "Saved a backup of {} lab(s) to {file}. Restore it here, in any browser.",
                    progress.labs.len()
                ),
                Err(e) => format!("The backup failed: {e}"),
            }));
        })
    };
    let on_restore = {
        let (progress, message) = (progress.clone(), message.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (progress, message) = (progress.clone(), message.clone());
            spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                let (backup, made) = match super::progress::restore(&text) {
                    Ok(b) => b,
                    Err(e) => {
                        message.set(Some(format!("Nothing was restored: {e}.")));
                        return;
                    }
                };
                let question = format!(
                    "Replace your progress here with the backup of {} ({} lab(s))? Your current progress is kept aside in this browser.",
                    if made.is_empty() {
                        "unknown date"
                    } else {
                        &made
                    },
                    backup.labs.len()
                );
                let yes = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&question).ok())
                    .unwrap_or(false);
                if !yes {
                    return;
                }
                let aside = match storage::keep_current_aside() {
                    Ok(a) => a,
                    Err(e) => {
                        message.set(Some(format!(
                            "Nothing was restored: your current progress could not be kept aside first ({e})."
                        )));
                        return;
                    }
                };
                storage::forget_saved_uploads();
                let labs = backup.labs.len();
                progress.dispatch(Action::Restore(Box::new(backup)));
                message.set(Some(match aside {
                    Some(key) => format!(
                        "Restored {labs} lab(s). Your previous progress is kept in this browser's storage under \"{key}\"."
                    ),
                    None => format!("Restored {labs} lab(s)."),
                }));
            });
        })
    };
    let mut total = 0;
    let mut max = 0;
    html! {
        <section class="results-page">
            <h1>{ "Results" }</h1>
            <div class="learner">
                <label>{ "Your name or id" }
                    <input type="text" value={progress.learner_name.clone()} onchange={on_name} autocomplete="name" />
                </label>
                <label>{ "Email (optional)" }
                    <input type="email" value={progress.learner_email.clone()} onchange={on_email} autocomplete="email" />
                </label>
            </div>
            { for ctx.catalog.courses.iter().map(|course| html! {
                <>
                <table class="results-table">
                    <caption>{ &course.title }</caption>
                    <thead><tr><th scope="col">{ "Lab" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Score" }</th><th scope="col">{ "Attempts" }</th><th scope="col">{ "Time spent" }</th></tr></thead>
                    <tbody>
                    { for course.labs.iter().map(|lab| {
                        let p = progress.lab(&lab_key(&course.id, &lab.id));
                        total += p.best_score;
                        max += lab.max_score();
                        html! {
                            <tr>
                                <th scope="row"><a href={super::views::lab_href(&course.id, &lab.id)}>{ &lab.title }</a></th>
                                <td>{ p.status().label() }</td>
                                <td>{ format!("{}/{}", p.best_score, lab.max_score()) }</td>
                                <td>{ p.attempts }</td>
                                <td>{ spent(p.attempts > 0, p.time_spent_seconds()) }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                if course.xapi.endpoint.is_some() {
                    <SendPanel course={course.id.clone()} />
                }
                </>
            }) }
            <p class="summary" data-testid="results-summary">{ format!("{total} of {max} points in all courses.") }</p>
            <div class="exports">
                <button class="primary export" onclick={on_export.reform(|_| Export::Record)}>{ "Export completion record (JSON)" }</button>
                <button class="export-csv" onclick={on_export.reform(|_| Export::Csv)}>{ "Results (CSV)" }</button>
                <button class="export-xapi" onclick={on_export.reform(|_| Export::Xapi)}>{ "xAPI statements (JSON)" }</button>
            </div>
            <h2>{ "Backup" }</h2>
            <p>{ "Your work lives in this browser. A backup file holds all of it (code, uploads, scores) to restore here or in another browser." }</p>
            <div class="exports">
                <button class="backup-export" onclick={on_backup}>{ "Download a backup" }</button>
                <label class="file-label">{ "Restore a backup" }
                    <input type="file" class="backup-import" accept=".json,application/json" onchange={on_restore} />
                </label>
            </div>
            if let Some(m) = &*message { <p role="status" class="export-message">{ m }</p> }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SendPanelProps {
    course: String,
}

/// Sends a course's statements to its LRS: the learner's key (if the course
/// asks for one), the Send button, and what became of the last send.
#[component]
fn SendPanel(props: &SendPanelProps) -> Html {
    let ctx = use_ctx();
    let problem = use_state(|| None::<String>);
    let key_input = use_node_ref();
    let secret_input = use_node_ref();
    let Some(course) = ctx.catalog.courses.iter().find(|c| c.id == props.course) else {
        return html! {};
    };
    let Some(endpoint) = course.xapi.endpoint.clone() else {
        return html! {};
    };
    let asks_key = course.xapi.credentials == Credentials::Learner;
    let saved_key = lrs::keys().get(&endpoint).cloned();
    let view = ctx
        .lrs
        .endpoints
        .get(&endpoint)
        .cloned()
        .unwrap_or_default();
    let on_send = {
        let (catalog, progress, lrs_view, problem) = (
            ctx.catalog.clone(),
            ctx.progress.clone(),
            ctx.lrs.clone(),
            problem.clone(),
        );
        let (course_id, endpoint) = (course.id.clone(), endpoint.clone());
        let (key_input, secret_input) = (key_input.clone(), secret_input.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            if progress.learner_name.trim().is_empty() {
                problem.set(Some(
                    "Enter your name or id first: the statements say whose work it is.".into(),
                ));
                return;
            }
            if asks_key {
                let value = |r: &NodeRef| {
                    r.cast::<web_sys::HtmlInputElement>()
                        .map(|i| i.value())
                        .unwrap_or_default()
                };
                let (k, secret) = (value(&key_input), value(&secret_input));
                if !k.trim().is_empty() {
                    lrs::set_key(
                        &endpoint,
                        Some(Key {
                            key: k.trim().to_string(),
                            secret,
                        }),
                    );
                }
            }
            let key = match catalog.key_for(&endpoint) {
                Ok(k) => k,
                Err(()) => {
                    problem.set(Some(
                        "Enter the key and secret your instructor gave you for sending results."
                            .into(),
                    ));
                    return;
                }
            };
            let mut record = build_record(&catalog, &progress);
            record.labs.retain(|l| l.course == course_id);
            if record.labs.is_empty() {
                problem.set(Some(
                    "Nothing to send yet: check a lab of this course first.".into(),
                ));
                return;
            }
            let statements = match statements(&catalog, &record) {
                Ok(s) => s,
                Err(e) => {
                    problem.set(Some(e));
                    return;
                }
            };
            // Queued first: from here on nothing is lost, whatever the network does.
            if let Err(e) = lrs::update(|o| {
                o.add(&endpoint, statements);
            }) {
                problem.set(Some(e));
            }
            lrs::send(endpoint.clone(), key, lrs_view.clone());
        })
    };
    let on_forget = {
        let (endpoint, lrs_view) = (endpoint.clone(), ctx.lrs.clone());
        Callback::from(move |_: MouseEvent| {
            lrs::set_key(&endpoint, None);
            lrs_view.dispatch(LrsAction::Refresh);
        })
    };
    html! {
        <div class="send-panel" data-course={course.id.clone()} data-finished={view.finished.to_string()}>
            <p>{ "Your instructor collects results in a Learning Record Store at " }<code>{ &endpoint }</code>{ "." }</p>
            if asks_key {
                if let Some(k) = &saved_key {
                    <p class="lrs-key">{ format!("Sending with the key \"{}\" saved in this browser. ", k.key) }
                        <button class="link forget-key" onclick={on_forget}>{ "Forget it" }</button>
                    </p>
                } else {
                    <div class="learner">
                        <label>{ "LRS key" }<input type="text" class="lrs-key-input" ref={key_input} autocomplete="username" /></label>
                        <label>{ "LRS secret" }<input type="password" class="lrs-secret-input" ref={secret_input} autocomplete="current-password" /></label>
                    </div>
                }
            }
            <button class="send" onclick={on_send} disabled={view.sending}>
                { if view.sending { "Sending…" } else { "Send results to the LRS" } }
            </button>
            if view.waiting > 0 && !view.sending {
                <p class="lrs-waiting">{ format!("{} statement(s) waiting to be sent.", view.waiting) }</p>
            }
            if let Some(p) = &*problem { <p role="alert" class="send-message error">{ p }</p> }
            if let Some((m, ok)) = &view.message {
                <p role="status" class={classes!("send-message", (!ok).then_some("error"))}>{ m }</p>
            }
        </div>
    }
}

//! The app's root: the courses and the learner's progress as every page's
//! context, saving (debounced, at once when the page hides, merged with
//! other tabs' saves), the LRS outbox's retries, the theme, and the routes.
//! The pages are in `pages`, what several of them show in `components`.

use super::browser;
use super::components::{Header, Notices};
use super::lrs::{self, LrsView};
use super::outbox::Key;
use super::pages::{CatalogPage, CoursePage, LabPage, NotFound, ResultsPage};
use super::progress::{Action, Progress, StorageStatus};
use super::runner;
use super::storage;
use super::workspace;
use crate::lab::{
    Course, Credentials, Lab, RuntimeFile, bundle_preview, bundle_runtimes, read_bundle,
};
use crate::record::{self, Record};
use crate::web::lms::session::{LmsView, use_lms};
use crate::web::progress::lab_key;
use crate::web::runtime;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

/// Where the app finds its courses: the bundle `sandlab bundle` (or
/// `sandlab build`, or `sandlab serve`) wrote beside it.
const BUNDLE_URL: &str = "courses.json";

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
        // For the runs timed as shipped.
        runner::start_worker();
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

fn switch(route: Route) -> Html {
    match route {
        Route::Catalog => html! { <CatalogPage /> },
        Route::Course { course } => html! { <CoursePage {course} /> },
        Route::Lab { course, lab } => {
            // Keyed, so another lab starts with a fresh page: no report,
            // run or help text carried over.
            let key = format!("{course}/{lab}");
            html! { <LabPage {key} {course} {lab} /> }
        }
        Route::Results => html! { <ResultsPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// The courses, parsed once, and the language runtimes their labs download.
pub struct Catalog {
    pub courses: Vec<Course>,
    pub problems: Vec<String>,
    pub runtimes: Vec<RuntimeFile>,
    /// In `sandlab serve`'s preview: where it says the courses changed.
    pub live: Option<String>,
    /// In the preview: what is wrong with the author's latest edit (the
    /// courses shown are the last version without problems).
    pub live_problems: Vec<String>,
}

impl Catalog {
    /// The catalog of a bundle's text.
    fn read(text: &str) -> Catalog {
        let preview = bundle_preview(text);
        match read_bundle(text) {
            Ok(loaded) => Catalog {
                courses: loaded.courses,
                problems: loaded.diagnostics.iter().map(|d| d.to_string()).collect(),
                runtimes: bundle_runtimes(text),
                live: preview.live,
                live_problems: preview.problems,
            },
            Err(e) => Catalog::failed(e.to_string()),
        }
    }

    fn failed(why: String) -> Catalog {
        Catalog {
            courses: Vec::new(),
            problems: vec![why],
            runtimes: Vec::new(),
            live: None,
            live_problems: Vec::new(),
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
    pub fn key_for(&self, endpoint: &str) -> Result<Option<Key>, ()> {
        match self.credentials(endpoint) {
            Credentials::None => Ok(None),
            Credentials::Learner => lrs::keys().get(endpoint).cloned().map(Some).ok_or(()),
        }
    }

    pub fn find(&self, course: &str, lab: &str) -> Option<(&Course, &Lab)> {
        let c = self.courses.iter().find(|c| c.id == course)?;
        Some((c, c.labs.iter().find(|l| l.id == lab)?))
    }

    /// Where the runtime of `lab` is (its language's, or its course's own
    /// interpreter), if it needs one.
    pub fn runtime_file(&self, lab: &Lab) -> Option<&RuntimeFile> {
        let key = lab.runtime_key();
        self.runtimes.iter().find(|r| r.language == key)
    }

    /// The completion record of everything the learner attempted, re-graded
    /// now (see [`workspace::record`]), with the runtimes attempted labs
    /// run in loaded first.
    ///
    /// # Errors
    ///
    /// A runtime an attempted lab needs could not be loaded.
    pub async fn record(&self, progress: &Progress) -> Result<Record, String> {
        let mut courses = self.courses.clone();
        for course in &mut courses {
            for lab in &mut course.labs {
                let attempted = progress.lab(&lab_key(&course.id, &lab.id)).attempts > 0;
                if !attempted || !lab.language.needs_runtime() {
                    continue;
                }
                let Some(file) = self.runtime_file(lab) else {
                    return Err(format!(
                        "this build has no {} runtime, so {} cannot be re-graded",
                        lab.language_title(),
                        lab.title
                    ));
                };
                let runtime = runtime::load(lab.language, file).await?;
                lab.attach(&runtime);
            }
        }
        Ok(workspace::record(
            &courses,
            progress,
            storage::now_ms(),
            browser::iso,
        ))
    }

    /// The xAPI statements of `record`, checked before they leave the app.
    pub fn statements(&self, record: &Record) -> Result<Vec<serde_json::Value>, String> {
        let statements = record::xapi::statements(record, &self.courses)?;
        for s in &statements {
            record::xapi::validate(s).map_err(|invalid| {
                format!("a statement is not valid xAPI ({invalid}); please report this")
            })?;
        }
        Ok(statements)
    }
}

/// What every page can reach.
#[derive(Clone)]
pub struct Ctx {
    pub catalog: Rc<Catalog>,
    pub progress: UseReducerHandle<Progress>,
    pub lrs: UseReducerHandle<LrsView>,
    /// What the page shows of the LMS that opened it, if any.
    pub lms: LmsView,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        Rc::ptr_eq(&self.catalog, &other.catalog)
            && self.progress == other.progress
            && self.lrs == other.lrs
            && self.lms == other.lms
    }
}

#[hook]
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("the app provides its context")
}

/// Fetches the courses (the bundle beside the app) and, once they are
/// here, shows the app; in `sandlab serve`'s preview, fetches them again
/// whenever the author saves.
#[component]
pub fn App() -> Html {
    let catalog = use_state(|| None::<Rc<Catalog>>);
    {
        let catalog = catalog.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                catalog.set(Some(Rc::new(fetch_catalog().await)));
            });
        });
    }
    let live = catalog.as_ref().and_then(|c| c.live.clone());
    {
        let catalog = catalog.clone();
        use_effect_with(live, move |live| {
            let source = live
                .as_deref()
                .and_then(|url| web_sys::EventSource::new(url).ok());
            let listener = source.as_ref().map(|source| {
                gloo_events::EventListener::new(source, "message", move |_| {
                    let catalog = catalog.clone();
                    spawn_local(async move {
                        catalog.set(Some(Rc::new(fetch_catalog().await)));
                    });
                })
            });
            move || {
                drop(listener);
                if let Some(source) = source {
                    source.close();
                }
            }
        });
    }
    // Offline use, once the courses are here, outside the preview, and
    // outside an LMS: its package is served by the LMS, which needs the
    // network anyway, and a worker between the page and the LMS's own
    // requests only gets in their way (Chromium lost requests sent as the
    // page closed).
    let in_lms = use_memo((), |_| {
        crate::web::lms::Launch::from_query(&crate::web::lms::session::query())
            .standard
            .is_some()
    });
    let offline = catalog.as_ref().map(|c| c.live.is_none() && !*in_lms);
    use_effect_with(offline, |offline| {
        if *offline == Some(true) {
            super::offline::register_offline();
        }
    });
    match &*catalog {
        Some(catalog) => html! { <Loaded catalog={catalog.clone()} /> },
        None => html! {
            <main id="main" class="loading" aria-busy="true">
                <p role="status">{ "Loading the courses…" }</p>
            </main>
        },
    }
}

/// The bundle, fetched from beside the app (never from a cache that may
/// be stale: the preview and new versions must show at once).
async fn fetch_catalog() -> Catalog {
    match browser::fetch_text(BUNDLE_URL).await {
        Ok(text) => Catalog::read(&text),
        Err(why) => Catalog::failed(format!(
            "the courses could not be loaded ({why}): check your connection and reload the page"
        )),
    }
}

#[derive(Properties)]
struct LoadedProps {
    catalog: Rc<Catalog>,
}

impl PartialEq for LoadedProps {
    fn eq(&self, other: &LoadedProps) -> bool {
        Rc::ptr_eq(&self.catalog, &other.catalog)
    }
}

/// The app, its courses loaded.
#[component]
fn Loaded(props: &LoadedProps) -> Html {
    let catalog = props.catalog.clone();
    let progress = use_reducer(storage::load_progress);
    use_saving(&progress);
    use_other_tabs(&progress);
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let granted = storage::request_persistence().await;
                progress.dispatch(Action::Persistent(granted));
            });
        });
    }
    let lrs = use_reducer(LrsView::load);
    use_lrs_retries(&catalog, &lrs);
    let lms = use_lms(&catalog, &progress);
    let dark = progress.dark.unwrap_or_else(browser::prefers_dark);
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
        lms,
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

/// Saves a moment after the last change, and at once when the page hides.
#[hook]
fn use_saving(progress: &UseReducerHandle<Progress>) {
    let latest = use_mut_ref(|| None::<Progress>);
    *latest.borrow_mut() = Some((**progress).clone());
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

/// Another tab saved: shows its labs here, except the ones changed here.
#[hook]
fn use_other_tabs(progress: &UseReducerHandle<Progress>) {
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

/// Statements that could not be sent are retried on a backoff schedule, at
/// once when the browser comes back online, and at start-up.
#[hook]
fn use_lrs_retries(catalog: &Rc<Catalog>, lrs: &UseReducerHandle<LrsView>) {
    let (catalog, lrs) = (catalog.clone(), lrs.clone());
    use_effect_with((), move |_| {
        let retry = move || {
            for endpoint in lrs::load().waiting.keys() {
                if lrs::due(endpoint)
                    && let Ok(key) = catalog.key_for(endpoint)
                {
                    lrs::send(endpoint.clone(), key, lrs.clone());
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

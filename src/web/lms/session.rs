//! The app's session with the LMS that opened it: started with the page
//! (the learner's name taken from the LMS, the work it kept merged in),
//! reported to after every change (a moment later, so typing does not
//! flood it), ended when the page goes away. SCORM's API is called here
//! (`scorm.rs`); cmi5's HTTP is `cmi5_client.rs`.

use super::cmi5_client::{self, Cmi5Session, Told};
use super::scorm::Scorm;
use super::{Launch, Standing, decode_suspend, encode_suspend, merge_kept, scorm_values};
use crate::lms::Standard;
use crate::web::app::Catalog;
use crate::web::progress::{Action, Progress};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the page says about the LMS, when there is something to say.
#[derive(Clone, Debug, PartialEq)]
pub struct LmsNotice {
    pub text: String,
    /// A problem (results not reaching the LMS), or just information.
    pub problem: bool,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// What the page shows of the LMS: a notice, and a way back to the LMS
/// where it gave one (cmi5's `returnURL`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LmsView {
    pub notice: Option<LmsNotice>,
    pub exit: Option<Callback<MouseEvent>>,
}

/// Runs the session with the LMS named in the page's address, if any, and
/// returns what the page should show of it.
#[hook]
pub fn use_lms(catalog: &Rc<Catalog>, progress: &UseReducerHandle<Progress>) -> LmsView {
    let launch = use_memo((), |_| Launch::from_query(&query()));
    let notice = use_state(|| None::<LmsNotice>);
    let return_url = use_state(|| None::<String>);
    let state = use_mut_ref(State::default);
    // What a send's outcome tells the learner; with nothing to tell, what
    // holds for the whole session (a damaged copy, a Browse launch) stays.
    let tell = {
        let (notice, state) = (notice.clone(), state.clone());
        Callback::from(move |told: Told| {
            let sticky = state.borrow().sticky.clone();
            notice.set(
                told.map(|(text, problem)| LmsNotice { text, problem })
                    .or(sticky),
            );
        })
    };

    {
        let (launch, tell, state) = (launch.clone(), tell.clone(), state.clone());
        let (progress, catalog, return_url) =
            (progress.clone(), catalog.clone(), return_url.clone());
        use_effect_with((), move |_| {
            start(&launch, &catalog, &progress, tell, &state, return_url);
        });
    }
    {
        let (launch, tell, state) = (launch.clone(), tell.clone(), state.clone());
        let (progress, catalog) = (progress.clone(), catalog.clone());
        use_effect_with(progress.revision, move |_| {
            let timer = gloo_timers::callback::Timeout::new(500, move || {
                report(&launch, &catalog, &progress, &tell, &state);
            });
            move || drop(timer)
        });
    }
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| gloo_events::EventListener::new(&w, "pagehide", move |_| finish(&state)));
            move || drop(listener)
        });
    }
    let exit = (*return_url).clone().map(|url| {
        let (state, tell) = (state.clone(), tell.clone());
        Callback::from(move |_: MouseEvent| exit(&state, &url, &tell))
    });
    LmsView {
        notice: (*notice).clone(),
        exit,
    }
}

/// The learner leaves for the LMS: `terminated` is sent (waited for, so it
/// is not lost with the page), then the page goes to the LMS's return
/// address, whether or not the LRS took it (what it did not take stays
/// queued for the next launch).
fn exit(state: &Rc<RefCell<State>>, url: &str, tell: &Callback<Told>) {
    let (shared, standing) = {
        let s = state.borrow();
        (s.cmi5.clone(), s.standing.clone())
    };
    // Taken out of the state, so the page going does not end it twice.
    let Some(mut session) = shared.borrow_mut().take() else {
        return;
    };
    session.end(&standing, now_ms());
    tell.emit(Some(("returning to the LMS…".into(), false)));
    let url = url.to_string();
    let ending = Rc::new(RefCell::new(Some(session)));
    wasm_bindgen_futures::spawn_local(async move {
        let _ = cmi5_client::flush(ending, Callback::noop()).await;
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&url);
        }
    });
}

/// The page address's query.
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The session's state between its effects.
struct State {
    scorm: Option<Scorm>,
    /// cmi5's session, shared with its requests under way.
    cmi5: Rc<RefCell<Option<Cmi5Session>>>,
    /// The LMS's mastery score (SCORM), where it sets one.
    mastery: Option<f64>,
    /// What to say while nothing else is said.
    sticky: Option<LmsNotice>,
    /// The unit's standing when last reported, for the session's end.
    standing: Standing,
    started_ms: f64,
}

impl Default for State {
    fn default() -> State {
        State {
            scorm: None,
            cmi5: Rc::default(),
            mastery: None,
            sticky: None,
            standing: Standing::empty(),
            started_ms: now_ms(),
        }
    }
}

/// Connects, takes the learner's name and the work the LMS kept, and opens
/// the unit's lab.
fn start(
    launch: &Launch,
    catalog: &Catalog,
    progress: &UseReducerHandle<Progress>,
    tell: Callback<Told>,
    state: &Rc<RefCell<State>>,
    return_url: UseStateHandle<Option<String>>,
) {
    let Some(standard) = launch.standard else {
        return;
    };
    if let (Some(lab), Some(course)) = (&launch.lab, unit_course(launch, catalog)) {
        open_lab(&course.id, lab);
    }
    if standard == Standard::Cmi5 {
        let (progress, state) = (progress.clone(), state.clone());
        let started = state.borrow().started_ms;
        wasm_bindgen_futures::spawn_local(async move {
            match cmi5_client::start(&query(), &progress, started).await {
                Ok((session, told)) => {
                    return_url.set(session.return_url());
                    let shared = {
                        let mut s = state.borrow_mut();
                        s.sticky = told
                            .clone()
                            .map(|(text, problem)| LmsNotice { text, problem });
                        *s.cmi5.borrow_mut() = Some(session);
                        s.cmi5.clone()
                    };
                    let sent = cmi5_client::flush(shared, tell.clone()).await;
                    tell.emit(sent.or(told));
                }
                Err(why) => {
                    state.borrow_mut().sticky = Some(LmsNotice {
                        text: why.clone(),
                        problem: true,
                    });
                    tell.emit(Some((why, true)));
                }
            }
        });
        return;
    }
    let scorm = match Scorm::connect(standard) {
        Ok(s) => s,
        Err(why) => {
            tell.emit(Some((why, true)));
            return;
        }
    };
    let (name, id) = scorm.learner();
    if progress.learner_name.is_empty()
        && let Some(who) = name.or(id)
    {
        progress.dispatch(Action::SetLearner {
            name: who,
            email: progress.learner_email.clone(),
        });
    }
    let mastery = scorm.mastery();
    let kept = scorm.suspend_data();
    {
        let mut s = state.borrow_mut();
        s.mastery = mastery;
        s.scorm = Some(scorm);
    }
    // (`tell` reads the state: it is not borrowed here.)
    if let Some(text) = kept {
        match decode_suspend(&text) {
            Some(kept) => {
                if let Some(merged) = merge_kept(progress, kept) {
                    progress.dispatch(Action::Restore(Box::new(merged)));
                }
            }
            None => {
                let damaged = "the work the LMS kept for you could not be read (cut short or damaged?): the work in this browser is used, and the LMS's copy is replaced by it".to_string();
                state.borrow_mut().sticky = Some(LmsNotice {
                    text: damaged.clone(),
                    problem: true,
                });
                tell.emit(Some((damaged, true)));
            }
        }
    }
}

/// Reports the unit's standing and the kept work: SCORM's values and a
/// commit, or cmi5's statements and State API document.
fn report(
    launch: &Launch,
    catalog: &Catalog,
    progress: &Progress,
    tell: &Callback<Told>,
    state: &Rc<RefCell<State>>,
) {
    let Some(standard) = launch.standard else {
        return;
    };
    let Some(course) = unit_course(launch, catalog) else {
        return;
    };
    let lab = launch.lab.as_deref();
    let standing = Standing::of(course, lab, progress);
    let mut s = state.borrow_mut();
    s.standing = standing.clone();
    if standard == Standard::Cmi5 {
        let shared = s.cmi5.clone();
        drop(s);
        // Not started (yet, or for good): nothing to report to.
        if shared
            .borrow_mut()
            .as_mut()
            .map(|c| c.record(&standing, now_ms()))
            .is_none()
        {
            return;
        }
        let (course, lab, progress, tell) = (
            course.clone(),
            launch.lab.clone(),
            progress.clone(),
            tell.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            let told = cmi5_client::sync(shared, course, lab, progress, tell.clone()).await;
            tell.emit(told);
        });
        return;
    }
    let Some(scorm) = &s.scorm else {
        return;
    };
    let mut values = scorm_values(standard, &standing, s.mastery);
    let (kept, cut) = encode_suspend(course, lab, progress, super::suspend_limit(standard));
    if let Some(text) = kept {
        values.push(("cmi.suspend_data", text));
    }
    let result = scorm.report(&values);
    drop(s);
    tell.emit(match (result, cut) {
        (Err(why), _) => Some((
            format!(
                "{why}: your results did not reach it; they stay in this browser and are sent again with your next change"
            ),
            true,
        )),
        (Ok(()), true) => Some((
            "your work is more than the LMS can keep: your scores are kept there, and the code of some labs only in this browser".into(),
            false,
        )),
        (Ok(()), false) => None,
    });
}

/// Ends the session as the page goes.
fn finish(state: &Rc<RefCell<State>>) {
    let mut s = state.borrow_mut();
    let elapsed = now_ms() - s.started_ms;
    if let Some(scorm) = s.scorm.take() {
        scorm.finish(elapsed);
    }
    let standing = s.standing.clone();
    if let Some(c) = s.cmi5.borrow_mut().as_mut() {
        c.terminate(&standing, now_ms());
    }
}

/// The course of the package (it holds one): the unit's lab's, or the
/// first.
fn unit_course<'c>(launch: &Launch, catalog: &'c Catalog) -> Option<&'c crate::lab::Course> {
    match &launch.lab {
        Some(lab) => catalog
            .courses
            .iter()
            .find(|c| c.labs.iter().any(|l| l.id == *lab)),
        None => catalog.courses.first(),
    }
}

/// Shows the unit's lab, unless the learner is on a page already.
fn open_lab(course: &str, lab: &str) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let hash = location.hash().unwrap_or_default();
        if hash.is_empty() || hash == "#" || hash == "#/" {
            let _ = location.set_hash(&format!("/lab/{course}/{lab}"));
        }
    }
}

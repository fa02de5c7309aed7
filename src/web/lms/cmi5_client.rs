//! The app's cmi5 session over HTTP: the auth token from the launch's
//! `fetch`, `LMS.LaunchData` and the learner's kept work from the State
//! API, and the statements, queued in order (and in the browser's storage)
//! until the LMS's LRS accepts them. What to send is decided in `cmi5.rs`.

use super::cmi5::{self, Cmi5Launch, Kept, LaunchData, Sent, Verb};
use super::{Standing, decode_suspend, encode_suspend, merge_kept, suspend_limit};
use crate::lab::Course;
use crate::lms::Standard;
use crate::record::xapi;
use crate::web::browser::{self, NoAnswer};
use crate::web::lrs;
use crate::web::progress::{Action, Progress};
use crate::web::storage;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use yew::UseReducerHandle;

/// How long the LMS may take to answer one request.
const TIMEOUT_MS: u32 = 20_000;

/// A started session.
pub struct Cmi5Session {
    launch: Cmi5Launch,
    data: LaunchData,
    /// `Authorization` for the LMS's LRS.
    authorization: String,
    sent: Sent,
    started_ms: f64,
    /// Statements not yet accepted, oldest first.
    waiting: Vec<Value>,
    /// Failed sends in a row, for the retry delay.
    failures: u32,
    /// How many of `waiting` (its first) a send under way carries.
    in_flight: usize,
    /// Statements the LRS refused for good (a 400: it will never take
    /// them), set aside in the browser's storage so the rest go on.
    refused: usize,
    /// A batch was refused: send one statement at a time until the queue
    /// is empty, so only the refused ones are set aside.
    one_by_one: bool,
}

/// Statuses that say the LRS will never take these statements: retrying
/// would only hold back the ones after them.
fn refused_for_good(status: u16) -> bool {
    matches!(status, 400 | 409 | 413)
}

/// What the learner should be told, if anything.
pub type Told = Option<(String, bool)>;

fn waiting_key(launch: &Cmi5Launch) -> String {
    format!("sandlab.cmi5.waiting.{}", launch.registration)
}

/// Starts the session: the token, the launch data, the kept work, and the
/// `initialized` statement.
///
/// # Errors
///
/// What stopped it, for the learner: results are then not reported, and
/// the work stays in the browser.
pub async fn start(
    query: &str,
    progress: &UseReducerHandle<Progress>,
    now_ms: f64,
) -> Result<(Cmi5Session, Told), String> {
    let launch = Cmi5Launch::from_query(query)?;
    let unreachable = |what: &str, why: NoAnswer| {
        format!(
            "could not reach the LMS for {what} ({}): results are not reported; your work stays in this browser. Open the unit from the LMS again later",
            match why {
                NoAnswer::Timeout => "no answer in 20 seconds",
                NoAnswer::Network => "network error",
            }
        )
    };
    // The token is handed out once (cmi5 §8.2): never retried.
    let (status, body) = browser::http("POST", &launch.fetch, &[], None, TIMEOUT_MS)
        .await
        .map_err(|why| unreachable("the launch's auth token", why))?;
    if status != 200 {
        return Err(format!(
            "the LMS answered HTTP {status} when asked for this launch's auth token: open the unit from your LMS again"
        ));
    }
    let token = cmi5::auth_token(&body)?;
    let authorization = format!("Basic {token}");
    let headers = [
        ("Authorization", authorization.as_str()),
        ("X-Experience-API-Version", xapi::VERSION),
    ];
    let data_url = cmi5::state_url(&launch, "LMS.LaunchData");
    let (status, body) = get_retrying(&data_url, &headers)
        .await
        .map_err(|why| unreachable("the launch data", why))?;
    let data = match status {
        200 => LaunchData::parse(&body),
        404 => Err("the LMS has no launch data (LMS.LaunchData) for this launch".into()),
        s => Err(format!(
            "the LMS answered HTTP {s} for the launch data (LMS.LaunchData)"
        )),
    }
    .map_err(|why| format!("{why}: results are not reported, so that none is false; your work stays in this browser"))?;

    if progress.learner_name.is_empty()
        && let Some(name) = launch.learner()
    {
        progress.dispatch(Action::SetLearner {
            name,
            email: progress.learner_email.clone(),
        });
    }
    let mut told: Told = None;
    let mut sent = Sent::default();
    let kept_url = cmi5::state_url(&launch, cmi5::STATE_PROGRESS);
    match get_retrying(&kept_url, &headers).await {
        Ok((200, body)) => match serde_json::from_str::<Kept>(&body) {
            Ok(kept) => {
                sent = kept.sent;
                match kept.work.as_deref().map(decode_suspend) {
                    Some(Some(labs)) => {
                        if let Some(merged) = merge_kept(progress, labs) {
                            progress.dispatch(Action::Restore(Box::new(merged)));
                        }
                    }
                    Some(None) => told = Some((damaged(), true)),
                    None => {}
                }
            }
            Err(_) => told = Some((damaged(), true)),
        },
        Ok((404, _)) => {}
        Ok((s, _)) => {
            told = Some((
                format!(
                    "the LMS answered HTTP {s} for the work it keeps for you: the work in this browser is used"
                ),
                true,
            ));
        }
        Err(why) => told = Some((unreachable("the work it keeps for you", why), true)),
    }
    if !data.records_results() {
        told = Some((
            format!(
                "opened in {} mode: you can work and check, but the LMS records no results",
                data.launch_mode
            ),
            false,
        ));
    }
    let waiting: Vec<Value> = storage::local_storage()
        .ok()
        .and_then(|s| s.get_item(&waiting_key(&launch)).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let mut session = Cmi5Session {
        launch,
        data,
        authorization,
        sent,
        started_ms: now_ms,
        waiting,
        failures: 0,
        in_flight: 0,
        refused: 0,
        one_by_one: false,
    };
    session.queue(Verb::Initialized, &Standing::empty(), now_ms);
    Ok((session, told))
}

fn damaged() -> String {
    "the work the LMS kept for you could not be read (damaged?): the work in this browser is used, and the LMS's copy is replaced by it".into()
}

/// A GET, tried three times over about 6 s when there is no answer (an LMS
/// that answers slowly or is restarting).
async fn get_retrying(url: &str, headers: &[(&str, &str)]) -> Result<(u16, String), NoAnswer> {
    let mut last = NoAnswer::Network;
    for delay in [0, 2_000, 4_000] {
        if delay > 0 {
            gloo_timers::future::TimeoutFuture::new(delay).await;
        }
        match browser::http("GET", url, headers, None, TIMEOUT_MS).await {
            Ok((s, body)) if s < 500 => return Ok((s, body)),
            Ok(_) | Err(NoAnswer::Network) => last = NoAnswer::Network,
            Err(NoAnswer::Timeout) => last = NoAnswer::Timeout,
        }
    }
    Err(last)
}

impl Cmi5Session {
    fn queue(&mut self, verb: Verb, standing: &Standing, now_ms: f64) {
        let seconds = ((now_ms - self.started_ms).max(0.0) / 1000.0).round() as u64;
        let statement = cmi5::statement(
            &self.launch,
            &self.data,
            verb,
            standing,
            seconds,
            &browser::iso(now_ms),
        );
        self.waiting.push(statement);
        self.save_waiting();
    }

    fn save_waiting(&self) {
        if let Ok(s) = storage::local_storage() {
            let key = waiting_key(&self.launch);
            let _ = if self.waiting.is_empty() {
                s.remove_item(&key)
            } else {
                s.set_item(&key, &Value::Array(self.waiting.clone()).to_string())
            };
        }
    }

    /// Moves the first `count` waiting statements to the ones the LRS
    /// refused (kept in the browser's storage, never sent again).
    fn set_aside(&mut self, count: usize) {
        let refused: Vec<Value> = self
            .waiting
            .drain(..count.min(self.waiting.len()))
            .collect();
        self.refused += refused.len();
        if let Ok(s) = storage::local_storage() {
            let key = format!("sandlab.cmi5.refused.{}", self.launch.registration);
            let mut kept: Vec<Value> = s
                .get_item(&key)
                .ok()
                .flatten()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default();
            kept.extend(refused);
            let _ = s.set_item(&key, &Value::Array(kept).to_string());
        }
        self.save_waiting();
    }

    /// What to say while statements the LRS refused are set aside.
    fn refused_told(&self) -> Told {
        (self.refused > 0).then(|| {
            (
                format!(
                    "the LMS refused {} statement(s) of your results for good; they are kept in this browser (ask your instructor), and the rest were sent",
                    self.refused
                ),
                true,
            )
        })
    }

    /// Queues what the unit's standing calls for; returns whether anything
    /// was queued.
    pub fn record(&mut self, standing: &Standing, now_ms: f64) -> bool {
        let due = cmi5::due(standing, &self.data, self.sent);
        for verb in &due {
            self.queue(*verb, standing, now_ms);
            match verb {
                Verb::Passed => self.sent.passed = true,
                Verb::Completed => self.sent.completed = true,
                _ => {}
            }
        }
        !due.is_empty()
    }

    /// The State API document of the learner's work and what was sent.
    fn kept(&self, course: &Course, lab: Option<&str>, progress: &Progress) -> (String, bool) {
        let (work, cut) = encode_suspend(course, lab, progress, suspend_limit(Standard::Cmi5));
        let kept = Kept {
            format: 1,
            work,
            sent: self.sent,
        };
        (serde_json::to_string(&kept).unwrap_or_default(), cut)
    }

    /// Where the learner returns to the LMS, if the LMS said.
    pub fn return_url(&self) -> Option<String> {
        self.data.return_url.clone()
    }

    /// Ends the session for an exit the learner chose: `terminated` is
    /// queued, for [`flush`] to send before the page leaves.
    pub fn end(&mut self, standing: &Standing, now_ms: f64) {
        self.queue(Verb::Terminated, standing, now_ms);
    }

    /// Ends the session as the page goes: `terminated`, and everything
    /// waiting (but what a send under way carries already) sent with a
    /// request that outlives the page. They stay queued for the next
    /// launch too, in case this one is lost (an LRS drops a statement it
    /// holds already).
    pub fn terminate(&mut self, standing: &Standing, now_ms: f64) {
        self.queue(Verb::Terminated, standing, now_ms);
        let batch = &self.waiting[self.in_flight.min(self.waiting.len())..];
        browser::post_as_page_goes(
            &xapi::statements_url(&self.launch.endpoint),
            &[
                ("Authorization", &self.authorization),
                ("X-Experience-API-Version", xapi::VERSION),
                ("Content-Type", "application/json"),
            ],
            &Value::Array(batch.to_vec()).to_string(),
        );
    }
}

/// Saves the learner's work to the State API and sends what waits;
/// returns what to tell the learner. The session is borrowed only between
/// requests.
pub async fn sync(
    session: Rc<RefCell<Option<Cmi5Session>>>,
    course: Course,
    lab: Option<String>,
    progress: Progress,
    tell: yew::Callback<Told>,
) -> Told {
    let (kept_url, kept, cut, authorization) = {
        let guard = session.borrow();
        let s = guard.as_ref()?;
        let (kept, cut) = s.kept(&course, lab.as_deref(), &progress);
        (
            cmi5::state_url(&s.launch, cmi5::STATE_PROGRESS),
            kept,
            cut,
            s.authorization.clone(),
        )
    };
    let headers = [
        ("Authorization", authorization.as_str()),
        ("X-Experience-API-Version", xapi::VERSION),
        ("Content-Type", "application/json"),
    ];
    let saved = browser::http("PUT", &kept_url, &headers, Some(&kept), TIMEOUT_MS).await;
    let mut told = match saved {
        Ok((s, _)) if (200..300).contains(&s) => None,
        Ok((s, body)) => Some((
            format!(
                "the LMS did not keep your work (HTTP {s}: {}): it stays in this browser",
                body.chars().take(200).collect::<String>()
            ),
            true,
        )),
        Err(_) => Some((
            "the LMS did not answer when keeping your work: it stays in this browser and is saved again with your next change".into(),
            true,
        )),
    };
    if told.is_none() && cut {
        told = Some((
            "your work is more than the LMS keeps: the code of some labs stays only in this browser".into(),
            false,
        ));
    }
    flush(session, tell).await.or(told)
}

/// Sends every waiting statement, oldest first; on failure they stay
/// queued and a retry is scheduled (5 s, doubling, at most a minute),
/// whose outcome goes to `tell`.
pub async fn flush(session: Rc<RefCell<Option<Cmi5Session>>>, tell: yew::Callback<Told>) -> Told {
    let (endpoint, authorization, batch) = {
        let mut guard = session.borrow_mut();
        let s = guard.as_mut()?;
        if s.in_flight > 0 || s.waiting.is_empty() {
            return None;
        }
        let size = if s.one_by_one { 1 } else { xapi::BATCH };
        let batch: Vec<Value> = s.waiting.iter().take(size).cloned().collect();
        s.in_flight = batch.len();
        (s.launch.endpoint.clone(), s.authorization.clone(), batch)
    };
    let result = lrs::post_statements(&endpoint, Some(&authorization), &batch).await;
    // (more to send, or the retry's delay and how many wait)
    let outcome = {
        let mut guard = session.borrow_mut();
        let s = guard.as_mut()?;
        s.in_flight = 0;
        match &result {
            Ok(()) => {
                s.waiting.drain(..batch.len().min(s.waiting.len()));
                s.failures = 0;
                s.save_waiting();
                s.one_by_one &= !s.waiting.is_empty();
                Ok(!s.waiting.is_empty())
            }
            // A batch refused: find the statements refused, one by one.
            Err((_, Some(status))) if refused_for_good(*status) && batch.len() > 1 => {
                s.one_by_one = true;
                Ok(true)
            }
            Err((_, Some(status))) if refused_for_good(*status) => {
                s.set_aside(batch.len());
                s.failures = 0;
                s.one_by_one &= !s.waiting.is_empty();
                Ok(!s.waiting.is_empty())
            }
            Err(_) => {
                let delay = 5_000u32.saturating_mul(1 << s.failures.min(4)).min(60_000);
                s.failures += 1;
                Err((delay, s.waiting.len()))
            }
        }
    };
    let refused = || {
        session
            .borrow()
            .as_ref()
            .and_then(Cmi5Session::refused_told)
    };
    match (outcome, result) {
        (Ok(true), _) => {
            let told = Box::pin(flush(session.clone(), tell)).await;
            told.or_else(refused)
        }
        (Ok(false), _) => refused(),
        (Err((delay, count)), Err((why, _))) => {
            let again = session.clone();
            gloo_timers::callback::Timeout::new(delay, move || {
                wasm_bindgen_futures::spawn_local(async move {
                    let told = flush(again, tell.clone()).await;
                    tell.emit(told);
                });
            })
            .forget();
            Some((
                format!(
                    "your results did not reach the LMS ({why}): {count} statement(s) wait in this browser and are sent again in {} s",
                    delay / 1000
                ),
                true,
            ))
        }
        (Err(_), Ok(())) => None,
    }
}

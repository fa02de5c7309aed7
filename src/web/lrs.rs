//! Sending xAPI statements to a course's Learning Record Store from the
//! browser: the saved outbox and keys, the POST itself, and the retry
//! schedule. The queueing rules are in [`super::outbox`].

use super::outbox::{self, Key, Keys, Outbox};
use super::{browser, storage};
use crate::record::xapi;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// How long a send may take before it counts as failed.
const TIMEOUT_MS: u32 = 30_000;

thread_local! {
    /// The outbox when browser storage is unavailable: it then lasts as long
    /// as the tab, and the learner is told so.
    static MEMORY: RefCell<Option<Outbox>> = const { RefCell::new(None) };
    /// Per endpoint: failures in a row and when to try next (ms since epoch).
    static SCHEDULE: RefCell<BTreeMap<String, (u32, f64)>> = RefCell::default();
    /// Endpoints with a send under way, so two never overlap.
    static SENDING: RefCell<Vec<String>> = RefCell::default();
}

/// The saved outbox. A damaged one is copied aside, never dropped.
pub fn load() -> Outbox {
    if let Some(o) = MEMORY.with(|m| m.borrow().clone()) {
        return o;
    }
    let Ok(store) = storage::local_storage() else {
        return Outbox::default();
    };
    match store.get_item(outbox::KEY).ok().flatten() {
        None => Outbox::default(),
        Some(text) => Outbox::load(&text).unwrap_or_else(|_| {
            let _ = storage::keep_aside(&store, outbox::KEY, &text);
            Outbox::default()
        }),
    }
}

/// Changes the outbox as saved now (re-read first, so another tab's
/// statements are kept). Falls back to memory if storage fails.
///
/// # Errors
///
/// Storage failed: the outbox then lives in this tab only.
pub fn update(change: impl FnOnce(&mut Outbox)) -> Result<(), String> {
    let mut o = load();
    change(&mut o);
    let saved = storage::local_storage().and_then(|s| {
        s.set_item(outbox::KEY, &o.save())
            .map_err(|_| "browser storage is full or blocked".to_string())
    });
    match saved {
        Ok(()) => {
            MEMORY.with(|m| *m.borrow_mut() = None);
            Ok(())
        }
        Err(e) => {
            MEMORY.with(|m| *m.borrow_mut() = Some(o));
            Err(format!(
                "{e}: the statements are kept in this tab only until it is closed"
            ))
        }
    }
}

pub fn keys() -> Keys {
    storage::local_storage()
        .ok()
        .and_then(|s| s.get_item(outbox::CREDENTIALS_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn set_key(endpoint: &str, key: Option<Key>) {
    let mut all = keys();
    match key {
        Some(k) => all.insert(endpoint.to_string(), k),
        None => all.remove(endpoint),
    };
    if let Ok(s) = storage::local_storage() {
        let _ = s.set_item(
            outbox::CREDENTIALS_KEY,
            &serde_json::to_string(&all).unwrap_or_default(),
        );
    }
}

/// Whether a retry of `endpoint` is due.
pub fn due(endpoint: &str) -> bool {
    let now = storage::now_ms();
    SCHEDULE.with(|s| s.borrow().get(endpoint).is_none_or(|(_, at)| now >= *at))
        && !SENDING.with(|s| s.borrow().iter().any(|e| e == endpoint))
}

/// Makes every retry due now (the browser came back online).
pub fn retry_all_now() {
    SCHEDULE.with(|s| {
        for (_, at) in s.borrow_mut().values_mut() {
            *at = 0.0;
        }
    });
}

/// The outcome of [`flush`].
pub enum Flushed {
    /// Everything waiting was accepted.
    Sent(usize),
    /// Some were refused or unreachable; they stay queued.
    Failed {
        message: String,
        sent: usize,
        retry_in_ms: u32,
    },
    /// Another send to this endpoint is under way.
    Busy,
}

/// Sends everything waiting for `endpoint`, batch by batch; each batch
/// leaves the outbox only once the LRS accepted it.
pub async fn flush(endpoint: &str, key: Option<&Key>) -> Flushed {
    if SENDING.with(|s| s.borrow().iter().any(|e| e == endpoint)) {
        return Flushed::Busy;
    }
    SENDING.with(|s| s.borrow_mut().push(endpoint.to_string()));
    let mut sent = 0;
    let result = loop {
        let batch = load().batch(endpoint);
        if batch.is_empty() {
            break Ok(());
        }
        if let Err(e) = post(endpoint, key, &batch).await {
            break Err(e);
        }
        // Saved storage failing here only means a harmless re-send later.
        let _ = update(|o| o.remove(endpoint, &batch));
        sent += batch.len();
    };
    SENDING.with(|s| s.borrow_mut().retain(|e| e != endpoint));
    match result {
        Ok(()) => {
            SCHEDULE.with(|s| s.borrow_mut().remove(endpoint));
            Flushed::Sent(sent)
        }
        Err(message) => {
            let retry_in_ms = SCHEDULE.with(|s| {
                let mut s = s.borrow_mut();
                let entry = s.entry(endpoint.to_string()).or_insert((0, 0.0));
                let delay = outbox::retry_delay_ms(entry.0);
                entry.0 += 1;
                entry.1 = storage::now_ms() + f64::from(delay);
                delay
            });
            Flushed::Failed {
                message,
                sent,
                retry_in_ms,
            }
        }
    }
}

async fn post(endpoint: &str, key: Option<&Key>, batch: &[Value]) -> Result<(), String> {
    let authorization = key.map(|k| xapi::basic_auth(&k.key, &k.secret));
    post_statements(endpoint, authorization.as_deref(), batch)
        .await
        .map_err(|(message, _)| message)
}

/// POSTs `batch` to the LRS at `endpoint`, with `authorization` as the
/// header's value (basic auth, or a cmi5 LMS's token).
///
/// # Errors
///
/// No answer, or a refusal, said for a person, with the HTTP status of a
/// refusal.
pub async fn post_statements(
    endpoint: &str,
    authorization: Option<&str>,
    batch: &[Value],
) -> Result<(), (String, Option<u16>)> {
    let url = xapi::statements_url(endpoint);
    let mut headers = vec![
        ("Content-Type", "application/json"),
        ("X-Experience-API-Version", xapi::VERSION),
    ];
    if let Some(a) = authorization {
        headers.push(("Authorization", a));
    }
    let body = Value::Array(batch.to_vec()).to_string();
    match browser::http("POST", &url, &headers, Some(&body), TIMEOUT_MS).await {
        Ok((status, _)) if (200..300).contains(&status) => Ok(()),
        Ok((status, body)) => Err((xapi::refusal(&url, status, &body), Some(status))),
        Err(why) => Err((
            format!(
                "could not reach the LRS at {url} ({}: offline, the server is down, or it does not accept requests from this site)",
                match why {
                    browser::NoAnswer::Timeout => "no answer within 30 seconds",
                    browser::NoAnswer::Network => "network error",
                }
            ),
            None,
        )),
    }
}

/// What the Results page shows about each LRS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LrsView {
    pub endpoints: BTreeMap<String, EndpointView>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointView {
    /// Statements in the outbox.
    pub waiting: usize,
    pub sending: bool,
    /// The last outcome, and whether it was a success.
    pub message: Option<(String, bool)>,
    /// Sends finished, so a watcher can tell a new outcome from the last.
    pub finished: u32,
}

pub enum LrsAction {
    /// Re-read the outbox's counts.
    Refresh,
    Sending(String),
    Done(String, String, bool),
}

impl LrsView {
    pub fn load() -> LrsView {
        let mut view = LrsView::default();
        view.refresh();
        view
    }

    fn refresh(&mut self) {
        let o = load();
        for v in self.endpoints.values_mut() {
            v.waiting = 0;
        }
        for (endpoint, list) in &o.waiting {
            self.endpoints.entry(endpoint.clone()).or_default().waiting = list.len();
        }
    }
}

impl yew::Reducible for LrsView {
    type Action = LrsAction;

    fn reduce(self: std::rc::Rc<Self>, action: LrsAction) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            LrsAction::Refresh => {}
            LrsAction::Sending(endpoint) => {
                next.endpoints.entry(endpoint).or_default().sending = true;
            }
            LrsAction::Done(endpoint, message, ok) => {
                let e = next.endpoints.entry(endpoint).or_default();
                e.sending = false;
                e.message = Some((message, ok));
                e.finished += 1;
            }
        }
        next.refresh();
        std::rc::Rc::new(next)
    }
}

/// Sends what waits for `endpoint` and reports the outcome to `view`.
pub fn send(endpoint: String, key: Option<Key>, view: yew::UseReducerHandle<LrsView>) {
    view.dispatch(LrsAction::Sending(endpoint.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        let (message, ok) = match flush(&endpoint, key.as_ref()).await {
            Flushed::Sent(n) => (format!("Sent {n} statement(s) to {endpoint}."), true),
            Flushed::Busy => return,
            Flushed::Failed {
                message,
                sent,
                retry_in_ms,
            } => {
                let waiting = load().count(&endpoint);
                let sent = if sent > 0 {
                    format!("{sent} statement(s) were sent; ")
                } else {
                    String::new()
                };
                (
                    format!(
                        "Could not send: {message}. {sent}{waiting} statement(s) are kept in this browser and will be sent automatically (next try in {}).",
                        minutes(retry_in_ms)
                    ),
                    false,
                )
            }
        };
        view.dispatch(LrsAction::Done(endpoint, message, ok));
    });
}

fn minutes(ms: u32) -> String {
    let s = ms / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min", s / 60)
    }
}

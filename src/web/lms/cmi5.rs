//! cmi5, decided here (pure, tested natively): the launch parameters the
//! LMS puts in the app's address, its launch data (`LMS.LaunchData` from
//! the State API), which statements a unit's standing calls for, and the
//! statements themselves with the context the cmi5 profile requires.
//! `cmi5_client.rs` does the HTTP.

use super::Standing;
use crate::record::xapi;
use serde_json::{Value, json};

/// The launch parameters (cmi5 §8.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Cmi5Launch {
    /// The LRS (the LMS's xAPI endpoint).
    pub endpoint: String,
    /// Where the auth token is fetched, once.
    pub fetch: String,
    /// The learner, as an xAPI agent.
    pub actor: Value,
    pub registration: String,
    /// The unit (AU) as the LMS knows it: every statement's object.
    pub activity_id: String,
}

impl Cmi5Launch {
    /// From the page address's query.
    ///
    /// # Errors
    ///
    /// The parameters missing or unreadable, named for the learner.
    pub fn from_query(query: &str) -> Result<Cmi5Launch, String> {
        let mut found = std::collections::BTreeMap::new();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = value.replace('+', " ");
            let value = percent_encoding::percent_decode_str(&value)
                .decode_utf8_lossy()
                .into_owned();
            found.insert(key.to_string(), value);
        }
        let missing: Vec<&str> = ["endpoint", "fetch", "actor", "registration", "activityId"]
            .into_iter()
            .filter(|k| found.get(*k).is_none_or(|v| v.is_empty()))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "this page was opened as a cmi5 unit without {} in its address: open it from your LMS again (your work stays in this browser meanwhile)",
                missing.join(", ")
            ));
        }
        let actor: Value = serde_json::from_str(&found["actor"]).map_err(|_| {
            "the LMS gave a learner (actor) that is not JSON: open the unit from your LMS again"
                .to_string()
        })?;
        if !actor.is_object() {
            return Err("the LMS gave a learner (actor) that is not an xAPI agent".into());
        }
        Ok(Cmi5Launch {
            endpoint: found["endpoint"].clone(),
            fetch: found["fetch"].clone(),
            actor,
            registration: found["registration"].clone(),
            activity_id: found["activityId"].clone(),
        })
    }

    /// The learner's name (or account name), as the LMS knows them.
    pub fn learner(&self) -> Option<String> {
        self.actor
            .get("name")
            .or_else(|| self.actor.pointer("/account/name"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|n| !n.is_empty())
    }
}

/// What the LMS's answer to `fetch` says: the token, or why there is none
/// (cmi5 §8.2.3: error 1 for a token already handed out or expired).
///
/// # Errors
///
/// The LMS's refusal or an unreadable answer, for the learner.
pub fn auth_token(body: &str) -> Result<String, String> {
    let answer: Value = serde_json::from_str(body)
        .map_err(|_| "the LMS's answer to the launch's fetch is not JSON".to_string())?;
    if let Some(token) = answer.get("auth-token").and_then(Value::as_str) {
        return Ok(token.to_string());
    }
    let code = answer
        .get("error-code")
        .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_string))
        .unwrap_or_default();
    let text = answer
        .get("error-text")
        .and_then(Value::as_str)
        .unwrap_or("no reason given");
    let hint = match code.as_str() {
        "1" => "this launch was used already or has expired: open the unit from your LMS again",
        "2" => "the LMS refused it for security reasons",
        _ => "the LMS could not give one",
    };
    Err(format!(
        "the LMS gave no auth token for this launch ({hint}; error {code}: {text})"
    ))
}

/// `LMS.LaunchData` (cmi5 §10), the parts the app uses.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchData {
    /// Merged into every statement's context: the session id, the
    /// publisher's id of the unit.
    pub context_template: Value,
    /// `Normal`, `Browse` or `Review`: only Normal records results.
    pub launch_mode: String,
    pub mastery_score: Option<f64>,
    pub move_on: String,
    /// Where the AU goes when the learner exits (§10: it must, if given).
    pub return_url: Option<String>,
}

impl LaunchData {
    /// # Errors
    ///
    /// Not a launch data document, or one lacking a required part.
    pub fn parse(body: &str) -> Result<LaunchData, String> {
        let bad = |what: &str| format!("the LMS's launch data (LMS.LaunchData) {what}");
        let doc: Value = serde_json::from_str(body).map_err(|_| bad("is not JSON"))?;
        let context_template = doc
            .get("contextTemplate")
            .filter(|c| c.is_object())
            .cloned()
            .ok_or_else(|| bad("has no contextTemplate"))?;
        let launch_mode = doc
            .get("launchMode")
            .and_then(Value::as_str)
            .filter(|m| ["Normal", "Browse", "Review"].contains(m))
            .ok_or_else(|| bad("has no launchMode of Normal, Browse or Review"))?
            .to_string();
        let move_on = doc
            .get("moveOn")
            .and_then(Value::as_str)
            .unwrap_or("NotApplicable")
            .to_string();
        let mastery_score = match doc.get("masteryScore") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_f64()
                    .filter(|m| (0.0..=1.0).contains(m))
                    .ok_or_else(|| bad("has a masteryScore that is not a number from 0 to 1"))?,
            ),
        };
        let return_url = doc
            .get("returnURL")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        Ok(LaunchData {
            context_template,
            launch_mode,
            mastery_score,
            move_on,
            return_url,
        })
    }

    /// Results count only in Normal mode (§10.0).
    pub fn records_results(&self) -> bool {
        self.launch_mode == "Normal"
    }
}

/// The verbs the app sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Initialized,
    Passed,
    Completed,
    Terminated,
}

impl Verb {
    fn id(self) -> &'static str {
        match self {
            Verb::Initialized => "http://adlnet.gov/expapi/verbs/initialized",
            Verb::Passed => xapi::VERB_PASSED,
            Verb::Completed => xapi::VERB_COMPLETED,
            Verb::Terminated => "http://adlnet.gov/expapi/verbs/terminated",
        }
    }

    fn display(self) -> &'static str {
        match self {
            Verb::Initialized => "initialized",
            Verb::Passed => "passed",
            Verb::Completed => "completed",
            Verb::Terminated => "terminated",
        }
    }
}

/// What was sent in this registration already (passed and completed are
/// sent once per registration, §9.3.2-3); kept in the State API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sent {
    pub passed: bool,
    pub completed: bool,
}

/// The statements `standing` calls for that were not sent yet, in the order
/// to send them. Passed: the mastery score reached (when the LMS sets one)
/// or else every lab passed; completed: every lab passed. Never failed: a
/// learner can always go on working, and a `failed` would be a judgement
/// the unit never made.
pub fn due(standing: &Standing, data: &LaunchData, sent: Sent) -> Vec<Verb> {
    if !data.records_results() {
        return Vec::new();
    }
    let passed = match data.mastery_score {
        Some(m) => standing.max > 0 && standing.scaled() + 1e-9 >= m,
        None => standing.all_passed,
    };
    let mut verbs = Vec::new();
    if passed && !sent.passed {
        verbs.push(Verb::Passed);
    }
    if standing.all_passed && !sent.completed {
        verbs.push(Verb::Completed);
    }
    verbs
}

/// A statement of `verb` for this launch: the context template with the
/// registration and cmi5's categories (§9.6), the result the verb needs
/// (§9.5: score and success for passed, completion for completed, duration
/// for all but initialized), a content-derived id.
pub fn statement(
    launch: &Cmi5Launch,
    data: &LaunchData,
    verb: Verb,
    standing: &Standing,
    session_seconds: u64,
    timestamp: &str,
) -> Value {
    let mut context = data.context_template.clone();
    context["registration"] = json!(launch.registration);
    let mut categories = vec![json!({ "id": CATEGORY_CMI5 })];
    if matches!(verb, Verb::Passed | Verb::Completed) {
        categories.push(json!({ "id": CATEGORY_MOVEON }));
    }
    let activities = &mut context["contextActivities"];
    if !activities.is_object() {
        *activities = json!({});
    }
    let category = &mut activities["category"];
    match category {
        Value::Array(list) => list.extend(categories),
        _ => *category = Value::Array(categories),
    }
    if verb == Verb::Passed
        && let Some(m) = data.mastery_score
    {
        let extensions = &mut context["extensions"];
        if !extensions.is_object() {
            *extensions = json!({});
        }
        extensions[EXT_MASTERY] = json!(m);
    }
    let duration = xapi::duration(session_seconds);
    let result = match verb {
        Verb::Initialized => None,
        Verb::Passed => Some(json!({
            "score": {
                "scaled": standing.scaled(),
                "raw": standing.raw,
                "min": 0,
                "max": standing.max,
            },
            "success": true,
            "duration": duration,
        })),
        Verb::Completed => Some(json!({ "completion": true, "duration": duration })),
        Verb::Terminated => Some(json!({ "duration": duration })),
    };
    let mut statement = json!({
        "actor": launch.actor,
        "verb": { "id": verb.id(), "display": { "en-US": verb.display() } },
        "object": { "objectType": "Activity", "id": launch.activity_id },
        "context": context,
        "timestamp": timestamp,
    });
    if let Some(r) = result {
        statement["result"] = r;
    }
    xapi::with_id(statement)
}

pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
pub const EXT_MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

/// The State API document the app keeps the learner's work in, beside
/// what was sent.
pub const STATE_PROGRESS: &str = "https://sandlab.dev/xapi/state/progress";

/// That document: the work (as in SCORM's suspend_data) and [`Sent`].
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    pub format: u32,
    #[serde(default)]
    pub work: Option<String>,
    #[serde(default)]
    pub sent: Sent,
}

/// The address of a State API document for this launch.
pub fn state_url(launch: &Cmi5Launch, state_id: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "{}/activities/state?stateId={}&activityId={}&agent={}&registration={}",
        launch.endpoint.trim_end_matches('/'),
        enc(state_id),
        enc(&launch.activity_id),
        enc(&launch.actor.to_string()),
        enc(&launch.registration)
    )
}

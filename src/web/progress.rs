//! The learner's progress: code, attempts, scores and hints per lab, the
//! reducer that changes it, and the versioned form it is saved in.
//!
//! Pure: timestamps come in with the actions, and saving and loading the
//! text is the storage module's job. The saved form (`Stored`) is its own
//! serde type with a `schema` number, converted explicitly, so the in-memory
//! model can change without breaking what browsers already hold.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// The saved-state schema this build writes.
pub const SCHEMA: u32 = 1;

/// Where a lab stands for the learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabStatus {
    NotStarted,
    InProgress,
    Passed,
}

impl LabStatus {
    pub fn label(self) -> &'static str {
        match self {
            LabStatus::NotStarted => "not started",
            LabStatus::InProgress => "in progress",
            LabStatus::Passed => "passed",
        }
    }
}

/// One lab's progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabProgress {
    /// The learner's code; `None` until they first edit (the starter shows).
    pub code: Option<String>,
    /// The code before the last Reset, for Undo.
    pub before_reset: Option<String>,
    /// An uploaded module (wasm labs): file name and bytes.
    pub upload: Option<(String, Vec<u8>)>,
    pub attempts: u32,
    pub best_score: u32,
    pub max_score: u32,
    pub passed: bool,
    pub hints_shown: u32,
    /// Milliseconds since the Unix epoch.
    pub first_attempt: Option<f64>,
    pub last_attempt: Option<f64>,
    /// Milliseconds the learner spent working on the lab: its page visible
    /// and focused, with input in the last two minutes.
    pub active_ms: f64,
}

impl LabProgress {
    /// Time spent, for results and records: active time; for progress saved
    /// before active time was measured, the span from first to last Check.
    pub fn time_spent_seconds(&self) -> u64 {
        if self.active_ms > 0.0 {
            return (self.active_ms / 1000.0) as u64;
        }
        match (self.first_attempt, self.last_attempt) {
            (Some(a), Some(b)) if b >= a => ((b - a) / 1000.0) as u64,
            _ => 0,
        }
    }

    pub fn status(&self) -> LabStatus {
        if self.passed {
            LabStatus::Passed
        } else if self.attempts > 0 || self.code.is_some() || self.upload.is_some() {
            LabStatus::InProgress
        } else {
            LabStatus::NotStarted
        }
    }
}

/// Whether the last save reached browser storage.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageStatus {
    /// Nothing to save yet.
    Idle,
    /// Changes are waiting for the debounced save.
    Pending,
    Saved {
        persistent: bool,
    },
    /// The last save failed; changes live only in this tab until it works.
    Failed(String),
}

/// Everything the app keeps about the learner.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// By `course-id/lab-id`.
    pub labs: BTreeMap<String, LabProgress>,
    /// Dark theme chosen by the learner; `None` follows the system.
    pub dark: Option<bool>,
    /// The learner's name or id, and optional email, for records.
    pub learner_name: String,
    pub learner_email: String,
    /// Bumped by every change that must be saved.
    pub revision: u64,
    pub storage: StorageStatus,
    /// Messages for the learner about their saved state (kept-aside copies…).
    pub notices: Vec<String>,
    /// Whether browser storage grants persistence.
    pub persistent: bool,
    /// Set when saved state could neither be read nor kept aside: saving
    /// would overwrite it, so nothing is saved this session. No action
    /// clears it.
    pub saves_blocked: Option<String>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            labs: BTreeMap::new(),
            dark: None,
            learner_name: String::new(),
            learner_email: String::new(),
            revision: 0,
            storage: StorageStatus::Idle,
            notices: Vec::new(),
            persistent: false,
            saves_blocked: None,
        }
    }
}

impl Progress {
    pub fn lab(&self, key: &str) -> LabProgress {
        self.labs.get(key).cloned().unwrap_or_default()
    }
}

/// The key of a lab in progress and storage.
pub fn lab_key(course: &str, lab: &str) -> String {
    format!("{course}/{lab}")
}

/// Everything that changes progress.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Edit {
        key: String,
        code: String,
    },
    Upload {
        key: String,
        name: String,
        bytes: Vec<u8>,
    },
    /// A Check finished.
    Graded {
        key: String,
        score: u32,
        max: u32,
        passed: bool,
        at: f64,
    },
    RevealHint {
        key: String,
        total: u32,
    },
    /// The learner worked on a lab for `ms` more milliseconds.
    Active {
        key: String,
        ms: f64,
    },
    /// Restore the starter, keeping the current code for Undo.
    Reset {
        key: String,
    },
    UndoReset {
        key: String,
    },
    SetDark(bool),
    SetLearner {
        name: String,
        email: String,
    },
    Storage(StorageStatus),
    Persistent(bool),
    Notice(String),
    DismissNotice(usize),
}

impl Reducible for Progress {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut changed = true;
        match action {
            Action::Edit { key, code } => {
                let lab = next.labs.entry(key).or_default();
                if lab.code.as_deref() == Some(code.as_str()) {
                    return self;
                }
                lab.code = Some(code);
            }
            Action::Upload { key, name, bytes } => {
                next.labs.entry(key).or_default().upload = Some((name, bytes));
            }
            Action::Graded {
                key,
                score,
                max,
                passed,
                at,
            } => {
                let lab = next.labs.entry(key).or_default();
                lab.attempts += 1;
                lab.max_score = max;
                lab.best_score = lab.best_score.max(score);
                lab.passed |= passed;
                lab.first_attempt.get_or_insert(at);
                lab.last_attempt = Some(at);
            }
            Action::Active { key, ms } => {
                next.labs.entry(key).or_default().active_ms += ms;
            }
            Action::RevealHint { key, total } => {
                let lab = next.labs.entry(key).or_default();
                lab.hints_shown = (lab.hints_shown + 1).min(total);
            }
            Action::Reset { key } => {
                let lab = next.labs.entry(key).or_default();
                lab.before_reset = lab.code.take();
            }
            Action::UndoReset { key } => {
                let lab = next.labs.entry(key).or_default();
                if let Some(code) = lab.before_reset.take() {
                    lab.code = Some(code);
                }
            }
            Action::SetDark(dark) => next.dark = Some(dark),
            Action::SetLearner { name, email } => {
                next.learner_name = name;
                next.learner_email = email;
            }
            Action::Storage(status) => {
                next.storage = status;
                changed = false;
            }
            Action::Persistent(p) => {
                next.persistent = p;
                changed = false;
            }
            Action::Notice(text) => {
                next.notices.push(text);
                changed = false;
            }
            Action::DismissNotice(i) => {
                if i < next.notices.len() {
                    next.notices.remove(i);
                }
                changed = false;
            }
        }
        if changed {
            next.revision += 1;
            next.storage = match &next.saves_blocked {
                Some(why) => StorageStatus::Failed(why.clone()),
                None => StorageStatus::Pending,
            };
        }
        Rc::new(next)
    }
}

// ---------------------------------------------------------------------------
// The saved form.

#[derive(Serialize, Deserialize)]
struct Stored {
    schema: u32,
    #[serde(default)]
    labs: BTreeMap<String, StoredLab>,
    #[serde(default)]
    dark: Option<bool>,
    #[serde(default)]
    learner_name: String,
    #[serde(default)]
    learner_email: String,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct StoredLab {
    code: Option<String>,
    before_reset: Option<String>,
    upload_name: Option<String>,
    /// Never written any more: uploads live under their own key (see
    /// [`upload_key`]) so a large module cannot stop everything else from
    /// being saved. Still read, for state saved before that.
    #[serde(skip_serializing)]
    upload_hex: Option<String>,
    attempts: u32,
    best_score: u32,
    max_score: u32,
    passed: bool,
    hints_shown: u32,
    first_attempt: Option<f64>,
    last_attempt: Option<f64>,
    /// Added within schema 1: absent (0) in state saved before it.
    active_ms: f64,
}

/// Serialises what must survive a reload.
pub fn save(progress: &Progress) -> String {
    let stored = Stored {
        schema: SCHEMA,
        dark: progress.dark,
        learner_name: progress.learner_name.clone(),
        learner_email: progress.learner_email.clone(),
        labs: progress
            .labs
            .iter()
            .map(|(k, l)| {
                (
                    k.clone(),
                    StoredLab {
                        code: l.code.clone(),
                        before_reset: l.before_reset.clone(),
                        upload_name: l.upload.as_ref().map(|(n, _)| n.clone()),
                        upload_hex: None,
                        attempts: l.attempts,
                        best_score: l.best_score,
                        max_score: l.max_score,
                        passed: l.passed,
                        hints_shown: l.hints_shown,
                        first_attempt: l.first_attempt,
                        last_attempt: l.last_attempt,
                        active_ms: l.active_ms,
                    },
                )
            })
            .collect(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Why saved text could not be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not JSON of any schema we know: damaged.
    Corrupt(String),
    /// Written by a newer sandlab: kept as it is, not overwritten.
    Newer(u32),
}

/// Restores saved progress, migrating older schemas.
///
/// # Errors
///
/// The text is damaged or from a newer version; the caller keeps it aside.
pub fn load(text: &str) -> Result<Progress, LoadError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| LoadError::Corrupt(e.to_string()))?;
    let schema = value
        .get("schema")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| LoadError::Corrupt("no schema number".into()))? as u32;
    if schema > SCHEMA {
        return Err(LoadError::Newer(schema));
    }
    // Schema 1 is the first; later versions add migrations here, oldest first.
    let stored: Stored =
        serde_json::from_value(value).map_err(|e| LoadError::Corrupt(e.to_string()))?;
    let mut progress = Progress {
        dark: stored.dark,
        learner_name: stored.learner_name,
        learner_email: stored.learner_email,
        ..Progress::default()
    };
    for (key, l) in stored.labs {
        let upload = match (l.upload_name, l.upload_hex) {
            (Some(name), Some(h)) => Some((
                name,
                unhex(&h).ok_or_else(|| LoadError::Corrupt(format!("{key}: damaged upload")))?,
            )),
            // The bytes are under their own key: the caller fills them in.
            (Some(name), None) => Some((name, Vec::new())),
            _ => None,
        };
        progress.labs.insert(
            key,
            LabProgress {
                code: l.code,
                before_reset: l.before_reset,
                upload,
                attempts: l.attempts,
                best_score: l.best_score,
                max_score: l.max_score,
                passed: l.passed,
                hints_shown: l.hints_shown,
                first_attempt: l.first_attempt,
                last_attempt: l.last_attempt,
                active_ms: l.active_ms,
            },
        );
    }
    Ok(progress)
}

/// Where an uploaded module's bytes are stored, apart from the rest.
pub fn upload_key(lab_key: &str) -> String {
    format!("sandlab:upload:{lab_key}")
}

/// An upload's bytes as stored text.
pub fn encode_upload(bytes: &[u8]) -> String {
    hex(bytes)
}

/// Reads [`encode_upload`] back; `None` if damaged.
pub fn decode_upload(text: &str) -> Option<Vec<u8>> {
    unhex(text)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(p: Progress, actions: Vec<Action>) -> Progress {
        let mut rc = Rc::new(p);
        for a in actions {
            rc = rc.reduce(a);
        }
        (*rc).clone()
    }

    #[test]
    fn status_follows_edits_and_passes() {
        let key = lab_key("c", "l");
        let p = Progress::default();
        assert_eq!(p.lab(&key).status(), LabStatus::NotStarted);
        let p = apply(
            p,
            vec![Action::Edit {
                key: key.clone(),
                code: "(module)".into(),
            }],
        );
        assert_eq!(p.lab(&key).status(), LabStatus::InProgress);
        let p = apply(
            p,
            vec![
                Action::Graded {
                    key: key.clone(),
                    score: 3,
                    max: 5,
                    passed: false,
                    at: 10.0,
                },
                Action::Graded {
                    key: key.clone(),
                    score: 5,
                    max: 5,
                    passed: true,
                    at: 20.0,
                },
                Action::Graded {
                    key: key.clone(),
                    score: 1,
                    max: 5,
                    passed: false,
                    at: 30.0,
                },
            ],
        );
        let lab = p.lab(&key);
        assert_eq!(lab.status(), LabStatus::Passed, "a pass is kept");
        assert_eq!((lab.attempts, lab.best_score), (3, 5));
        assert_eq!(
            (lab.first_attempt, lab.last_attempt),
            (Some(10.0), Some(30.0))
        );
    }

    #[test]
    fn time_spent_is_active_time_and_survives_a_reload() {
        let key = lab_key("c", "l");
        let graded = |at: f64| Action::Graded {
            key: key.clone(),
            score: 0,
            max: 1,
            passed: false,
            at,
        };
        // Before active time was measured: the span between Checks.
        let p = apply(
            Progress::default(),
            vec![graded(1_000.0), graded(601_000.0)],
        );
        assert_eq!(p.lab(&key).time_spent_seconds(), 600);
        // Measured: a day between two Checks counts only the working time.
        let active = || Action::Active {
            key: key.clone(),
            ms: 15_000.0,
        };
        let p = apply(p, vec![active(), active(), graded(86_400_000.0)]);
        assert_eq!(p.lab(&key).time_spent_seconds(), 30);
        let back = load(&save(&p)).expect("loads");
        assert_eq!(back.lab(&key).time_spent_seconds(), 30);
        // State saved before the field existed reads as 0 active time.
        let old =
            r#"{"schema":1,"labs":{"c/l":{"attempts":1,"first_attempt":0,"last_attempt":5000}}}"#;
        assert_eq!(
            load(old).expect("old state").lab(&key).time_spent_seconds(),
            5
        );
    }

    #[test]
    fn reset_can_be_undone() {
        let key = lab_key("c", "l");
        let p = apply(
            Progress::default(),
            vec![
                Action::Edit {
                    key: key.clone(),
                    code: "mine".into(),
                },
                Action::Reset { key: key.clone() },
            ],
        );
        assert_eq!(p.lab(&key).code, None, "starter shows again");
        let p = apply(p, vec![Action::UndoReset { key: key.clone() }]);
        assert_eq!(p.lab(&key).code.as_deref(), Some("mine"));
    }

    #[test]
    fn hints_stop_at_the_last() {
        let key = lab_key("c", "l");
        let hint = || Action::RevealHint {
            key: key.clone(),
            total: 2,
        };
        let p = apply(Progress::default(), vec![hint(), hint(), hint()]);
        assert_eq!(p.lab(&key).hints_shown, 2);
    }

    #[test]
    fn saved_state_round_trips() {
        let key = lab_key("c", "l");
        let p = apply(
            Progress::default(),
            vec![
                Action::Edit {
                    key: key.clone(),
                    code: "(module) ;; ünïcode".into(),
                },
                Action::Upload {
                    key: key.clone(),
                    name: "a.wasm".into(),
                    bytes: vec![0, 97, 115, 109, 255],
                },
                Action::Graded {
                    key: key.clone(),
                    score: 1,
                    max: 2,
                    passed: false,
                    at: 1.5,
                },
                Action::SetDark(true),
                Action::SetLearner {
                    name: "Ada".into(),
                    email: "ada@example.org".into(),
                },
            ],
        );
        let text = save(&p);
        assert!(
            !text.contains("upload_hex"),
            "uploads are stored apart: {text}"
        );
        let mut back = load(&text).expect("loads");
        // The storage module fills uploads in from their own keys.
        let lab = back.labs.get_mut(&key).expect("lab");
        assert_eq!(
            lab.upload.as_ref().map(|(n, b)| (n.as_str(), b.len())),
            Some(("a.wasm", 0))
        );
        let bytes = decode_upload(&encode_upload(&[0, 97, 115, 109, 255])).expect("round trip");
        lab.upload = Some(("a.wasm".into(), bytes));
        assert_eq!(back.labs, p.labs);
        assert_eq!(back.dark, Some(true));
        assert_eq!(
            (back.learner_name.as_str(), back.learner_email.as_str()),
            ("Ada", "ada@example.org")
        );
    }

    #[test]
    fn damaged_and_newer_state_is_refused_not_guessed() {
        assert!(matches!(load("{not json"), Err(LoadError::Corrupt(_))));
        assert!(matches!(
            load(r#"{"labs": {}}"#),
            Err(LoadError::Corrupt(_))
        ));
        assert_eq!(
            load(r#"{"schema": 99, "labs": {}}"#),
            Err(LoadError::Newer(99))
        );
        assert!(matches!(
            load(r#"{"schema": 1, "labs": {"c/l": {"upload_name": "x", "upload_hex": "zz"}}}"#),
            Err(LoadError::Corrupt(_))
        ));
    }

    #[test]
    fn blocked_saves_stay_blocked_after_edits() {
        let key = lab_key("c", "l");
        let p = Progress {
            saves_blocked: Some("old progress could not be kept aside".into()),
            ..Progress::default()
        };
        let p = apply(
            p,
            vec![Action::Edit {
                key,
                code: "a".into(),
            }],
        );
        assert!(p.saves_blocked.is_some());
        assert!(
            matches!(p.storage, StorageStatus::Failed(_)),
            "{:?}",
            p.storage
        );
    }

    #[test]
    fn edits_bump_the_revision_but_status_changes_do_not() {
        let key = lab_key("c", "l");
        let p = apply(
            Progress::default(),
            vec![Action::Edit {
                key: key.clone(),
                code: "a".into(),
            }],
        );
        assert_eq!(p.revision, 1);
        let p = apply(
            p,
            vec![Action::Storage(StorageStatus::Saved { persistent: false })],
        );
        assert_eq!(p.revision, 1);
        let p = apply(
            p,
            vec![Action::Edit {
                key,
                code: "a".into(),
            }],
        );
        assert_eq!(p.revision, 1, "an edit that changes nothing saves nothing");
    }
}

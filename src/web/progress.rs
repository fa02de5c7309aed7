//! The learner's progress: code, attempts, scores and hints per lab, the
//! reducer that changes it, and the versioned form it is saved in.
//!
//! Pure: timestamps come in with the actions, and saving and loading the
//! text is the storage module's job. The saved form (`Stored`) is its own
//! serde type with a `schema` number, converted explicitly, so the in-memory
//! model can change without breaking what browsers already hold.

use crate::grade::{Answer, Answers};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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
    /// Answers to the lab's questions, by question name.
    pub answers: Answers,
    /// When a Check first passed the lab (ms since the epoch).
    pub passed_at: Option<f64>,
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
        } else if self.attempts > 0
            || self.code.is_some()
            || self.upload.is_some()
            || !self.answers.is_empty()
        {
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
    /// The learner's own weekly time for the labs, in minutes.
    pub weekly_plan: Option<u32>,
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
    /// Labs changed in this tab since the last save: a save writes these
    /// over what another tab may have saved, and takes the rest from it.
    pub dirty: BTreeSet<String>,
    /// The learner's name, email or theme changed since the last save.
    pub settings_dirty: bool,
    /// Each lab as this tab last saw it in storage ([`fingerprint`]), to
    /// tell another tab's change from our own.
    pub synced: BTreeMap<String, u64>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            labs: BTreeMap::new(),
            dark: None,
            weekly_plan: None,
            learner_name: String::new(),
            learner_email: String::new(),
            revision: 0,
            storage: StorageStatus::Idle,
            notices: Vec::new(),
            persistent: false,
            saves_blocked: None,
            dirty: BTreeSet::new(),
            settings_dirty: false,
            synced: BTreeMap::new(),
        }
    }
}

impl Progress {
    pub fn lab(&self, key: &str) -> LabProgress {
        self.labs.get(key).cloned().unwrap_or_default()
    }

    /// Whether the lab has passed, without copying its progress (code
    /// included) as [`Progress::lab`] does.
    pub fn passed(&self, key: &str) -> bool {
        self.labs.get(key).is_some_and(|l| l.passed)
    }

    /// When the lab first passed, in seconds since the epoch.
    pub fn passed_at_seconds(&self, key: &str) -> Option<i64> {
        self.labs
            .get(key)
            .and_then(|l| l.passed_at)
            .map(|ms| (ms / 1000.0) as i64)
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
    /// The learner answered (or changed their answer to) a question.
    Answer {
        key: String,
        question: String,
        answer: Answer,
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
    SetWeeklyPlan(Option<u32>),
    SetLearner {
        name: String,
        email: String,
    },
    Storage(StorageStatus),
    Persistent(bool),
    Notice(String),
    DismissNotice(usize),
    /// A restored backup replaces the labs and the learner's details; the
    /// session state (storage status, notices) stays.
    Restore(Box<Progress>),
    /// Saved: storage now holds this (our changes merged with any other
    /// tab's, see [`merge`]), and this tab shows it.
    Synced(Box<Progress>),
    /// Another tab saved this: labs not changed here are taken from it.
    External(Box<Progress>),
}

impl Action {
    /// The lab an action changes, if it changes one.
    fn lab(&self) -> Option<&str> {
        match self {
            Action::Edit { key, .. }
            | Action::Upload { key, .. }
            | Action::Answer { key, .. }
            | Action::Graded { key, .. }
            | Action::RevealHint { key, .. }
            | Action::Active { key, .. }
            | Action::Reset { key }
            | Action::UndoReset { key } => Some(key),
            _ => None,
        }
    }
}

impl Reducible for Progress {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut changed = true;
        let touched = action.lab().map(str::to_string);
        let settings = matches!(
            action,
            Action::SetDark(_)
                | Action::SetWeeklyPlan(_)
                | Action::SetLearner { .. }
                | Action::Restore(_)
        );
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
            Action::Answer {
                key,
                question,
                answer,
            } => {
                let lab = next.labs.entry(key).or_default();
                if lab.answers.get(&question) == Some(&answer) {
                    return self;
                }
                lab.answers.insert(question, answer);
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
                if passed {
                    lab.passed_at.get_or_insert(at);
                }
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
            Action::SetWeeklyPlan(plan) => next.weekly_plan = plan,
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
            Action::Restore(backup) => {
                next.labs = backup.labs;
                next.dark = backup.dark;
                next.weekly_plan = backup.weekly_plan;
                next.learner_name = backup.learner_name;
                next.learner_email = backup.learner_email;
                next.dirty = next.labs.keys().cloned().collect();
            }
            Action::Synced(saved) => {
                next.synced = saved
                    .labs
                    .iter()
                    .map(|(k, l)| (k.clone(), fingerprint(l)))
                    .collect();
                next.labs = saved.labs;
                next.dark = saved.dark;
                next.weekly_plan = saved.weekly_plan;
                next.learner_name = saved.learner_name;
                next.learner_email = saved.learner_email;
                next.dirty.clear();
                next.settings_dirty = false;
                changed = false;
            }
            Action::External(theirs) => {
                for (key, lab) in theirs.labs {
                    if !next.dirty.contains(&key) {
                        next.synced.insert(key.clone(), fingerprint(&lab));
                        next.labs.insert(key, lab);
                    }
                }
                if !next.settings_dirty {
                    next.dark = theirs.dark;
                    next.weekly_plan = theirs.weekly_plan;
                    next.learner_name = theirs.learner_name;
                    next.learner_email = theirs.learner_email;
                }
                changed = false;
            }
        }
        if let Some(key) = touched.filter(|_| changed) {
            next.dirty.insert(key);
        }
        if settings && changed {
            next.settings_dirty = true;
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
    /// Added within schema 1: absent in state saved before it.
    #[serde(default)]
    weekly_plan: Option<u32>,
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
    /// Added within schema 1: absent (none) in state saved before it.
    answers: Answers,
    /// Added within schema 1: absent in state saved before it, where a
    /// passed lab counts as passed at its last attempt.
    passed_at: Option<f64>,
}

/// Serialises what must survive a reload.
pub fn save(progress: &Progress) -> String {
    let stored = Stored {
        schema: SCHEMA,
        dark: progress.dark,
        weekly_plan: progress.weekly_plan,
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
                        answers: l.answers.clone(),
                        passed_at: l.passed_at,
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
        weekly_plan: stored.weekly_plan,
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
                passed_at: l.passed_at.or(if l.passed { l.last_attempt } else { None }),
                answers: l.answers,
            },
        );
    }
    Ok(progress)
}

/// A lab's state in a number, to notice that another tab changed it.
pub fn fingerprint(lab: &LabProgress) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    lab.code.hash(&mut h);
    lab.before_reset.hash(&mut h);
    lab.upload.as_ref().map(|(n, b)| (n, b.len())).hash(&mut h);
    (
        lab.attempts,
        lab.best_score,
        lab.max_score,
        lab.passed,
        lab.hints_shown,
    )
        .hash(&mut h);
    lab.first_attempt.map(f64::to_bits).hash(&mut h);
    lab.last_attempt.map(f64::to_bits).hash(&mut h);
    lab.passed_at.map(f64::to_bits).hash(&mut h);
    lab.active_ms.to_bits().hash(&mut h);
    serde_json::to_string(&lab.answers)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// What a save writes: `stored` (what is in storage now, perhaps saved by
/// another tab) with this tab's changed labs and settings laid over it.
/// Also returns, per lab, the other tab's version where both tabs changed
/// the same lab since they last synced; the caller keeps those aside, so
/// neither tab's work is lost.
pub fn merge(ours: &Progress, stored: &Progress) -> (Progress, Vec<(String, LabProgress)>) {
    let mut merged = stored.clone();
    let mut conflicts = Vec::new();
    for key in &ours.dirty {
        let Some(mine) = ours.labs.get(key) else {
            continue;
        };
        if let Some(theirs) = stored.labs.get(key) {
            let changed_there = ours.synced.get(key) != Some(&fingerprint(theirs));
            if changed_there && fingerprint(theirs) != fingerprint(mine) {
                conflicts.push((key.clone(), theirs.clone()));
            }
        }
        merged.labs.insert(key.clone(), mine.clone());
    }
    // Labs only this tab knows (state that was never saved) stay too.
    for (key, lab) in &ours.labs {
        merged
            .labs
            .entry(key.clone())
            .or_insert_with(|| lab.clone());
    }
    if ours.settings_dirty {
        merged.dark = ours.dark;
        merged.weekly_plan = ours.weekly_plan;
        merged.learner_name = ours.learner_name.clone();
        merged.learner_email = ours.learner_email.clone();
    }
    (merged, conflicts)
}

/// The backup file's format version.
pub const BACKUP_FORMAT: &str = "sandlab.backup/1";

/// Everything to restore the learner's work in another browser: the saved
/// progress and the uploaded modules. Never LRS keys, which are stored apart.
pub fn backup(progress: &Progress, exported_at: &str) -> String {
    let uploads: serde_json::Map<String, serde_json::Value> = progress
        .labs
        .iter()
        .filter_map(|(k, l)| {
            l.upload
                .as_ref()
                .map(|(_, bytes)| (k.clone(), serde_json::Value::String(encode_upload(bytes))))
        })
        .collect();
    let saved: serde_json::Value =
        serde_json::from_str(&save(progress)).unwrap_or(serde_json::Value::Null);
    serde_json::to_string_pretty(&serde_json::json!({
        "format": BACKUP_FORMAT,
        "exported_at": exported_at,
        "progress": saved,
        "uploads": uploads,
    }))
    .unwrap_or_default()
}

/// Reads a [`backup`] back: the progress with its uploads, and when it was
/// made.
///
/// # Errors
///
/// Not a sandlab backup, damaged, or from a newer sandlab; the message says
/// which, for the learner.
pub fn restore(text: &str) -> Result<(Progress, String), String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| "this file is not a sandlab backup (it is not JSON)".to_string())?;
    if value["format"] != BACKUP_FORMAT {
        return Err(match value["format"].as_str() {
            Some(f) if f.starts_with("sandlab.backup/") => {
                format!(
                    "this backup was made by a newer sandlab ({f}); update sandlab to restore it"
                )
            }
            _ => "this file is not a sandlab backup (no \"format\": \"sandlab.backup/1\")".into(),
        });
    }
    let mut progress = load(&value["progress"].to_string()).map_err(|e| match e {
        LoadError::Corrupt(why) => format!("the backup's progress is damaged: {why}"),
        LoadError::Newer(n) => {
            format!("this backup was made by a newer sandlab (progress schema {n})")
        }
    })?;
    for (key, lab) in &mut progress.labs {
        if let Some((name, bytes)) = &mut lab.upload {
            *bytes = value["uploads"][key.as_str()]
                .as_str()
                .and_then(decode_upload)
                .ok_or_else(|| format!("the backup's uploaded module {name} ({key}) is damaged"))?;
        }
    }
    Ok((
        progress,
        value["exported_at"].as_str().unwrap_or("").to_string(),
    ))
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

    /// A tab that loaded `stored`, as `load_progress` leaves it.
    fn tab(stored: &Progress) -> Progress {
        Progress {
            synced: stored
                .labs
                .iter()
                .map(|(k, l)| (k.clone(), fingerprint(l)))
                .collect(),
            ..stored.clone()
        }
    }

    fn edit(p: Progress, key: &str, code: &str) -> Progress {
        apply(
            p,
            vec![Action::Edit {
                key: key.into(),
                code: code.into(),
            }],
        )
    }

    fn saved(ours: &Progress, stored: &Progress) -> (Progress, Vec<(String, LabProgress)>) {
        let (merged, conflicts) = merge(ours, stored);
        // What storage holds is what the next tab reads back.
        (load(&save(&merged)).expect("reads"), conflicts)
    }

    #[test]
    fn two_tabs_editing_different_labs_keep_both() {
        let s0 = edit(edit(Progress::default(), "c/x", "x0"), "c/y", "y0");
        let s0 = load(&save(&s0)).expect("reads");
        let (a, b) = (tab(&s0), tab(&s0));
        let a = edit(a, "c/x", "x from A");
        let (s1, conflicts) = saved(&a, &s0);
        assert!(conflicts.is_empty());
        // B never saw A's save and changes another lab: A's work survives.
        let b = edit(b, "c/y", "y from B");
        let (s2, conflicts) = saved(&b, &s1);
        assert!(conflicts.is_empty());
        assert_eq!(s2.lab("c/x").code.as_deref(), Some("x from A"));
        assert_eq!(s2.lab("c/y").code.as_deref(), Some("y from B"));
        // B shows A's lab once synced, and its own edit stays.
        let b = apply(b, vec![Action::Synced(Box::new(s2.clone()))]);
        assert_eq!(b.lab("c/x").code.as_deref(), Some("x from A"));
        assert!(b.dirty.is_empty());
    }

    #[test]
    fn two_tabs_editing_the_same_lab_hand_back_the_other_version() {
        let s0 = load(&save(&edit(Progress::default(), "c/x", "x0"))).expect("reads");
        let (a, b) = (tab(&s0), tab(&s0));
        let (s1, _) = saved(&edit(a, "c/x", "from A"), &s0);
        let (s2, conflicts) = saved(&edit(b, "c/x", "from B"), &s1);
        assert_eq!(s2.lab("c/x").code.as_deref(), Some("from B"));
        assert_eq!(
            conflicts.len(),
            1,
            "A's version is handed back to be kept aside"
        );
        assert_eq!(conflicts[0].1.code.as_deref(), Some("from A"));
        // Saving again without another tab's change is no conflict.
        let b = apply(tab(&s2), vec![]);
        let (_, conflicts) = saved(&edit(b, "c/x", "again"), &s2);
        assert!(conflicts.is_empty());
    }

    #[test]
    fn another_tabs_save_shows_here_except_where_this_tab_has_changes() {
        let s0 = load(&save(&edit(
            edit(Progress::default(), "c/x", "x0"),
            "c/y",
            "y0",
        )))
        .expect("reads");
        let b = edit(tab(&s0), "c/y", "typing in B");
        let theirs = edit(edit(tab(&s0), "c/x", "x from A"), "c/y", "y from A");
        let b = apply(b, vec![Action::External(Box::new(theirs))]);
        assert_eq!(b.lab("c/x").code.as_deref(), Some("x from A"));
        assert_eq!(b.lab("c/y").code.as_deref(), Some("typing in B"));
        assert_eq!(
            b.storage,
            StorageStatus::Pending,
            "B's own change still gets saved"
        );
    }

    #[test]
    fn answers_are_kept_saved_and_restored_and_start_a_lab() {
        let key = lab_key("c", "quiz");
        let p = apply(
            Progress::default(),
            vec![
                Action::Answer {
                    key: key.clone(),
                    question: "bytes".into(),
                    answer: Answer::Text("6".into()),
                },
                Action::Answer {
                    key: key.clone(),
                    question: "bytes".into(),
                    answer: Answer::Text("8".into()),
                },
                Action::Answer {
                    key: key.clone(),
                    question: "locals".into(),
                    answer: Answer::Choices(vec![1]),
                },
            ],
        );
        let lab = p.lab(&key);
        assert_eq!(lab.status(), LabStatus::InProgress);
        assert_eq!(lab.answers.get("bytes"), Some(&Answer::Text("8".into())));
        let back = load(&save(&p)).expect("loads");
        assert_eq!(back.lab(&key).answers, lab.answers);
        // A changed answer is a change another tab would see.
        let mut other = lab.clone();
        other
            .answers
            .insert("bytes".into(), Answer::Text("9".into()));
        assert_ne!(fingerprint(&lab), fingerprint(&other));
        // State saved before answers existed still loads, with none.
        let old = r#"{"schema":1,"labs":{"c/quiz":{"attempts":1}}}"#;
        assert!(load(old).expect("loads").lab(&key).answers.is_empty());
    }

    #[test]
    fn a_backup_restores_code_scores_and_uploads() {
        let key = lab_key("c", "l");
        let up = lab_key("c", "u");
        let p = apply(
            Progress::default(),
            vec![
                Action::Edit {
                    key: key.clone(),
                    code: "(module) ;; mine".into(),
                },
                Action::Graded {
                    key: key.clone(),
                    score: 2,
                    max: 3,
                    passed: false,
                    at: 5.0,
                },
                Action::Upload {
                    key: up.clone(),
                    name: "wc.wasm".into(),
                    bytes: vec![0, 97, 115, 109, 255],
                },
                Action::SetLearner {
                    name: "Ada".into(),
                    email: "ada@example.edu".into(),
                },
            ],
        );
        let text = backup(&p, "2026-11-22T10:00:00Z");
        let (back, at) = restore(&text).expect("restores");
        assert_eq!(at, "2026-11-22T10:00:00Z");
        assert_eq!(back.labs, p.labs);
        assert_eq!(back.learner_email, "ada@example.edu");
        let restored = apply(Progress::default(), vec![Action::Restore(Box::new(back))]);
        assert_eq!(restored.labs, p.labs);
        assert_eq!(restored.learner_name, "Ada");

        assert!(
            restore("hello")
                .expect_err("not json")
                .contains("not a sandlab backup")
        );
        assert!(
            restore("{}")
                .expect_err("no format")
                .contains("not a sandlab backup")
        );
        let newer = text.replace("sandlab.backup/1", "sandlab.backup/7");
        assert!(
            restore(&newer)
                .expect_err("newer")
                .contains("newer sandlab")
        );
        let damaged = text.replace(&encode_upload(&[0, 97, 115, 109, 255]), "zz");
        assert!(restore(&damaged).expect_err("damaged").contains("wc.wasm"));
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

//! The learner's progress: code, attempts, scores and hints per lab, the
//! reducer that changes it, and the versioned form it is saved in.
//!
//! Pure: timestamps come in with the actions, and saving and loading the
//! text is the storage module's job. The parts:
//! - here, the model ([`Progress`], [`LabProgress`]);
//! - `action`: [`Action`] and the reducer;
//! - `saved`: the saved form ([`save`], [`load`]), its own serde type with a
//!   `schema` number, converted explicitly, so the in-memory model can
//!   change without breaking what browsers already hold;
//! - `merge`: laying this tab's changes over another tab's save;
//! - `backup`: the file that carries the learner's work to another browser.

mod action;
mod backup;
mod merge;
mod saved;
#[cfg(test)]
mod tests;

pub use action::Action;
pub use backup::{BACKUP_FORMAT, backup, restore};
pub use merge::{fingerprint, merge};
pub use saved::{LoadError, SCHEMA, decode_upload, encode_upload, load, save, upload_key};

use crate::grade::Answers;
use std::collections::{BTreeMap, BTreeSet};

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
    /// The lab's content hash when the learner last worked on it: a lab
    /// updated since says so, and keeps their code as it was.
    pub seen: Option<String>,
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

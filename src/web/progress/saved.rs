//! The saved form of progress: its own serde types with a `schema` number,
//! converted to and from the model by hand, and uploads' bytes, which are
//! stored under keys of their own.

use super::{LabProgress, Progress};
use crate::grade::Answers;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The saved-state schema this build writes.
pub const SCHEMA: u32 = 1;

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
    /// Added within schema 1: the lab's content hash when last worked on.
    #[serde(skip_serializing_if = "Option::is_none")]
    seen: Option<String>,
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
                        seen: l.seen.clone(),
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
                seen: l.seen,
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
    crate::lab::hex(bytes)
}

/// Reads [`encode_upload`] back; `None` if damaged.
pub fn decode_upload(text: &str) -> Option<Vec<u8>> {
    unhex(text)
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

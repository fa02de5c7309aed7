//! Completion records: what an instructor receives, and why they can trust it.
//!
//! A record carries each lab's submission with the results the learner's
//! browser got. Grading is deterministic, so [`verify`] re-grades every
//! submission and reports exactly what differs. The export types here are
//! their own versioned structs (`schema = "sandlab.record/1"`), converted
//! explicitly from the grader's report, so the internal model can change
//! without breaking records already exported. See docs/record-format.md.

use crate::grade::{self, Answers, Report};
use crate::lab::{Course, Lab};
use crate::language::{Language, Source, Submission};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

pub mod class_report;
pub mod xapi;

/// The schema this build writes; older ones it still reads are migrated.
pub const SCHEMA: &str = "sandlab.record/1";

/// What counts the fuel, named in every record: fuel figures are exact for
/// it. Since the metering pass ([`crate::meter`]) the instrumented module
/// counts its own fuel, so this names the pass's cost model, whichever engine
/// ran it. Records made before it say `wasmi 2.0.0`.
pub const ENGINE: &str = "sandlab-meter 1";

/// A completion record, as exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub schema: String,
    pub sandlab_version: String,
    pub engine: String,
    pub learner: Learner,
    /// RFC 3339, when the record was exported.
    pub exported_at: String,
    pub labs: Vec<LabRecord>,
}

impl Record {
    /// A record of `labs` for `learner`, as this build writes it (its
    /// schema, version and fuel engine): what the app exports and `sandlab
    /// record` writes.
    pub fn new(learner: Learner, exported_at: String, labs: Vec<LabRecord>) -> Record {
        Record {
            schema: SCHEMA.into(),
            sandlab_version: env!("CARGO_PKG_VERSION").into(),
            engine: ENGINE.into(),
            learner,
            exported_at,
            labs,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Learner {
    /// A name or an id, as the learner entered it.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabRecord {
    pub course: String,
    pub lab: String,
    /// The lab's content hash when it was graded.
    pub content_hash: String,
    /// "passed", "in progress" or "not started".
    pub status: String,
    pub score: u32,
    pub max_score: u32,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_attempt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<String>,
    pub time_spent_seconds: u64,
    /// When the lab was first passed (RFC 3339), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_at: Option<String>,
    /// The lab's due date from the course's schedule, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub submission: SubmissionRecord,
    /// `sha256:` of the submission's bytes (the source text, or the module).
    pub submission_sha256: String,
    /// `sha256:` of the language runtime the submission ran in (the Python
    /// interpreter), for a language that has one: fuel and verdicts are
    /// exact for that runtime, so re-grading in another says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    pub checks: Vec<CheckRecord>,
    /// The answers to the lab's questions, by question name (absent for a
    /// lab without questions, and in records from before questions).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<QuestionRecord>,
}

/// The submission: its language (`kind`) with its source text, or an
/// uploaded module in base64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRecord {
    /// The language's name (`wat`, `wasm`, …).
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRecord {
    pub name: String,
    pub verdict: String,
    pub points: u32,
    pub fuel: u64,
}

/// One question's result, as graded from the record's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionRecord {
    pub name: String,
    /// "correct", "wrong" or "unanswered".
    pub verdict: String,
    pub points: u32,
}

impl SubmissionRecord {
    pub fn from_submission(s: &Submission) -> SubmissionRecord {
        let kind = s.language.name().to_string();
        match &s.source {
            Source::Text(text) => SubmissionRecord {
                kind,
                source: Some(text.clone()),
                base64: None,
            },
            Source::Binary(bytes) => SubmissionRecord {
                kind,
                source: None,
                base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            },
        }
    }

    /// # Errors
    ///
    /// An unknown language, neither source nor module, or damaged base64.
    pub fn to_submission(&self) -> Result<Submission, String> {
        let language = Language::parse(&self.kind).ok_or_else(|| {
            format!(
                "the submission is in `{}`, a language this sandlab does not know",
                self.kind
            )
        })?;
        match (&self.source, &self.base64) {
            (Some(text), None) => Ok(Submission::text(language, text.clone())),
            (None, Some(base64)) => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map(|bytes| Submission {
                    language,
                    source: Source::Binary(bytes),
                })
                .map_err(|e| format!("the uploaded module's base64 is damaged: {e}")),
            _ => Err("the submission has neither its source nor its module".into()),
        }
    }
}

/// `sha256:` and the hex digest of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", crate::lab::hex(&Sha256::digest(bytes)))
}

/// What a learner did in one lab, for [`lab_record`].
#[derive(Clone, Debug, PartialEq)]
pub struct Attempts {
    pub attempts: u32,
    pub first_attempt: Option<String>,
    pub last_attempt: Option<String>,
    pub time_spent_seconds: u64,
    pub passed_at: Option<String>,
}

/// The record of one lab from its last graded submission.
pub fn lab_record(
    course: &Course,
    lab: &Lab,
    submission: &Submission,
    answers: &Answers,
    report: &Report,
    attempts: Attempts,
) -> LabRecord {
    LabRecord {
        course: course.id.clone(),
        lab: lab.id.clone(),
        content_hash: lab.content_hash.clone(),
        status: if report.passed {
            "passed"
        } else {
            "in progress"
        }
        .into(),
        score: report.score,
        max_score: report.max_score,
        attempts: attempts.attempts,
        first_attempt: attempts.first_attempt,
        last_attempt: attempts.last_attempt,
        time_spent_seconds: attempts.time_spent_seconds,
        passed_at: attempts.passed_at,
        due: course.schedule.due.get(&lab.id).cloned(),
        submission: SubmissionRecord::from_submission(submission),
        submission_sha256: sha256(submission.bytes()),
        runtime: lab.runtime.as_ref().map(|r| r.id.clone()),
        checks: report
            .checks
            .iter()
            .map(|c| CheckRecord {
                name: c.name.clone(),
                verdict: c.verdict.name().into(),
                points: c.score,
                fuel: c.fuel,
            })
            .collect(),
        answers: answers.clone(),
        questions: report
            .questions
            .iter()
            .map(|q| QuestionRecord {
                name: q.name.clone(),
                verdict: q.verdict.name().into(),
                points: q.score,
            })
            .collect(),
    }
}

/// Why a record could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The text is not JSON at all (a damaged or truncated file?).
    NotJson(String),
    /// JSON without a `schema`: not a sandlab completion record.
    NotARecord,
    /// A `sandlab.record/N` newer than this build reads: update sandlab.
    NewerSchema(String),
    /// Some other schema.
    UnknownSchema(String),
    /// The schema is right but the content is not (a field missing or
    /// mistyped: edited by hand?).
    Invalid(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotJson(e) => write!(f, "not JSON: {e}"),
            ReadError::NotARecord => {
                f.write_str("no `schema` field: this is not a sandlab completion record")
            }
            ReadError::NewerSchema(schema) => write!(
                f,
                "schema `{schema}` is not one this sandlab reads: it is newer than {SCHEMA}, so update sandlab to read it"
            ),
            ReadError::UnknownSchema(schema) => write!(
                f,
                "schema `{schema}` is not one this sandlab reads (it reads {SCHEMA})"
            ),
            ReadError::Invalid(e) => write!(f, "not a {SCHEMA} record: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a record, from this schema or an older one.
///
/// # Errors
///
/// Not JSON, not a record, or a schema this build does not know.
pub fn read(text: &str) -> Result<Record, ReadError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ReadError::NotJson(e.to_string()))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {
            serde_json::from_value(value).map_err(|e| ReadError::Invalid(e.to_string()))
        }
        Some(other) => Err(match other.strip_prefix("sandlab.record/") {
            Some(n) if n.parse::<u32>().is_ok_and(|n| n > 1) => {
                ReadError::NewerSchema(other.to_string())
            }
            _ => ReadError::UnknownSchema(other.to_string()),
        }),
        None => Err(ReadError::NotARecord),
    }
}

pub fn write(record: &Record) -> String {
    serde_json::to_string_pretty(record).unwrap_or_default()
}

/// A field for CSV: quoted when it holds a separator, quote or line break.
///
/// Text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first) gets a leading `'`: a learner named
/// `=HYPERLINK(…)` must not run in the instructor's spreadsheet. Callers
/// pass numbers unquoted, never through here.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The record as CSV, one row per lab: what a spreadsheet or an LMS import
/// wants of one learner's work.
pub fn csv(record: &Record) -> String {
    let mut out = String::from(
        "learner,email,course,lab,status,score,max_score,attempts,first_attempt,last_attempt,time_spent_seconds,submission_sha256,content_hash\n",
    );
    for l in &record.labs {
        let row = [
            record.learner.name.as_str(),
            record.learner.email.as_deref().unwrap_or(""),
            &l.course,
            &l.lab,
            &l.status,
            &l.score.to_string(),
            &l.max_score.to_string(),
            &l.attempts.to_string(),
            l.first_attempt.as_deref().unwrap_or(""),
            l.last_attempt.as_deref().unwrap_or(""),
            &l.time_spent_seconds.to_string(),
            &l.submission_sha256,
            &l.content_hash,
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The outcome of re-grading one lab of a record.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub course: String,
    pub lab: String,
    /// Empty when everything the record claims holds.
    pub differences: Vec<String>,
    /// What was not compared, and why (fuel counted by another engine).
    pub note: Option<String>,
}

impl Verification {
    pub fn verified(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Re-grades every lab of `record` against `courses` (prepared with
/// [`grade::compute_expected`]) and lists what differs from the record's claims.
pub fn verify(record: &Record, courses: &[Course]) -> Vec<Verification> {
    record
        .labs
        .iter()
        .map(|entry| {
            let mut differences = Vec::new();
            // Fuel is informational: verdicts, budgets included, are
            // re-graded and compared whatever counted it.
            let compare_fuel = record.engine == ENGINE;
            let found = courses
                .iter()
                .find(|c| c.id == entry.course)
                .and_then(|c| c.labs.iter().find(|l| l.id == entry.lab));
            match found {
                None => differences.push(format!(
                    "no lab `{}` in course `{}`",
                    entry.lab, entry.course
                )),
                Some(lab) => differences.extend(verify_lab(entry, lab, compare_fuel)),
            }
            Verification {
                course: entry.course.clone(),
                lab: entry.lab.clone(),
                differences,
                note: (!compare_fuel).then(|| {
                    format!(
                        "fuel not compared: the record counts `{}` fuel, this sandlab counts `{ENGINE}`",
                        record.engine
                    )
                }),
            }
        })
        .collect()
}

fn verify_lab(entry: &LabRecord, lab: &Lab, compare_fuel: bool) -> Vec<String> {
    let mut diffs = Vec::new();
    if entry.content_hash != lab.content_hash {
        diffs.push(format!(
            "the lab has changed since it was graded (content hash {} in the record, {} now)",
            entry.content_hash, lab.content_hash
        ));
    }
    let submission = match entry.submission.to_submission() {
        Ok(s) => s,
        Err(e) => {
            diffs.push(e);
            return diffs;
        }
    };
    let actual_sha = sha256(submission.bytes());
    if actual_sha != entry.submission_sha256 {
        diffs.push(format!(
            "the submission does not match its hash ({} recorded, {actual_sha} actual)",
            entry.submission_sha256
        ));
    }
    let runtime = lab.runtime.as_ref().map(|r| &r.id);
    if entry.runtime.as_ref() != runtime {
        diffs.push(match (&entry.runtime, runtime) {
            (Some(then), Some(now)) => format!(
                "graded in another {} runtime ({then} in the record, {now} here): \
                 install the course's runtime to compare fuel exactly",
                lab.language.spec().title
            ),
            (Some(then), None) => format!(
                "graded in the {} runtime {then}, which is not installed here",
                lab.language.spec().title
            ),
            (None, _) => format!(
                "the record does not say which {} runtime graded it",
                lab.language.spec().title
            ),
        });
    }
    let report = grade::grade_with(lab, &submission, &entry.answers);
    if report.score != entry.score || report.max_score != entry.max_score {
        diffs.push(format!(
            "score: the record claims {}/{}, re-grading gives {}/{}",
            entry.score, entry.max_score, report.score, report.max_score
        ));
    }
    let status = if report.passed {
        "passed"
    } else {
        "in progress"
    };
    if entry.status == "passed" && !report.passed {
        diffs.push(format!(
            "status: the record claims passed, re-grading gives {status}"
        ));
    }
    if report.checks.len() != entry.checks.len() {
        diffs.push(format!(
            "the record lists {} checks, the lab has {}",
            entry.checks.len(),
            report.checks.len()
        ));
    }
    for (claimed, actual) in entry.checks.iter().zip(&report.checks) {
        if claimed.name != actual.name {
            diffs.push(format!(
                "check `{}` is `{}` in the lab",
                claimed.name, actual.name
            ));
            continue;
        }
        if claimed.verdict != actual.verdict.name() {
            diffs.push(format!(
                "check `{}`: verdict {} claimed, {} on re-grading",
                claimed.name,
                claimed.verdict,
                actual.verdict.name()
            ));
        }
        if compare_fuel && claimed.fuel != actual.fuel {
            diffs.push(format!(
                "check `{}`: fuel {} claimed, {} on re-grading",
                claimed.name, claimed.fuel, actual.fuel
            ));
        }
        if claimed.points != actual.score {
            diffs.push(format!(
                "check `{}`: {} points claimed, {} on re-grading",
                claimed.name, claimed.points, actual.score
            ));
        }
    }
    let actual: Vec<(String, String, u32)> = report
        .questions
        .iter()
        .map(|q| (q.name.clone(), q.verdict.name().to_string(), q.score))
        .collect();
    let claimed: Vec<(String, String, u32)> = entry
        .questions
        .iter()
        .map(|q| (q.name.clone(), q.verdict.clone(), q.points))
        .collect();
    if claimed != actual {
        for (c, a) in claimed.iter().zip(&actual) {
            if c != a {
                diffs.push(format!(
                    "question `{}`: {} for {} points claimed, {} for {} on re-grading the answer",
                    c.0, c.1, c.2, a.1, a.2
                ));
            }
        }
        if claimed.len() != actual.len() {
            diffs.push(format!(
                "the record lists {} questions, the lab has {}",
                claimed.len(),
                actual.len()
            ));
        }
    }
    diffs
}

//! What the lab workspace decides that is not about the page: the code the
//! editor shows, the submission a lab holds, what Run runs, and the
//! completion record of a learner's work. Pure, so native tests reach it.

use super::progress::{LabProgress, Progress, lab_key};
use crate::grade;
use crate::lab::{CheckKind, Course, Lab};
use crate::language::{Runnable, Source, Submission};
use crate::record::{self, Attempts, LabRecord, Learner, Record};
use crate::sandbox::Request;

/// The code the editor shows: the learner's, or the starter until they
/// first edit.
pub fn code(lab: &Lab, saved: &LabProgress) -> String {
    saved.code.clone().unwrap_or_else(|| starter_text(lab))
}

fn starter_text(lab: &Lab) -> String {
    lab.starter
        .as_ref()
        .and_then(Submission::as_text)
        .unwrap_or_default()
        .to_string()
}

/// What the learner hands in for the lab now: the editor's code, the
/// uploaded module, or nothing yet (no upload; for a lab of questions
/// alone, nothing answered).
pub fn submission(lab: &Lab, saved: &LabProgress) -> Option<Submission> {
    if !lab.has_code() {
        // Questions only: nothing to compile, something must be answered.
        return (!saved.answers.is_empty()).then(|| Submission::text(lab.language, ""));
    }
    if lab.language.has_editor() {
        return Some(Submission::text(lab.language, code(lab, saved)));
    }
    saved.upload.as_ref().map(|(_, bytes)| Submission {
        language: lab.language,
        source: Source::Binary(bytes.clone()),
    })
}

/// What Run does: the WASI `_start` with the first run check's input, or
/// else the first call check's function and arguments (a random check's
/// first input). It runs under the limits of the check whose input it
/// borrows (a check may raise the lab's fuel), or the lab's own when there
/// is none, in the world the language adds.
pub fn run_request(lab: &Lab, has_start: bool, runnable: &Runnable) -> Request {
    let (mut request, limits) = if has_start {
        let mut r = Request::command();
        let run = lab.checks.iter().find_map(|c| match &c.kind {
            CheckKind::Run(run) => Some((run, c.limits)),
            _ => None,
        });
        if let Some((run, _)) = run {
            r.world.args = run.args.clone();
            r.world.env = run.env.clone();
            r.world.stdin = run.stdin.clone();
            r.world.files = run.files.clone();
        }
        (r, run.map_or(lab.limits, |(_, limits)| limits))
    } else {
        let call = lab.checks.iter().find_map(|c| match &c.kind {
            CheckKind::Call(call) => Some((call.function.clone(), call.args.clone(), c.limits)),
            CheckKind::Random(r) => r
                .inputs()
                .first()
                .map(|a| (r.function.clone(), a.clone(), c.limits)),
            _ => None,
        });
        match call {
            Some((function, args, limits)) => (Request::call(&function, args), limits),
            None => (Request::command(), lab.limits),
        }
    };
    request.limits = limits;
    runnable.add_world(&mut request);
    request
}

/// The completion record of everything the learner attempted: each lab's
/// current work is re-graded now, so the record's claims are exactly what
/// `sandlab verify` will find. `iso` writes a time in milliseconds since the
/// epoch as RFC 3339.
pub fn record(
    courses: &[Course],
    progress: &Progress,
    now_ms: f64,
    iso: impl Fn(f64) -> String,
) -> Record {
    let mut labs = Vec::new();
    for course in courses {
        for lab in &course.labs {
            let saved = progress.lab(&lab_key(&course.id, &lab.id));
            if let Some(entry) = lab_record(course, lab, &saved, &iso) {
                labs.push(entry);
            }
        }
    }
    let email = progress.learner_email.trim();
    Record::new(
        Learner {
            name: progress.learner_name.trim().to_string(),
            email: (!email.is_empty()).then(|| email.to_string()),
        },
        iso(now_ms),
        labs,
    )
}

/// One lab's entry, re-graded; `None` for a lab not attempted (or whose
/// upload is gone).
fn lab_record(
    course: &Course,
    lab: &Lab,
    saved: &LabProgress,
    iso: &impl Fn(f64) -> String,
) -> Option<LabRecord> {
    if saved.attempts == 0 {
        return None;
    }
    let submission = submission(lab, saved).or_else(|| {
        // Questions alone, answered and then cleared: grade nothing.
        (!lab.has_code()).then(|| Submission::text(lab.language, ""))
    })?;
    let report = grade::grade_with(lab, &submission, &saved.answers);
    Some(record::lab_record(
        course,
        lab,
        &submission,
        &saved.answers,
        &report,
        Attempts {
            attempts: saved.attempts,
            first_attempt: saved.first_attempt.map(iso),
            last_attempt: saved.last_attempt.map(iso),
            time_spent_seconds: saved.time_spent_seconds(),
            passed_at: saved.passed_at.map(iso),
        },
    ))
}

#[cfg(test)]
mod tests;

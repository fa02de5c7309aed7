//! Class insights: many learners' records turned into what an instructor
//! needs before the next live session: completion per lab, the score
//! spread, the checks and questions that fail most (with the commonest
//! wrong answers), time spent against the estimate, and who is falling
//! behind. Pure: `sandlab report` reads and verifies the records and writes
//! what this module makes.
//!
//! This file is the analysis ([`analyse`] into a [`ClassReport`]);
//! `html.rs` renders it as one self-contained page, `csv.rs` as tables.

use super::LabRecord;
use crate::grade::Answer;
use crate::lab::{Check, Course, Lab, Question, QuestionKind};
use std::collections::BTreeMap;

mod csv;
mod html;

pub use csv::csv_files;
pub use html::html;

/// One learner's counted labs (verified ones, unless the caller trusts).
pub struct Learner<'r> {
    pub name: String,
    pub labs: Vec<&'r LabRecord>,
}

/// A learner is "inactive" after this many days without a Check while
/// others in the class were active.
const INACTIVE_DAYS: i64 = 7;

#[derive(Debug, PartialEq)]
pub struct ClassReport {
    pub learners: usize,
    pub labs: Vec<LabStats>,
    /// Each learner's share of all points, in percent, for the histogram.
    pub totals_percent: Vec<u32>,
    pub checks: Vec<ItemStats>,
    pub questions: Vec<ItemStats>,
    pub people: Vec<Progress>,
}

#[derive(Debug, PartialEq)]
pub struct LabStats {
    pub course: String,
    pub lab: String,
    pub title: String,
    pub passed: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub estimate_minutes: u32,
    /// Median minutes among learners who attempted it.
    pub median_minutes: Option<f64>,
    pub mean_score_percent: Option<f64>,
}

/// A check or a question, and how the learners who got to it fared.
#[derive(Debug, PartialEq)]
pub struct ItemStats {
    pub course: String,
    pub lab: String,
    pub name: String,
    pub attempted: usize,
    pub failed: usize,
    /// Verdicts (checks) or wrong answers (questions), commonest first.
    pub common: Vec<(String, usize)>,
}

impl ItemStats {
    pub fn failed_percent(&self) -> f64 {
        percent(self.failed, self.attempted)
    }
}

#[derive(Debug, PartialEq)]
pub struct Progress {
    pub name: String,
    pub passed: usize,
    pub score: u32,
    pub max_score: u32,
    pub last_activity: Option<String>,
    /// Labs past their due date and not passed.
    pub overdue: usize,
    /// Labs passed after their due date.
    pub late: usize,
    /// Why this learner needs a look, if they do.
    pub behind: Option<String>,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Days since the Unix epoch of an RFC 3339 time (its date part).
fn day_number(stamp: &str) -> Option<i64> {
    crate::lab::day_number(stamp.get(..10)?)
}

/// A learner's record per (course, lab): of several, the best counts (a
/// pass first, then the higher score).
fn best_per_lab<'r>(learner: &Learner<'r>) -> BTreeMap<(&'r str, &'r str), &'r LabRecord> {
    let mut best: BTreeMap<(&str, &str), &LabRecord> = BTreeMap::new();
    for &r in &learner.labs {
        let slot = best.entry((r.course.as_str(), r.lab.as_str())).or_insert(r);
        if (r.status == "passed", r.score) > (slot.status == "passed", slot.score) {
            *slot = r;
        }
    }
    best
}

/// `now` (seconds since the epoch) decides what is overdue.
pub fn analyse(courses: &[Course], learners: &[Learner<'_>], now: i64) -> ClassReport {
    let bests: Vec<_> = learners.iter().map(best_per_lab).collect();
    let mut labs = Vec::new();
    let mut checks = Vec::new();
    let mut questions = Vec::new();
    for course in courses {
        for lab in &course.labs {
            let records: Vec<&LabRecord> = bests
                .iter()
                .filter_map(|best| best.get(&(course.id.as_str(), lab.id.as_str())).copied())
                .collect();
            let attempted: Vec<&LabRecord> =
                records.iter().copied().filter(|r| r.attempts > 0).collect();
            labs.push(lab_stats(course, lab, &records, &attempted, learners.len()));
            for check in &lab.checks {
                checks.push(check_stats(course, lab, check, &attempted));
            }
            for q in &lab.questions {
                questions.push(question_stats(course, lab, q, &attempted));
            }
        }
    }
    // Failing most first; among equals, lab order.
    let by_failure = |a: &ItemStats, b: &ItemStats| {
        b.failed_percent()
            .total_cmp(&a.failed_percent())
            .then(b.failed.cmp(&a.failed))
    };
    checks.sort_by(by_failure);
    questions.sort_by(by_failure);

    let max_total: u32 = courses
        .iter()
        .flat_map(|c| &c.labs)
        .map(|l| l.max_score())
        .sum();
    let mut people: Vec<Progress> = learners
        .iter()
        .zip(&bests)
        .map(|(l, best)| progress(courses, l, best, max_total, now))
        .collect();
    let newest = learners
        .iter()
        .flat_map(|l| &l.labs)
        .filter_map(|r| r.last_attempt.as_deref())
        .filter_map(day_number)
        .max();
    mark_behind(&mut people, newest);
    people.sort_by(|a, b| {
        (b.behind.is_some(), a.passed, &a.name).cmp(&(a.behind.is_some(), b.passed, &b.name))
    });
    let totals_percent = people
        .iter()
        .map(|p| percent(p.score as usize, max_total.max(1) as usize).round() as u32)
        .collect();
    ClassReport {
        learners: learners.len(),
        labs,
        totals_percent,
        checks,
        questions,
        people,
    }
}

/// A lab's row: `records` are each learner's best for it, `attempted`
/// those with an attempt.
fn lab_stats(
    course: &Course,
    lab: &Lab,
    records: &[&LabRecord],
    attempted: &[&LabRecord],
    learners: usize,
) -> LabStats {
    let passed = records.iter().filter(|r| r.status == "passed").count();
    LabStats {
        course: course.id.clone(),
        lab: lab.id.clone(),
        title: lab.title.clone(),
        passed,
        in_progress: attempted.len().saturating_sub(passed),
        not_started: learners.saturating_sub(attempted.len().max(passed)),
        estimate_minutes: lab.minutes,
        median_minutes: median(
            attempted
                .iter()
                .filter(|r| r.time_spent_seconds > 0)
                .map(|r| r.time_spent_seconds as f64 / 60.0)
                .collect(),
        ),
        mean_score_percent: (!attempted.is_empty()).then(|| {
            attempted
                .iter()
                .map(|r| percent(r.score as usize, r.max_score.max(1) as usize))
                .sum::<f64>()
                / attempted.len() as f64
        }),
    }
}

/// How the learners who attempted the lab fared on `check`.
fn check_stats(course: &Course, lab: &Lab, check: &Check, attempted: &[&LabRecord]) -> ItemStats {
    let mut common: BTreeMap<String, usize> = BTreeMap::new();
    let mut attempted_n = 0;
    for r in attempted {
        if let Some(c) = r.checks.iter().find(|c| c.name == check.name) {
            attempted_n += 1;
            if c.verdict != "passed" {
                *common.entry(c.verdict.clone()).or_default() += 1;
            }
        }
    }
    item(course, lab.id.clone(), &check.name, attempted_n, common)
}

/// How the learners who answered `q` fared, with their wrong answers.
fn question_stats(course: &Course, lab: &Lab, q: &Question, attempted: &[&LabRecord]) -> ItemStats {
    let mut common: BTreeMap<String, usize> = BTreeMap::new();
    let mut attempted_n = 0;
    for r in attempted {
        let Some(graded) = r.questions.iter().find(|g| g.name == q.name) else {
            continue;
        };
        if graded.verdict == "unanswered" {
            continue;
        }
        attempted_n += 1;
        if graded.verdict == "correct" {
            continue;
        }
        let answer = match (r.answers.get(&q.name), &q.kind) {
            (Some(Answer::Text(t)), _) => format!("\"{}\"", t.trim()),
            (Some(Answer::Choices(picked)), QuestionKind::Choice { choices, .. }) => picked
                .iter()
                .filter_map(|&i| choices.get(i))
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
                .join(" + "),
            _ => "(another kind of answer)".into(),
        };
        *common.entry(answer).or_default() += 1;
    }
    item(course, lab.id.clone(), &q.name, attempted_n, common)
}

/// A learner's standing, with `behind` left for [`mark_behind`].
fn progress(
    courses: &[Course],
    learner: &Learner<'_>,
    best: &BTreeMap<(&str, &str), &LabRecord>,
    max_total: u32,
    now: i64,
) -> Progress {
    let last_activity = learner
        .labs
        .iter()
        .filter_map(|r| r.last_attempt.clone())
        .max();
    let mut overdue = 0;
    let mut late = 0;
    for course in courses {
        for lab in &course.labs {
            let Some(due) = course.schedule.due_at(&lab.id) else {
                continue;
            };
            let record = best.get(&(course.id.as_str(), lab.id.as_str()));
            let passed_at = record
                .filter(|r| r.status == "passed")
                .map(|r| r.passed_at.as_deref().or(r.last_attempt.as_deref()));
            match passed_at {
                Some(at)
                    if at
                        .and_then(crate::lab::deadline_seconds)
                        .is_some_and(|t| t > due) =>
                {
                    late += 1;
                }
                Some(_) => {}
                None if now > due => overdue += 1,
                None => {}
            }
        }
    }
    Progress {
        name: learner.name.clone(),
        passed: best.values().filter(|r| r.status == "passed").count(),
        score: best.values().map(|r| r.score).sum(),
        max_score: max_total,
        last_activity,
        overdue,
        late,
        behind: None,
    }
}

/// Says why each learner who needs a look does: labs overdue, under half
/// the class median passed, or idle while others worked (`newest` is the
/// day of the class's latest Check).
fn mark_behind(people: &mut [Progress], newest: Option<i64>) {
    let median_passed = median(people.iter().map(|p| p.passed as f64).collect()).unwrap_or(0.0);
    for p in people {
        let idle = match (newest, p.last_activity.as_deref().and_then(day_number)) {
            (Some(n), Some(d)) if n - d >= INACTIVE_DAYS => Some(n - d),
            (Some(_), None) => Some(i64::MAX),
            _ => None,
        };
        let slow = (p.passed as f64) < median_passed / 2.0;
        let overdue = (p.overdue > 0).then(|| format!("{} lab(s) overdue", p.overdue));
        p.behind = match (slow, idle) {
            (_, Some(i64::MAX)) => Some("no Check yet".into()),
            (true, Some(days)) => Some(format!(
                "{} labs passed (class median {median_passed}), no Check for {days} days",
                p.passed
            )),
            (true, None) => Some(format!(
                "{} labs passed, under half the class median ({median_passed})",
                p.passed
            )),
            (false, Some(days)) => Some(format!("no Check for {days} days while others worked")),
            (false, None) => None,
        };
        if let Some(o) = overdue {
            p.behind = Some(match p.behind.take() {
                Some(other) => format!("{o}; {other}"),
                None => o,
            });
        }
    }
}

fn item(
    course: &Course,
    lab: String,
    name: &str,
    attempted: usize,
    common: BTreeMap<String, usize>,
) -> ItemStats {
    let failed = common.values().sum();
    let mut common: Vec<(String, usize)> = common.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ItemStats {
        course: course.id.clone(),
        lab,
        name: name.to_string(),
        attempted,
        failed,
        common,
    }
}

/// The commonest verdicts or answers, three at most, with their counts.
fn common_text(common: &[(String, usize)]) -> String {
    common
        .iter()
        .take(3)
        .map(|(what, n)| format!("{what} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

//! Class insights: many learners' records turned into what an instructor
//! needs before the next live session: completion per lab, the score
//! spread, the checks and questions that fail most (with the commonest
//! wrong answers), time spent against the estimate, and who is falling
//! behind. Pure: `sandlab report` reads and verifies the records and writes
//! the HTML and CSV this module makes.

use super::{LabRecord, csv_field};
use crate::grade::Answer;
use crate::lab::{Course, QuestionKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    let find = |course: &str, lab: &str| -> Vec<&LabRecord> {
        bests
            .iter()
            .filter_map(|best| best.get(&(course, lab)).copied())
            .collect()
    };
    let mut labs = Vec::new();
    let mut checks = Vec::new();
    let mut questions = Vec::new();
    let max_total: u32 = courses
        .iter()
        .flat_map(|c| &c.labs)
        .map(|l| l.max_score())
        .sum();
    for course in courses {
        for lab in &course.labs {
            let records = find(&course.id, &lab.id);
            let passed = records.iter().filter(|r| r.status == "passed").count();
            let attempted: Vec<&LabRecord> =
                records.iter().copied().filter(|r| r.attempts > 0).collect();
            labs.push(LabStats {
                course: course.id.clone(),
                lab: lab.id.clone(),
                title: lab.title.clone(),
                passed,
                in_progress: attempted.len().saturating_sub(passed),
                not_started: learners.len().saturating_sub(attempted.len().max(passed)),
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
            });
            for check in &lab.checks {
                let mut common: BTreeMap<String, usize> = BTreeMap::new();
                let mut attempted_n = 0;
                for r in &attempted {
                    if let Some(c) = r.checks.iter().find(|c| c.name == check.name) {
                        attempted_n += 1;
                        if c.verdict != "passed" {
                            *common.entry(c.verdict.clone()).or_default() += 1;
                        }
                    }
                }
                checks.push(item(
                    course,
                    lab.id.clone(),
                    &check.name,
                    attempted_n,
                    common,
                ));
            }
            for q in &lab.questions {
                let mut common: BTreeMap<String, usize> = BTreeMap::new();
                let mut attempted_n = 0;
                for r in &attempted {
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
                        (Some(Answer::Choices(picked)), QuestionKind::Choice { choices, .. }) => {
                            picked
                                .iter()
                                .filter_map(|&i| choices.get(i))
                                .map(|c| c.text.clone())
                                .collect::<Vec<_>>()
                                .join(" + ")
                        }
                        _ => "(another kind of answer)".into(),
                    };
                    *common.entry(answer).or_default() += 1;
                }
                questions.push(item(course, lab.id.clone(), &q.name, attempted_n, common));
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

    let newest = learners
        .iter()
        .flat_map(|l| &l.labs)
        .filter_map(|r| r.last_attempt.as_deref())
        .filter_map(day_number)
        .max();
    let mut people: Vec<Progress> = learners
        .iter()
        .zip(&bests)
        .map(|(l, best)| {
            let last_activity = l.labs.iter().filter_map(|r| r.last_attempt.clone()).max();
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
                name: l.name.clone(),
                passed: best.values().filter(|r| r.status == "passed").count(),
                score: best.values().map(|r| r.score).sum(),
                max_score: max_total,
                last_activity,
                overdue,
                late,
                behind: None,
            }
        })
        .collect();
    let median_passed = median(people.iter().map(|p| p.passed as f64).collect()).unwrap_or(0.0);
    for p in &mut people {
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

// ---------------------------------------------------------------------------
// Output.

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn common_text(common: &[(String, usize)]) -> String {
    common
        .iter()
        .take(3)
        .map(|(what, n)| format!("{what} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Completion per lab as stacked horizontal bars.
fn completion_svg(labs: &[LabStats], learners: usize) -> String {
    let row = 22;
    let label_w = 220;
    let bar_w = 480;
    let h = row * labs.len() + 30;
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="completion-title" viewBox="0 0 {} {h}" width="100%" class="chart"><title id="completion-title">Learners who passed, are working on, and have not started each lab</title>"#,
        label_w + bar_w + 60
    );
    let scale = |n: usize| (bar_w * n) / learners.max(1);
    for (i, l) in labs.iter().enumerate() {
        let y = i * row;
        let (p, w) = (scale(l.passed), scale(l.in_progress));
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{}" width="{p}" height="16" class="passed"/><rect x="{}" y="{}" width="{w}" height="16" class="progress"/><rect x="{}" y="{}" width="{}" height="16" class="idle"/><text x="{}" y="{}" class="value">{}/{learners}</text>"#,
            label_w - 6,
            y + 13,
            esc(&l.title),
            y + 2,
            label_w + p,
            y + 2,
            label_w + p + w,
            y + 2,
            bar_w - p - w,
            label_w + bar_w + 6,
            y + 13,
            l.passed,
        );
    }
    let y = labs.len() * row + 14;
    let _ = write!(
        s,
        r#"<rect x="{label_w}" y="{y}" width="12" height="12" class="passed"/><text x="{}" y="{}" class="value">passed</text><rect x="{}" y="{y}" width="12" height="12" class="progress"/><text x="{}" y="{}" class="value">in progress</text><rect x="{}" y="{y}" width="12" height="12" class="idle"/><text x="{}" y="{}" class="value">not started</text></svg>"#,
        label_w + 16,
        y + 11,
        label_w + 90,
        label_w + 106,
        y + 11,
        label_w + 200,
        label_w + 216,
        y + 11,
    );
    s
}

/// How many learners have each tenth of all points.
fn histogram_svg(totals: &[u32]) -> String {
    let mut bins = [0usize; 10];
    for &t in totals {
        bins[((t / 10) as usize).min(9)] += 1;
    }
    let most = bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (50, 140);
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="scores-title" viewBox="0 0 {vw} {vh}" width="{vw}" class="chart"><title id="scores-title">How many learners have each share of all points</title>"#,
        vw = w * 10 + 20,
        vh = h + 40
    );
    for (i, &n) in bins.iter().enumerate() {
        let bar = (h * n) / most;
        let x = 10 + i * w;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{bar}" class="passed"/><text x="{}" y="{}" text-anchor="middle" class="value">{n}</text><text x="{}" y="{}" text-anchor="middle" class="label">{}–{}%</text>"#,
            x + 4,
            h - bar + 14,
            w - 8,
            x + w / 2,
            h - bar + 10,
            x + w / 2,
            h + 32,
            i * 10,
            if i == 9 { 100 } else { i * 10 + 9 },
        );
    }
    s.push_str("</svg>");
    s
}

/// Median time spent beside the lab's estimate.
fn time_svg(labs: &[LabStats]) -> String {
    let row = 22;
    let label_w = 220;
    let bar_w = 400;
    let most = labs
        .iter()
        .map(|l| {
            l.median_minutes
                .unwrap_or(0.0)
                .max(f64::from(l.estimate_minutes))
        })
        .fold(1.0, f64::max);
    let h = row * labs.len() + 30;
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="time-title" viewBox="0 0 {} {h}" width="100%" class="chart"><title id="time-title">Median minutes spent on each lab, and the lab's estimate</title>"#,
        label_w + bar_w + 120
    );
    for (i, l) in labs.iter().enumerate() {
        let y = i * row;
        let spent = l.median_minutes.unwrap_or(0.0);
        let sw = (bar_w as f64 * spent / most) as usize;
        let ex = label_w + (bar_w as f64 * f64::from(l.estimate_minutes) / most) as usize;
        let over = spent > 1.5 * f64::from(l.estimate_minutes);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{}" width="{sw}" height="16" class="{}"/><line x1="{ex}" x2="{ex}" y1="{}" y2="{}" class="estimate"/><text x="{}" y="{}" class="value">{} / {} min</text>"#,
            label_w - 6,
            y + 13,
            esc(&l.title),
            y + 2,
            if over { "over" } else { "progress" },
            y,
            y + 20,
            label_w + bar_w + 6,
            y + 13,
            l.median_minutes.map_or("–".into(), |m| format!("{m:.0}")),
            l.estimate_minutes,
        );
    }
    let y = labs.len() * row + 14;
    let _ = write!(
        s,
        r#"<rect x="{label_w}" y="{y}" width="12" height="12" class="progress"/><text x="{}" y="{}" class="value">median time spent</text><rect x="{}" y="{y}" width="12" height="12" class="over"/><text x="{}" y="{}" class="value">over 1.5× the estimate</text><line x1="{}" x2="{}" y1="{y}" y2="{}" class="estimate"/><text x="{}" y="{}" class="value">estimate</text></svg>"#,
        label_w + 16,
        y + 11,
        label_w + 150,
        label_w + 166,
        y + 11,
        label_w + 330,
        label_w + 330,
        y + 12,
        label_w + 336,
        y + 11,
    );
    s
}

fn items_table(items: &[ItemStats], what: &str, common: &str) -> String {
    let mut s = format!(
        "<table><thead><tr><th>lab</th><th>{what}</th><th>got to it</th><th>failed</th><th>{common}</th></tr></thead><tbody>"
    );
    for i in items.iter().filter(|i| i.attempted > 0).take(15) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({:.0}%)</td><td>{}</td></tr>",
            esc(&i.lab),
            esc(&i.name),
            i.attempted,
            i.failed,
            i.failed_percent(),
            esc(&common_text(&i.common))
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The whole report as one self-contained page: inline CSS and SVG, no
/// script, nothing fetched.
pub fn html(report: &ClassReport, title: &str, generated: &str, notes: &[String]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>{CSS}</style></head><body><main><h1>{t}</h1><p class="lead">{} learner(s) · generated {} by sandlab {}</p>"#,
        report.learners,
        esc(generated),
        env!("CARGO_PKG_VERSION"),
        t = esc(title),
    );
    if !notes.is_empty() {
        s.push_str(r#"<div class="notes"><p>Not counted (did not verify by re-grading):</p><ul>"#);
        for n in notes {
            let _ = write!(s, "<li>{}</li>", esc(n));
        }
        s.push_str("</ul></div>");
    }
    let behind: Vec<&Progress> = report
        .people
        .iter()
        .filter(|p| p.behind.is_some())
        .collect();
    let hardest_check = report
        .checks
        .iter()
        .find(|c| c.attempted > 0 && c.failed > 0);
    let hardest_question = report
        .questions
        .iter()
        .find(|c| c.attempted > 0 && c.failed > 0);
    s.push_str(r#"<section><h2>For the next session</h2><ul class="summary">"#);
    if let Some(c) = hardest_check {
        let _ = write!(
            s,
            "<li>The check that fails most: <strong>{}</strong> in {} ({} of {} learners; mostly {}).</li>",
            esc(&c.name),
            esc(&c.lab),
            c.failed,
            c.attempted,
            esc(&common_text(&c.common[..c.common.len().min(1)]))
        );
    }
    if let Some(q) = hardest_question {
        let _ = write!(
            s,
            "<li>The question answered wrongly most: <strong>{}</strong> in {} ({} of {}; commonest wrong answer {}).</li>",
            esc(&q.name),
            esc(&q.lab),
            q.failed,
            q.attempted,
            esc(&common_text(&q.common[..q.common.len().min(1)]))
        );
    }
    let slow: Vec<&LabStats> = report
        .labs
        .iter()
        .filter(|l| {
            l.median_minutes
                .is_some_and(|m| m > 1.5 * f64::from(l.estimate_minutes))
        })
        .collect();
    if !slow.is_empty() {
        let _ = write!(
            s,
            "<li>Taking much longer than estimated: {}.</li>",
            slow.iter()
                .map(|l| esc(&l.title))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let overdue = report.people.iter().filter(|p| p.overdue > 0).count();
    if overdue > 0 {
        let _ = write!(
            s,
            "<li>{overdue} learner(s) have labs past their due date.</li>"
        );
    }
    let _ = write!(
        s,
        "<li>{} learner(s) need a look (below).</li></ul></section>",
        behind.len()
    );

    let _ = write!(
        s,
        "<section><h2>Completion per lab</h2>{}</section>",
        completion_svg(&report.labs, report.learners)
    );
    let _ = write!(
        s,
        "<section><h2>Score distribution</h2><p>Each learner's share of all points in all courses.</p>{}</section>",
        histogram_svg(&report.totals_percent)
    );
    let _ = write!(
        s,
        "<section><h2>Checks that fail most</h2>{}</section>",
        items_table(&report.checks, "check", "commonest verdicts")
    );
    if report.questions.iter().any(|q| q.attempted > 0) {
        let _ = write!(
            s,
            "<section><h2>Questions answered wrongly most</h2>{}</section>",
            items_table(&report.questions, "question", "commonest wrong answers")
        );
    }
    let _ = write!(
        s,
        "<section><h2>Time spent against the estimate</h2>{}</section>",
        time_svg(&report.labs)
    );
    s.push_str("<section><h2>Learners</h2><p>Those who need a look first: labs past their due date, fewer labs passed than half the class median, or no Check for a week while others worked.</p><table><thead><tr><th>learner</th><th>labs passed</th><th>points</th><th>last Check</th><th>overdue</th><th>passed late</th><th>needs a look</th></tr></thead><tbody>");
    for p in &report.people {
        let _ = write!(
            s,
            "<tr{}><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if p.behind.is_some() {
                r#" class="behind""#
            } else {
                ""
            },
            esc(&p.name),
            p.passed,
            p.score,
            p.max_score,
            esc(p
                .last_activity
                .as_deref()
                .map_or("–", |d| d.get(..10).unwrap_or(d))),
            p.overdue,
            p.late,
            esc(p.behind.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table></section><p class=\"lead\">The same tables as CSV: labs.csv, checks.csv, questions.csv, learners.csv.</p></main></body></html>\n");
    s
}

const CSS: &str = "body{font:15px/1.5 system-ui,sans-serif;color:#1d1f21;background:#fbfbfa;margin:0}main{max-width:960px;margin:0 auto;padding:1.5rem}h1{margin:0}h2{margin-top:2rem;border-bottom:1px solid #d6d8db}.lead{color:#5c6166}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d6d8db;vertical-align:top}tr.behind td{background:#fdecea}.notes{background:#fff4d6;padding:.5rem 1rem;border-radius:6px}.chart{max-width:100%;height:auto}.chart .label,.chart .value{font-size:12px;fill:#1d1f21}.chart .passed{fill:#2e7d32}.chart .progress{fill:#1565c0}.chart .idle{fill:#d6d8db}.chart .over{fill:#b42318}.chart .estimate{stroke:#1d1f21;stroke-width:2}.summary li{margin:.3rem 0}";

/// The report's tables as CSV files: (file name, text).
pub fn csv_files(report: &ClassReport) -> Vec<(&'static str, String)> {
    let mut labs = String::from(
        "course,lab,title,passed,in_progress,not_started,estimate_minutes,median_minutes,mean_score_percent\n",
    );
    for l in &report.labs {
        let _ = writeln!(
            labs,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&l.course),
            csv_field(&l.lab),
            csv_field(&l.title),
            l.passed,
            l.in_progress,
            l.not_started,
            l.estimate_minutes,
            l.median_minutes
                .map_or(String::new(), |m| format!("{m:.1}")),
            l.mean_score_percent
                .map_or(String::new(), |m| format!("{m:.1}")),
        );
    }
    let items = |list: &[ItemStats], what: &str| {
        let mut s = format!("course,lab,{what},attempted,failed,failed_percent,commonest\n");
        for i in list {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{:.1},{}",
                csv_field(&i.course),
                csv_field(&i.lab),
                csv_field(&i.name),
                i.attempted,
                i.failed,
                i.failed_percent(),
                csv_field(&common_text(&i.common))
            );
        }
        s
    };
    let mut people = String::from(
        "learner,labs_passed,score,max_score,last_check,overdue,passed_late,needs_a_look\n",
    );
    for p in &report.people {
        let _ = writeln!(
            people,
            "{},{},{},{},{},{},{},{}",
            csv_field(&p.name),
            p.passed,
            p.score,
            p.max_score,
            csv_field(p.last_activity.as_deref().unwrap_or("")),
            p.overdue,
            p.late,
            csv_field(p.behind.as_deref().unwrap_or(""))
        );
    }
    vec![
        ("labs.csv", labs),
        ("checks.csv", items(&report.checks, "check")),
        ("questions.csv", items(&report.questions, "question")),
        ("learners.csv", people),
    ]
}

//! Presentational components: props in, HTML out, no browser APIs. They
//! render natively too, which is how their tests run (Yew's `ssr`).

use super::progress::{LabStatus, Progress, lab_key};
use crate::grade::{CheckReport, Report, Verdict};
use crate::lab::Course;
use yew::prelude::*;

/// A lab as the catalog lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct LabRow {
    pub course: String,
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub status: LabStatus,
    pub score: u32,
    pub max: u32,
}

/// A course as the catalog lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub labs: Vec<LabRow>,
}

impl CourseRow {
    pub fn passed(&self) -> usize {
        self.labs
            .iter()
            .filter(|l| l.status == LabStatus::Passed)
            .count()
    }

    pub fn minutes(&self) -> u32 {
        self.labs.iter().map(|l| l.minutes).sum()
    }
}

/// The catalog's rows for `courses` given the learner's progress.
pub fn course_rows(courses: &[Course], progress: &Progress) -> Vec<CourseRow> {
    courses
        .iter()
        .map(|c| CourseRow {
            id: c.id.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            labs: c
                .labs
                .iter()
                .map(|l| {
                    let p = progress.lab(&lab_key(&c.id, &l.id));
                    LabRow {
                        course: c.id.clone(),
                        id: l.id.clone(),
                        title: l.title.clone(),
                        minutes: l.minutes,
                        status: p.status(),
                        score: p.best_score,
                        max: l.max_score(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A count with thousands separators: fuel figures run to millions.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn lab_href(course: &str, lab: &str) -> String {
    format!("#/lab/{course}/{lab}")
}

pub fn course_href(course: &str) -> String {
    format!("#/course/{course}")
}

#[derive(Properties, PartialEq)]
pub struct CourseListProps {
    pub courses: Vec<CourseRow>,
    /// Show each course's labs (the course page) or only a summary.
    #[prop_or(true)]
    pub expanded: bool,
}

/// Courses with their progress and, expanded, their labs.
#[component]
pub fn CourseList(props: &CourseListProps) -> Html {
    if props.courses.is_empty() {
        return html! {
            <p class="empty">{ "This build has no courses. Authors: add a course under labs/ and rebuild with ./scripts/serve." }</p>
        };
    }
    html! {
        <div class="courses">
        { for props.courses.iter().map(|c| {
            let total = c.labs.len();
            let passed = c.passed();
            html! {
                <section class="course" aria-labelledby={format!("course-{}", c.id)}>
                    <h2 id={format!("course-{}", c.id)}><a href={course_href(&c.id)}>{ &c.title }</a></h2>
                    <p class="summary">{ &c.summary }</p>
                    <div class="course-progress">
                        <progress max={total.to_string()} value={passed.to_string()}
                            aria-label={format!("{} progress", c.title)}></progress>
                        <span>{ format!("{passed} of {total} labs passed · about {} min", c.minutes()) }</span>
                    </div>
                    if props.expanded {
                        <ol class="labs">
                        { for c.labs.iter().map(|l| html! {
                            <li class={classes!("lab-row", status_class(l.status))}>
                                <a href={lab_href(&l.course, &l.id)}>{ &l.title }</a>
                                <span class="badge">{ l.status.label() }</span>
                                <span class="meta">{ format!("{}/{} pts · {} min", l.score, l.max, l.minutes) }</span>
                            </li>
                        }) }
                        </ol>
                    }
                </section>
            }
        }) }
        </div>
    }
}

fn status_class(status: LabStatus) -> &'static str {
    match status {
        LabStatus::NotStarted => "not-started",
        LabStatus::InProgress => "in-progress",
        LabStatus::Passed => "passed",
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub report: Report,
}

/// Every check's verdict with what a learner needs to act on it.
#[component]
pub fn ReportView(props: &ReportProps) -> Html {
    let r = &props.report;
    let failed = r.checks.iter().filter(|c| !c.verdict.is_pass()).count();
    let summary = if r.passed {
        format!(
            "All {} checks passed: {}/{} points. Lab passed!",
            r.checks.len(),
            r.score,
            r.max_score
        )
    } else {
        format!(
            "{failed} of {} checks failed: {}/{} points.",
            r.checks.len(),
            r.score,
            r.max_score
        )
    };
    html! {
        <section class="report" aria-label="Check results">
            <p class={classes!("report-summary", if r.passed { "passed" } else { "failed" })} role="status">{ summary }</p>
            if let Some(e) = &r.compile_error {
                <div class="compile-error" role="alert">
                    <strong>{ "Compile error" }</strong>
                    { match (e.line, e.column) {
                        (Some(l), Some(c)) => html! { <span class="where">{ format!(" at line {l}, column {c}") }</span> },
                        _ => html! {},
                    } }
                    <pre>{ &e.message }</pre>
                </div>
            }
            <ul class="checks">
                { for r.checks.iter().map(check_item) }
            </ul>
        </section>
    }
}

fn check_item(c: &CheckReport) -> Html {
    let pass = c.verdict.is_pass();
    let mark = if pass { "✓" } else { "✗" };
    let fuel = match c.budget {
        Some(b) => format!("fuel {} / budget {}", thousands(c.fuel), thousands(b)),
        None if c.fuel > 0 => format!("fuel {} / {}", thousands(c.fuel), thousands(c.fuel_limit)),
        None => String::new(),
    };
    let show_detail = !pass && !c.hidden && !matches!(c.verdict, Verdict::CompileError(_));
    html! {
        <li class={classes!("check", if pass { "pass" } else { "fail" })}>
            <div class="check-head">
                <span class="mark" aria-hidden="true">{ mark }</span>
                <span class="name">{ &c.name }</span>
                if c.hidden { <span class="badge hidden-badge">{ "hidden" }</span> }
                <span class="verdict">{ if pass { "passed".to_string() } else { c.verdict.name().to_string() } }</span>
                <span class="points">{ format!("{}/{} pts", c.score, c.points) }</span>
                <span class="fuel">{ fuel }</span>
            </div>
            if show_detail {
                { detail(&c.verdict) }
                if let Some(f) = &c.feedback { <p class="feedback">{ f }</p> }
                if !c.stdout.is_empty() && !matches!(c.verdict, Verdict::WrongAnswer(_)) {
                    <details><summary>{ "stdout" }</summary><pre>{ clip(&c.stdout) }</pre></details>
                }
                if !c.stderr.is_empty() {
                    <details><summary>{ "stderr" }</summary><pre>{ clip(&c.stderr) }</pre></details>
                }
            }
        </li>
    }
}

/// Long output is clipped in the view (the whole of it stays in the report).
fn clip(text: &str) -> String {
    const MAX: usize = 4000;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &text[..end], text.len() - end)
}

fn detail(v: &Verdict) -> Html {
    match v {
        Verdict::WrongAnswer(m) => html! {
            <div class="detail">
                <p class="what">{ &m.what }</p>
                <dl class="expected-actual">
                    <dt>{ "expected" }</dt><dd><code>{ clip(&m.expected) }</code></dd>
                    <dt>{ "actual" }</dt><dd><code>{ clip(&m.actual) }</code></dd>
                </dl>
                if let Some(diff) = &m.diff {
                    <pre class="diff" aria-label="differences: lines starting with minus are expected, plus are yours">
                        { for diff.lines().map(|line| {
                            let class = match line.chars().next() {
                                Some('-') => "del",
                                Some('+') => "ins",
                                _ => "ctx",
                            };
                            html! { <span class={class}>{ line }{ "\n" }</span> }
                        }) }
                    </pre>
                }
            </div>
        },
        other => html! { <p class="detail">{ other.to_string() }</p> },
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunView {
    pub stdout: String,
    pub stderr: String,
    /// How it ended, in words.
    pub end: String,
    pub fuel: u64,
    pub fuel_limit: u64,
}

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub run: Option<RunView>,
}

/// What Run printed and how it ended.
#[component]
pub fn Console(props: &ConsoleProps) -> Html {
    let Some(run) = &props.run else {
        return html! { <p class="console-empty">{ "Run shows your program's output here; Check grades it." }</p> };
    };
    html! {
        <div class="console">
            <p class="run-end" role="status">{ format!("{} · fuel {} of {}", run.end, thousands(run.fuel), thousands(run.fuel_limit)) }</p>
            <h3>{ "stdout" }</h3>
            <pre class="stdout">{ if run.stdout.is_empty() { "(nothing)".to_string() } else { clip(&run.stdout) } }</pre>
            if !run.stderr.is_empty() {
                <h3>{ "stderr" }</h3>
                <pre class="stderr">{ clip(&run.stderr) }</pre>
            }
        </div>
    }
}

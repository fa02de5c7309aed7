//! Presentational components: props in, HTML out, no browser APIs. They
//! render natively too, which is how their tests run (Yew's `ssr`).

use super::progress::{LabProgress, LabStatus, Progress, lab_key};
use crate::grade::{Answer, AnswerVerdict, Answers, CheckReport, QuestionReport, Report, Verdict};
use crate::lab::{Course, Lab, Question, QuestionKind};
use crate::web::markdown;
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
    pub due: Option<Due>,
    /// Titles of prerequisites not passed yet.
    pub waiting_for: Vec<String>,
    /// The course locks labs until their prerequisites pass.
    pub locked: bool,
}

/// A due date and where the learner stands against it.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    /// As the course wrote it.
    pub date: String,
    pub state: DueState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueState {
    /// Passed by the due date.
    OnTime,
    /// Passed, after the due date.
    Late,
    /// Not passed; due in this many whole days (0: today).
    Upcoming(i64),
    /// Not passed and past due.
    Overdue,
}

impl Due {
    /// How the catalog says it, and the CSS class.
    pub fn label(&self) -> (String, &'static str) {
        match self.state {
            DueState::OnTime => (format!("done by {}", self.date), "due-ok"),
            DueState::Late => (format!("passed after {}", self.date), "due-late"),
            DueState::Upcoming(0) => ("due today".into(), "due-soon"),
            DueState::Upcoming(1) => ("due tomorrow".into(), "due-soon"),
            DueState::Upcoming(d) if d <= 3 => (format!("due in {d} days"), "due-soon"),
            DueState::Upcoming(_) => (format!("due {}", self.date), "due-later"),
            DueState::Overdue => (format!("overdue since {}", self.date), "due-overdue"),
        }
    }
}

/// Where a lab stands against its due date at `now_s` (seconds since the
/// epoch); `passed_at_s` is when it first passed.
pub fn due_state(due_s: i64, passed_at_s: Option<i64>, now_s: i64) -> DueState {
    match passed_at_s {
        Some(p) if p <= due_s => DueState::OnTime,
        Some(_) => DueState::Late,
        None if now_s > due_s => DueState::Overdue,
        None => DueState::Upcoming((due_s - now_s) / 86_400),
    }
}

/// A course as the catalog lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub labs: Vec<LabRow>,
    /// The weekly time the course suggests, in minutes.
    pub weekly_minutes: Option<u32>,
    pub due: Option<Due>,
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

    /// Estimated minutes of the labs not passed yet.
    pub fn minutes_left(&self) -> u32 {
        self.labs
            .iter()
            .filter(|l| l.status != LabStatus::Passed)
            .map(|l| l.minutes)
            .sum()
    }
}

/// The catalog's rows for `courses` given the learner's progress.
pub fn course_rows(courses: &[Course], progress: &Progress, now_s: i64) -> Vec<CourseRow> {
    courses
        .iter()
        .map(|c| {
            let passed = |id: &str| progress.passed(&lab_key(&c.id, id));
            let passed_at = |id: &str| progress.passed_at_seconds(&lab_key(&c.id, id));
            let due = |key: &str, passed_at_s: Option<i64>| {
                let date = c.schedule.due.get(key)?;
                let at = c.schedule.due_at(key)?;
                Some(Due {
                    date: date.clone(),
                    state: due_state(at, passed_at_s, now_s),
                })
            };
            let all_passed_at = c
                .labs
                .iter()
                .map(|l| passed_at(&l.id))
                .collect::<Option<Vec<i64>>>()
                .and_then(|v| v.into_iter().max());
            CourseRow {
                id: c.id.clone(),
                title: c.title.clone(),
                summary: c.summary.clone(),
                weekly_minutes: c.schedule.weekly_minutes,
                due: due("course", all_passed_at),
                labs: c
                    .labs
                    .iter()
                    .map(|l| {
                        let none = LabProgress::default();
                        let p = progress.labs.get(&lab_key(&c.id, &l.id)).unwrap_or(&none);
                        LabRow {
                            course: c.id.clone(),
                            id: l.id.clone(),
                            title: l.title.clone(),
                            minutes: l.minutes,
                            status: p.status(),
                            score: p.best_score,
                            max: l.max_score(),
                            due: due(&l.id, passed_at(&l.id)),
                            waiting_for: l
                                .requires
                                .iter()
                                .filter(|r| !passed(r))
                                .filter_map(|r| c.labs.iter().find(|x| &x.id == r))
                                .map(|x| x.title.clone())
                                .collect(),
                            locked: c.schedule.lock,
                        }
                    })
                    .collect(),
            }
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
    /// The learner's own weekly time, in minutes, if they set one.
    #[prop_or_default]
    pub weekly_plan: Option<u32>,
    /// The learner changed their weekly time (the input's change event).
    #[prop_or_default]
    pub on_plan: Callback<Event>,
    /// The list is the page's subject (one course's page): its title is the
    /// page's level-one heading.
    #[prop_or_default]
    pub page: bool,
}

fn due_badge(d: &Due) -> Html {
    let (text, class) = d.label();
    html! { <span class={classes!("due", class)}>{ text }</span> }
}

/// The course's suggested pace beside the learner's own plan: how many
/// weeks the labs left take at that pace.
fn pace_view(c: &CourseRow, plan: Option<u32>, on_plan: &Callback<Event>) -> Html {
    let left = c.minutes_left();
    let weeks = |per_week: u32| f64::from(left) / f64::from(per_week.max(1));
    let suggested = c.weekly_minutes.map(|w| {
        format!(
            "The course suggests {w} min a week: about {:.1} weeks for the {left} min left.",
            weeks(w)
        )
    });
    let mine = plan.map(|w| format!("At your {w} min a week: about {:.1} weeks.", weeks(w)));
    let onchange = on_plan.clone();
    html! {
        <div class="pace">
            if let Some(s) = suggested { <p>{ s }</p> }
            <label>{ "My weekly time (minutes) " }
                <input type="number" min="1" max="10080" class="weekly-plan"
                    value={plan.map(|p| p.to_string()).unwrap_or_default()} {onchange} />
            </label>
            if let Some(m) = mine { <p class="plan">{ m }</p> }
        </div>
    }
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
                    if props.page {
                        <h1 id={format!("course-{}", c.id)}>{ &c.title }</h1>
                    } else {
                        <h2 id={format!("course-{}", c.id)}><a href={course_href(&c.id)}>{ &c.title }</a></h2>
                    }
                    <p class="summary">{ &c.summary }</p>
                    <div class="course-progress">
                        <progress max={total.to_string()} value={passed.to_string()}
                            aria-label={format!("{} progress", c.title)}></progress>
                        <span>{ format!("{passed} of {total} labs passed · about {} min", c.minutes()) }</span>
                        if let Some(d) = &c.due {
                            { due_badge(d) }
                        }
                    </div>
                    if props.expanded {
                        { pace_view(c, props.weekly_plan, &props.on_plan) }
                    }
                    if props.expanded {
                        <ol class="labs">
                        { for c.labs.iter().map(|l| html! {
                            <li class={classes!("lab-row", status_class(l.status))} data-lab={l.id.clone()}>
                                <a href={lab_href(&l.course, &l.id)}>{ &l.title }</a>
                                <span class="badge">{ l.status.label() }</span>
                                <span class="meta">{ format!("{}/{} pts · {} min", l.score, l.max, l.minutes) }</span>
                                if let Some(d) = &l.due { { due_badge(d) } }
                                if !l.waiting_for.is_empty() {
                                    <span class={classes!("requires", l.locked.then_some("locked"))}>
                                        { format!("{} {}", if l.locked { "Opens after" } else { "Best after" }, l.waiting_for.join(", ")) }
                                    </span>
                                }
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

/// The CSS class of a lab's status.
pub fn status_class(status: LabStatus) -> &'static str {
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
    let failed = r.checks.iter().filter(|c| !c.verdict.is_pass()).count()
        + r.questions
            .iter()
            .filter(|q| q.verdict != AnswerVerdict::Correct)
            .count();
    let total = r.checks.len() + r.questions.len();
    let what = match (r.checks.is_empty(), r.questions.is_empty()) {
        (false, true) => "checks",
        (true, false) => "questions",
        _ => "checks and questions",
    };
    let summary = if r.passed {
        format!(
            "All {total} {what} passed: {}/{} points. Lab passed!",
            r.score, r.max_score
        )
    } else {
        format!(
            "{failed} of {total} {what} failed: {}/{} points.",
            r.score, r.max_score
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
                if c.input.is_some() || c.expected.is_some() {
                    <dl class="ran">
                        if let Some(input) = &c.input {
                            <dt>{ "input" }</dt><dd><code>{ clip(input) }</code></dd>
                        }
                        if let Some(expected) = &c.expected {
                            <dt>{ "wanted" }</dt><dd><code>{ clip(expected) }</code></dd>
                        }
                    </dl>
                }
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

/// The lab's questions, with the learner's answers filled in and, once
/// checked, each one's verdict, feedback and explanation.
pub fn questions_view(
    lab: &Lab,
    answers: &Answers,
    graded: &[QuestionReport],
    on_answer: &Callback<(String, Answer)>,
    on_text: &Callback<(String, InputEvent)>,
    disabled: bool,
) -> Html {
    if lab.questions.is_empty() {
        return html! {};
    }
    html! {
        <section class="questions" aria-label="Questions">
            <h2>{ "Questions" }</h2>
            { for lab.questions.iter().enumerate().map(|(i, q)| {
                let report = graded.iter().find(|r| r.name == q.name);
                question_view(i, q, answers.get(&q.name), report, on_answer, on_text, disabled)
            }) }
        </section>
    }
}

fn question_view(
    index: usize,
    q: &Question,
    answer: Option<&Answer>,
    report: Option<&QuestionReport>,
    on_answer: &Callback<(String, Answer)>,
    on_text: &Callback<(String, InputEvent)>,
    disabled: bool,
) -> Html {
    let md = |text: &str| Html::from_html_unchecked(AttrValue::from(markdown::to_safe_html(text)));
    let picked: Vec<usize> = match answer {
        Some(Answer::Choices(p)) => p.clone(),
        _ => Vec::new(),
    };
    let input = match &q.kind {
        QuestionKind::Choice { multiple, choices } => html! {
            <ul class="choices">
                { for choices.iter().enumerate().map(|(j, c)| {
                    let name = q.name.clone();
                    let next = if *multiple {
                        let mut next: Vec<usize> = picked.iter().copied().filter(|&k| k != j).collect();
                        if !picked.contains(&j) {
                            next.push(j);
                            next.sort_unstable();
                        }
                        next
                    } else {
                        vec![j]
                    };
                    let onchange = on_answer.reform(move |_: Event| (name.clone(), Answer::Choices(next.clone())));
                    html! {
                        <li><label>
                            <input type={if *multiple { "checkbox" } else { "radio" }} name={format!("question-{index}")}
                                checked={picked.contains(&j)} {onchange} {disabled} />
                            <span class="choice-text">{ md(&c.text) }</span>
                        </label></li>
                    }
                }) }
            </ul>
        },
        QuestionKind::Text(_) => {
            let name = q.name.clone();
            let value = match answer {
                Some(Answer::Text(t)) => t.clone(),
                _ => String::new(),
            };
            html! {
                <input type="text" class="answer" aria-label={format!("Answer to {}", q.name)} {value}
                    oninput={on_text.reform(move |e: InputEvent| (name.clone(), e))} {disabled} />
            }
        }
    };
    let hint = match &q.kind {
        QuestionKind::Choice { multiple: true, .. } => "Tick every right answer.",
        QuestionKind::Choice { .. } => "Pick one.",
        QuestionKind::Text(_) => "Type your answer.",
    };
    html! {
        <fieldset class="question" data-question={q.name.clone()}>
            <legend>{ format!("{} ({} pt{})", q.name, q.points, if q.points == 1 { "" } else { "s" }) }</legend>
            <div class="prompt">{ md(&q.prompt) }</div>
            <p class="question-hint">{ hint }</p>
            { input }
            if let Some(r) = report {
                <div class={classes!("answer-verdict", r.verdict.name())} role="status">
                    <strong>{ match r.verdict {
                        AnswerVerdict::Correct => "Correct.",
                        AnswerVerdict::Wrong => "Not quite.",
                        AnswerVerdict::Unanswered => "Not answered yet.",
                    } }</strong>
                    { for r.feedback.iter().map(|f| html! { <p class="feedback">{ md(f) }</p> }) }
                    if let Some(e) = &r.explanation { <div class="explanation">{ md(e) }</div> }
                </div>
            }
        </fieldset>
    }
}

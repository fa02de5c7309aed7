//! Component rendering, natively, with Yew's server renderer.

use super::progress::{Action, LabStatus, Progress, lab_key};
use super::views::{
    Console, ConsoleProps, CourseList, CourseListProps, ReportProps, ReportView, RunView,
    course_rows,
};
use crate::grade;
use crate::lab::{self, Files};
use crate::language::Submission;
use std::rc::Rc;
use yew::{LocalServerRenderer, Reducible};

fn render<C: yew::BaseComponent>(props: C::Properties) -> String {
    futures::executor::block_on(LocalServerRenderer::<C>::with_props(props).render())
}

fn built_in() -> Vec<lab::Course> {
    courses_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs"))
}

/// The courses in the folder `root` (folders of courses, as in `labs/`, or
/// one course at the top); every one must load without a problem.
pub(super) fn courses_in(root: &std::path::Path) -> Vec<lab::Course> {
    let mut files = Files::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a course folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).expect("readable"));
            }
        }
    }
    let loaded = lab::load_courses(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.courses
}

#[test]
fn catalog_lists_courses_labs_and_progress() {
    let courses = built_in();
    let course = &courses[0];
    let first = &course.labs[0];
    let key = lab_key(&course.id, &first.id);
    let progress = Rc::new(Progress::default()).reduce(Action::Graded {
        key: key.clone(),
        score: 6,
        max: 6,
        passed: true,
        at: 1.0,
    });
    let rows = course_rows(&courses, &progress, 0);
    assert_eq!(rows[0].labs[0].status, LabStatus::Passed);
    let html = render::<CourseList>(CourseListProps {
        courses: rows,
        expanded: true,
        weekly_plan: None,
        on_plan: Default::default(),
        page: false,
    });
    assert!(html.contains(&course.title), "{html}");
    assert!(
        html.contains(&format!("1 of {} labs passed", course.labs.len())),
        "{html}"
    );
    for lab in &course.labs {
        assert!(
            html.contains(&format!("#/lab/{}/{}", course.id, lab.id)),
            "link to {}",
            lab.id
        );
    }
    assert!(html.contains("not started"));
}

#[test]
fn empty_catalog_tells_authors_what_to_do() {
    let html = render::<CourseList>(CourseListProps {
        courses: vec![],
        expanded: true,
        weekly_plan: None,
        on_plan: Default::default(),
        page: false,
    });
    assert!(html.contains("no courses"), "{html}");
}

#[test]
fn report_shows_expected_actual_and_hides_hidden_data() {
    let courses = built_in();
    let lab = courses
        .iter()
        .flat_map(|c| &c.labs)
        .find(|l| l.id == "add")
        .expect("add lab")
        .clone();
    let mut lab = lab;
    grade::compute_expected(&mut lab).expect("prepares");
    let wrong = Submission::wat(
        r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub))"#,
    );
    let report = grade::grade(&lab, &wrong);
    let html = render::<ReportView>(ReportProps {
        report: report.clone(),
    });
    assert!(html.contains("checks failed"), "{html}");
    assert!(html.contains("expected") && html.contains("actual"));
    assert!(
        html.contains("add(2, 3)"),
        "the failing call is shown: {html}"
    );
    // The hidden overflow check: name and verdict, never its data.
    let hidden = report
        .checks
        .iter()
        .find(|c| c.hidden)
        .expect("a hidden check");
    assert!(html.contains(&hidden.name));
    assert!(!html.contains("2147483647"), "hidden data leaked: {html}");
}

#[test]
fn report_shows_compile_error_position() {
    let courses = built_in();
    let lab = &courses[0].labs[0];
    let report = grade::grade(
        lab,
        &Submission::wat("(module\n  (func (export \"add\")\n    i32.konst 1))"),
    );
    let html = render::<ReportView>(ReportProps { report });
    assert!(html.contains("Compile error"), "{html}");
    assert!(html.contains("line 3, column 5"), "{html}");
}

#[test]
fn console_shows_output_and_how_the_run_ended() {
    let html = render::<Console>(ConsoleProps {
        run: Some(RunView {
            stdout: "Hello <b>\n".into(),
            stderr: String::new(),
            end: "exited with code 0".into(),
            fuel: 12,
            fuel_limit: 1_000_000,
        }),
    });
    assert!(
        html.contains("exited with code 0 · fuel 12 of 1,000,000"),
        "{html}"
    );
    assert!(
        html.contains("Hello &lt;b&gt;"),
        "output is text, not markup: {html}"
    );
    let empty = render::<Console>(ConsoleProps { run: None });
    assert!(empty.contains("Run shows"));
}

#[test]
fn thousands_separators() {
    use super::views::thousands;
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(10_000_000), "10,000,000");
}

#[test]
fn help_text_packs_the_lab_the_code_and_the_failures_but_no_hidden_data() {
    use super::help::{HelpRequest, help_text, mailto};
    let courses = built_in();
    let course = courses
        .iter()
        .find(|c| c.labs.iter().any(|l| l.id == "add"))
        .expect("course");
    let mut lab = course
        .labs
        .iter()
        .find(|l| l.id == "add")
        .expect("add")
        .clone();
    grade::compute_expected(&mut lab).expect("prepares");
    let code = "(module (func (export \"add\") (param i32 i32) (result i32)\n  local.get 0 local.get 1 i32.sub))";
    let report = grade::grade(&lab, &Submission::wat(code));
    let answers = grade::Answers::new();
    let request = HelpRequest {
        course,
        lab: &lab,
        page: "http://127.0.0.1/#/lab/wasm-from-scratch/add",
        question: "Why is 2 + 3 wrong?",
        code: Some(code),
        upload: None,
        answers: &answers,
        report: Some(&report),
        attempts: 3,
    };
    let text = help_text(&request);
    assert!(
        text.starts_with("Help with \"Add two numbers\" (wasm-from-scratch/add)"),
        "{text}"
    );
    assert!(text.contains("Why is 2 + 3 wrong?"));
    assert!(
        text.contains("local.get 0 local.get 1 i32.sub"),
        "the code: {text}"
    );
    assert!(
        text.contains(
            "- 2 + 3: wrong answer: add(2, 3) gave -1 (unsigned: 4294967295), expected 5"
        ),
        "{text}"
    );
    assert!(text.contains("- passed: exports add"), "{text}");
    assert!(text.contains("(a hidden check)"), "{text}");
    assert!(!text.contains("2147483647"), "hidden data leaked: {text}");
    assert!(text.contains("Attempts: 3"));

    // An email link holds the text, encoded, and stays short enough for
    // mail programs even when the code is long.
    let link = mailto("ta@example.edu", "Help with add", &text);
    assert!(
        link.starts_with(
            "mailto:ta@example.edu?subject=Help%20with%20add&body=Help%20with%20%22Add"
        ),
        "{link}"
    );
    assert!(!link.contains(' ') && !link.contains('\n'));
    let long = format!("{text}{}", ";; filler line\n".repeat(500));
    let cut = mailto("ta@example.edu", "Help", &long);
    assert!(cut.len() <= 1900, "{} bytes", cut.len());
    assert!(
        cut.ends_with(&"press%20Copy%20and%20paste%20it%20here%29".to_string()),
        "{cut}"
    );
}

#[test]
fn the_catalog_shows_due_dates_prerequisites_and_the_pace() {
    use super::views::{DueState, due_state};
    let day = 86_400;
    assert_eq!(due_state(10 * day, Some(9 * day), 0), DueState::OnTime);
    assert_eq!(
        due_state(10 * day, Some(11 * day), 12 * day),
        DueState::Late
    );
    assert_eq!(due_state(10 * day, None, 11 * day), DueState::Overdue);
    assert_eq!(due_state(10 * day, None, 8 * day), DueState::Upcoming(2));

    let courses = built_in();
    let tour = courses
        .iter()
        .find(|c| c.id == "feature-tour")
        .expect("tour");
    assert_eq!(tour.schedule.weekly_minutes, Some(60));
    // 2026-12-06 noon UTC: calls (due 12-08) is two days off, nothing passed.
    let now = crate::lab::deadline_seconds("2026-12-06T12:00:00Z").expect("date");
    let progress = Rc::new(Progress::default())
        .reduce(Action::SetWeeklyPlan(Some(30)))
        .reduce(Action::Graded {
            key: lab_key("feature-tour", "quiz"),
            score: 6,
            max: 6,
            passed: true,
            at: 1000.0 * now as f64,
        });
    let rows = course_rows(&courses, &progress, now);
    let row = rows.iter().find(|c| c.id == "feature-tour").expect("row");
    let lab = |id: &str| row.labs.iter().find(|l| l.id == id).expect("lab");
    assert_eq!(
        lab("calls").due.as_ref().map(|d| d.state),
        Some(DueState::Upcoming(2))
    );
    assert_eq!(
        lab("quiz").due.as_ref().map(|d| d.state),
        Some(DueState::OnTime)
    );
    assert_eq!(lab("commands").waiting_for, ["Calls, traps and memory"]);
    assert!(!lab("commands").locked, "the tour only marks prerequisites");
    let html = render::<CourseList>(CourseListProps {
        courses: vec![row.clone()],
        expanded: true,
        weekly_plan: progress.weekly_plan,
        on_plan: Default::default(),
        page: true,
    });
    assert!(
        html.contains("<h1"),
        "the course's own page has its title as h1: {html}"
    );
    assert!(html.contains("due in 2 days"), "{html}");
    assert!(html.contains("done by 2026-12-08"), "{html}");
    assert!(
        html.contains("Best after Calls, traps and memory"),
        "{html}"
    );
    assert!(html.contains("The course suggests 60 min a week"), "{html}");
    assert!(html.contains("At your 30 min a week"), "{html}");
    // Past every due date, what is not passed is overdue.
    let later = crate::lab::deadline_seconds("2027-02-01").expect("date");
    let rows = course_rows(&courses, &progress, later);
    let row = rows.iter().find(|c| c.id == "feature-tour").expect("row");
    assert_eq!(
        row.labs[0].due.as_ref().map(|d| d.state),
        Some(DueState::Overdue)
    );
    assert_eq!(row.due.as_ref().map(|d| d.state), Some(DueState::Overdue));
}

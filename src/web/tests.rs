//! Component rendering, natively, with Yew's server renderer.

use super::progress::{Action, LabStatus, Progress, lab_key};
use super::views::{
    Console, ConsoleProps, CourseList, CourseListProps, ReportProps, ReportView, RunView,
    course_rows,
};
use crate::compile::Submission;
use crate::grade;
use crate::lab::{self, Files};
use std::rc::Rc;
use yew::{LocalServerRenderer, Reducible};

fn render<C: yew::BaseComponent>(props: C::Properties) -> String {
    futures::executor::block_on(LocalServerRenderer::<C>::with_props(props).render())
}

fn built_in() -> Vec<lab::Course> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs");
    let mut files = Files::default();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("labs/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)
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
    let rows = course_rows(&courses, &progress);
    assert_eq!(rows[0].labs[0].status, LabStatus::Passed);
    let html = render::<CourseList>(CourseListProps {
        courses: rows,
        expanded: true,
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
    grade::prepare(&mut lab).expect("prepares");
    let wrong = Submission::Wat(
        r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub))"#.into(),
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
        &Submission::Wat("(module\n  (func (export \"add\")\n    i32.konst 1))".into()),
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

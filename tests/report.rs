//! `sandlab report` on a generated class: twelve learners of the fixture
//! course, some through, some stuck on the same check, some wrong on the
//! same question, two gone quiet, and one record edited by hand.

use crate::support::{fixtures, read_tree};
use sandlab::grade::{self, Answers};
use sandlab::language::Submission;
use sandlab::record::class_report::Learner;
use sandlab::record::{self, Attempts, Learner as RecordLearner, Record};
use std::path::Path;

const RIGHT: &str = r#"{"locals": {"choices": [1]}, "integer types": {"choices": [0, 1]},
    "bytes": {"text": "8"}, "pi": {"text": "3.14"}, "opcode": {"text": "i32.add"},
    "magic": {"text": "0061736d"}}"#;
const WRONG: &str = r#"{"locals": {"choices": [0]}, "bytes": {"text": "64"}}"#;

/// Writes a class of records into `dir`.
fn class(dir: &Path) {
    let files = read_tree(&fixtures().join("labs/course"));
    let mut loaded = sandlab::lab::load_courses(&files);
    for lab in &mut loaded.courses[0].labs {
        grade::compute_expected(lab).expect("prepares");
    }
    let course = &loaded.courses[0];
    let wat = |file: &str| {
        Submission::wat(
            std::fs::read_to_string(fixtures().join("labs/submissions").join(file))
                .expect("submission"),
        )
    };
    // (learner, calc submission or None for the solution, quiz answers, last day)
    let mut people: Vec<(String, Option<&str>, &str, &str)> = Vec::new();
    for i in 1..=5 {
        people.push((format!("Through {i}"), None, RIGHT, "2026-11-20"));
    }
    for i in 1..=3 {
        people.push((
            format!("Stuck {i}"),
            Some("calc_wrong.wat"),
            WRONG,
            "2026-11-19",
        ));
    }
    for i in 1..=2 {
        people.push((
            format!("Looping {i}"),
            Some("calc_loop.wat"),
            RIGHT,
            "2026-11-20",
        ));
    }
    for i in 1..=2 {
        people.push((
            format!("Quiet {i}"),
            Some("calc_wrong.wat"),
            "",
            "2026-11-01",
        ));
    }
    for (n, (name, calc, answers, day)) in people.into_iter().enumerate() {
        let mut labs = Vec::new();
        let through = calc.is_none();
        for l in &course.labs {
            let (submission, answers): (Submission, Answers) = match l.id.as_str() {
                "calc" => (
                    calc.map_or_else(|| l.solution.clone().expect("solution"), wat),
                    Answers::new(),
                ),
                "quiz" if !answers.is_empty() => (
                    Submission::wat(String::new()),
                    serde_json::from_str(answers).expect("answers"),
                ),
                _ if through => (l.solution.clone().expect("solution"), Answers::new()),
                _ => continue,
            };
            let report = grade::grade_with(l, &submission, &answers);
            labs.push(record::lab_record(
                course,
                l,
                &submission,
                &answers,
                &report,
                Attempts {
                    attempts: 2,
                    first_attempt: Some(format!("{day}T09:00:00Z")),
                    last_attempt: Some(format!("{day}T10:00:00Z")),
                    // calc takes everyone about three times its estimate.
                    time_spent_seconds: if l.id == "calc" {
                        60 * 3 * u64::from(l.minutes)
                    } else {
                        300
                    },
                    passed_at: report.passed.then(|| format!("{day}T10:00:00Z")),
                },
            ));
        }
        let mut r = Record {
            schema: record::SCHEMA.into(),
            sandlab_version: "0.1.0".into(),
            engine: record::ENGINE.into(),
            learner: RecordLearner {
                name: name.clone(),
                email: None,
            },
            exported_at: "2026-11-21T12:00:00Z".into(),
            labs,
        };
        if name == "Stuck 3" {
            // Edited by hand to claim calc passed: it must not count.
            let calc = r.labs.iter_mut().find(|l| l.lab == "calc").expect("calc");
            calc.status = "passed".into();
            calc.score = calc.max_score;
        }
        std::fs::write(dir.join(format!("r{n:02}.json")), record::write(&r)).expect("written");
    }
}

#[test]
fn a_class_report_shows_what_to_cover_and_who_needs_a_look() {
    let dir = std::env::temp_dir().join(format!("sandlab-report-{}", std::process::id()));
    let records = dir.join("records");
    std::fs::create_dir_all(&records).expect("temp dir");
    class(&records);
    let out = dir.join("report");
    let mut args: Vec<String> = vec!["report".into()];
    let mut paths: Vec<_> = std::fs::read_dir(&records)
        .expect("records")
        .map(|e| e.expect("entry").path().display().to_string())
        .collect();
    paths.sort();
    args.extend(paths);
    args.extend([
        "--labs".into(),
        fixtures().join("labs/course").display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--title".into(),
        "Fixtures <class> report".into(),
    ]);
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(&args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("(12 learner(s), 1 lab(s) left out as unverified)"),
        "{stdout}"
    );

    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    // Self-contained and inert: no script, nothing loaded from anywhere.
    for bad in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(bad), "{bad} in the report");
    }
    assert!(html.contains("<title>Fixtures &lt;class&gt; report</title>"));
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
    assert!(
        html.contains(
            "Not counted (did not verify by re-grading):</p><ul><li>Stuck 3: fixtures/calc</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains("Taking much longer than estimated: Calculator"),
        "{html}"
    );

    let csv = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    let labs = csv("labs.csv");
    // calc: 5 through; 2 stuck (the third does not count), 2 looping, 2 quiet.
    assert!(
        labs.lines()
            .any(|l| l.starts_with("fixtures,calc,Calculator,5,6,1,")),
        "{labs}"
    );
    let checks = csv("checks.csv");
    let top = checks.lines().nth(1).expect("a check");
    assert!(
        top.starts_with("fixtures,calc,"),
        "the failing check leads: {checks}"
    );
    assert!(
        checks.contains("wrong answer (4)") && checks.contains("out of fuel (2)"),
        "{checks}"
    );
    let questions = csv("questions.csv");
    assert!(
        questions.contains("fixtures,quiz,bytes,10,3,30.0,\"\"\"64\"\" (3)\""),
        "{questions}"
    );
    let learners = csv("learners.csv");
    for quiet in ["Quiet 1", "Quiet 2"] {
        let row = learners
            .lines()
            .find(|l| l.starts_with(quiet))
            .expect("row");
        assert!(row.contains("no Check for 19 days"), "{row}");
    }
    assert!(
        learners
            .lines()
            .find(|l| l.starts_with("Through 1"))
            .expect("row")
            .ends_with(',')
    );
    // A file that is not a record stops the report and says which.
    let bad = records.join("notes.txt");
    std::fs::write(&bad, "not json").expect("written");
    args.insert(1, bad.display().to_string());
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("notes.txt: cannot be read: not JSON"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn due_dates_show_who_is_late_and_who_is_overdue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("labs");
    let mut loaded = sandlab::lab::load_courses(&read_tree(&root));
    let tour = loaded
        .courses
        .iter_mut()
        .find(|c| c.id == "feature-tour")
        .expect("the tour has a schedule");
    for lab in &mut tour.labs {
        grade::compute_expected(lab).expect("prepares");
    }
    let tour = &*tour;
    let passed = |id: &str, on: &str| {
        let lab = tour.labs.iter().find(|l| l.id == id).expect("lab");
        let solution = lab.solution.clone().expect("solution");
        let report = grade::grade(lab, &solution);
        assert!(report.passed);
        record::lab_record(
            tour,
            lab,
            &solution,
            &Answers::new(),
            &report,
            Attempts {
                attempts: 1,
                first_attempt: Some(format!("{on}T08:00:00Z")),
                last_attempt: Some(format!("{on}T09:00:00Z")),
                time_spent_seconds: 600,
                passed_at: Some(format!("{on}T09:00:00Z")),
            },
        )
    };
    // calls due 12-08, commands due 12-15, upload due 12-22.
    let on_time = passed("calls", "2026-12-07");
    let late = passed("commands", "2026-12-20");
    assert_eq!(on_time.due.as_deref(), Some("2026-12-08"));
    let learners = [Learner {
        name: "Ada".into(),
        labs: vec![&on_time, &late],
    }];
    let class = |now: &str| {
        let now = sandlab::lab::deadline_seconds(now).expect("date");
        record::class_report::analyse(std::slice::from_ref(tour), &learners, now)
    };
    // Before upload (and the quiz, due 12-08) matter: only the late lab.
    let early = class("2026-12-06T00:00:00Z");
    assert_eq!((early.people[0].late, early.people[0].overdue), (1, 0));
    assert_eq!(early.people[0].behind, None);
    // After 12-22: the quiz and upload are overdue.
    let after = class("2026-12-23T12:00:00Z");
    assert_eq!((after.people[0].late, after.people[0].overdue), (1, 2));
    assert_eq!(after.people[0].behind.as_deref(), Some("2 lab(s) overdue"));
    let page = record::class_report::html(&after, "Tour", "2026-12-23", &[]);
    assert!(
        page.contains("<li>1 learner(s) have labs past their due date.</li>"),
        "{page}"
    );
    assert!(
        !record::class_report::html(&early, "Tour", "2026-12-06", &[])
            .contains("have labs past their due date")
    );
}

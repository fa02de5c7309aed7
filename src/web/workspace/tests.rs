//! Each decision of the workspace, on the fixture course
//! (`tests/fixtures/labs/course`) and on small labs written here.

use super::*;
use crate::compile;
use crate::grade::Answer;
use crate::lab::{self, Files};
use crate::language;
use crate::sandbox::Entry;
use crate::vocab::Value;
use crate::web::progress::Action;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// The fixture course, its random checks' expected values computed (as
/// `sandlab bundle` does), so re-grading gives real verdicts.
fn fixtures() -> Course {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/labs/course");
    let mut courses = crate::web::tests::courses_in(&root);
    assert_eq!(courses.len(), 1);
    let mut course = courses.remove(0);
    for lab in &mut course.labs {
        grade::compute_expected(lab).expect("prepares");
    }
    course
}

fn fixture(course: &Course, id: &str) -> Lab {
    course
        .labs
        .iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no lab {id}"))
        .clone()
}

/// A course "small" of the labs given as (id, lab.toml); every lab has a
/// README, a WAT starter and solution, and an uploaded-module solution.
fn small_course(labs: &[(&str, &str)]) -> Course {
    let mut files = Files::default();
    let ids: Vec<String> = labs.iter().map(|(id, _)| format!("\"{id}\"")).collect();
    files.insert(
        "course.toml",
        format!(
            "format = 1\nid = \"small\"\ntitle = \"Small\"\nsummary = \"S\"\nlabs = [{}]\n",
            ids.join(", ")
        ),
    );
    for (id, toml) in labs {
        files.insert(format!("{id}/lab.toml"), *toml);
        files.insert(format!("{id}/README.md"), "# Lab");
        files.insert(format!("{id}/starter.wat"), "(module)");
        files.insert(format!("{id}/solution.wat"), "(module)");
        files.insert(format!("{id}/solution.wasm"), b"\0asm\x01\0\0\0".to_vec());
    }
    let mut loaded = lab::load_courses(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.courses.remove(0)
}

/// One lab of its own, from its lab.toml.
fn small_lab(toml: &str) -> Lab {
    small_course(&[("t", toml)]).labs.remove(0)
}

const UPLOAD_LAB: &str = "format = 1\nid = \"up\"\ntitle = \"Upload\"\nlanguage = \"wasm\"\n\
    [[check]]\nname = \"m\"\nkind = \"module\"\nmax-bytes = 100\n";

fn apply(progress: Progress, actions: Vec<Action>) -> Progress {
    let mut rc = Rc::new(progress);
    for action in actions {
        rc = rc.reduce(action);
    }
    (*rc).clone()
}

/// A lab's progress after `actions` on it (all on [`KEY`]).
fn saved_after(actions: Vec<Action>) -> LabProgress {
    apply(Progress::default(), actions).lab(KEY)
}

const KEY: &str = "c/l";

fn edit(code: &str) -> Action {
    Action::Edit {
        key: KEY.into(),
        code: code.into(),
    }
}

fn upload(bytes: &[u8]) -> Action {
    Action::Upload {
        key: KEY.into(),
        name: "mine.wasm".into(),
        bytes: bytes.to_vec(),
    }
}

fn answer(question: &str, text: &str) -> Action {
    Action::Answer {
        key: KEY.into(),
        question: question.into(),
        answer: Answer::Text(text.into()),
    }
}

#[test]
fn the_editor_shows_the_starter_until_the_first_edit_then_the_learners_code() {
    let course = fixtures();
    let calc = fixture(&course, "calc");
    let starter = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/labs/course/calc/starter.wat"),
    )
    .expect("the starter");
    assert_eq!(code(&calc, &LabProgress::default()), starter);
    let mine = saved_after(vec![edit("(module) ;; mine")]);
    assert_eq!(code(&calc, &mine), "(module) ;; mine");
    // Emptied by the learner is still theirs, not the starter.
    assert_eq!(code(&calc, &saved_after(vec![edit("")])), "");
    // After Reset the starter shows again.
    let reset = saved_after(vec![
        edit("(module) ;; mine"),
        Action::Reset { key: KEY.into() },
    ]);
    assert_eq!(code(&calc, &reset), starter);
    // A lab without a starter starts empty.
    assert_eq!(code(&fixture(&course, "quiz"), &LabProgress::default()), "");
}

#[test]
fn a_wat_lab_hands_in_the_editors_code_and_never_an_upload() {
    let course = fixtures();
    let calc = fixture(&course, "calc");
    let starter = code(&calc, &LabProgress::default());
    assert_eq!(
        submission(&calc, &LabProgress::default()),
        Some(Submission::wat(starter)),
        "the starter is handed in until the learner edits"
    );
    let saved = saved_after(vec![edit("(module) ;; mine"), upload(b"\0asm")]);
    assert_eq!(
        submission(&calc, &saved),
        Some(Submission::wat("(module) ;; mine"))
    );
}

#[test]
fn an_upload_lab_hands_in_the_upload_or_nothing() {
    let lab = small_lab(UPLOAD_LAB);
    assert!(!lab.language.has_editor());
    assert_eq!(submission(&lab, &LabProgress::default()), None);
    // Code typed somewhere is not what an upload lab grades.
    assert_eq!(submission(&lab, &saved_after(vec![edit("(module)")])), None);
    let saved = saved_after(vec![upload(b"\0asm\x01\0\0\0")]);
    assert_eq!(
        submission(&lab, &saved),
        Some(Submission::wasm(b"\0asm\x01\0\0\0".to_vec()))
    );
}

#[test]
fn a_lab_of_questions_alone_hands_in_nothing_until_something_is_answered() {
    let quiz = fixture(&fixtures(), "quiz");
    assert!(!quiz.has_code());
    assert_eq!(submission(&quiz, &LabProgress::default()), None);
    // An edit is no answer.
    assert_eq!(submission(&quiz, &saved_after(vec![edit("x")])), None);
    let answered = saved_after(vec![answer("bytes", "8")]);
    assert_eq!(
        submission(&quiz, &answered),
        Some(Submission::text(quiz.language, ""))
    );
}

/// What Run would run for `wat` in `lab`, with `runnable` adjusted first.
fn run_of(lab: &Lab, wat: &str, adjust: impl FnOnce(&mut language::Runnable)) -> Request {
    let mut runnable = language::build(lab.language, &Submission::wat(wat), None).expect("builds");
    adjust(&mut runnable);
    let program = compile::load(&runnable.binary, lab.limits.stack_depth).expect("loads");
    run_request(lab, program.export_sig("_start").is_some(), &runnable)
}

const COMMAND: &str = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;
const DIV: &str = r#"(module (func (export "f") (param i32 i32) (result i32) i32.const 0))"#;

#[test]
fn run_gives_a_command_the_first_run_checks_world_and_limits() {
    let lab = small_lab(
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[limits]\nfuel = 1000\n\
         [[check]]\nname = \"shape\"\nkind = \"module\"\nmax-bytes = 100\nlimits = { fuel = 3 }\n\
         [[check]]\nname = \"first\"\nkind = \"run\"\nargs = [\"a\", \"b\"]\nstdin = \"in\"\n\
         env = { HOME = \"/h\" }\nfiles = { \"in.txt\" = \"data\" }\nexit-code = 0\nlimits = { fuel = 5000 }\n\
         [[check]]\nname = \"second\"\nkind = \"run\"\nargs = [\"z\"]\nexit-code = 0\n",
    );
    let request = run_of(&lab, COMMAND, |_| {});
    assert_eq!(request.entry, Entry::Command);
    assert_eq!(request.world.args, ["a", "b"]);
    assert_eq!(request.world.stdin, b"in");
    assert_eq!(request.world.env, [("HOME".to_string(), "/h".to_string())]);
    assert_eq!(
        request.world.files,
        BTreeMap::from([("in.txt".to_string(), b"data".to_vec())])
    );
    assert_eq!(request.limits, lab.checks[1].limits, "the run check's");
    assert_eq!(request.limits.fuel, 5000);

    // The fixture's copying lab: its first check's arguments and files.
    let files = fixture(&fixtures(), "files");
    let request = run_of(&files, COMMAND, |_| {});
    assert_eq!(request.world.args, ["a", "b"]);
    assert_eq!(
        request.world.files.get("in.txt").map(Vec::as_slice),
        Some(&b"first line\nsecond\n"[..])
    );
}

#[test]
fn run_lays_the_languages_world_under_the_checks() {
    let files = fixture(&fixtures(), "files");
    let request = run_of(&files, COMMAND, |runnable| {
        runnable.args = vec!["--lang".into()];
        runnable.files = BTreeMap::from([("lib.txt".to_string(), b"lib".to_vec())]);
    });
    assert_eq!(request.world.args, ["--lang", "a", "b"]);
    let names: Vec<&String> = request.world.files.keys().collect();
    assert_eq!(names, ["in.txt", "lib.txt"]);
}

#[test]
fn run_calls_the_first_call_checks_function_with_its_args_and_limits() {
    let lab = small_lab(
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[limits]\nfuel = 1000\n\
         [exports]\nf = \"(i32, i32) -> i32\"\n\
         [[check]]\nname = \"shape\"\nkind = \"module\"\nmax-bytes = 100\n\
         [[check]]\nname = \"first\"\nkind = \"call\"\nfunction = \"f\"\nargs = [7, 2]\n\
         expect = 3\nlimits = { fuel = 99 }\n\
         [[check]]\nname = \"second\"\nkind = \"call\"\nfunction = \"f\"\nargs = [1, 1]\nexpect = 1\n",
    );
    let request = run_of(&lab, DIV, |_| {});
    assert_eq!(
        request.entry,
        Entry::Call {
            function: "f".into(),
            args: vec![Value::I32(7), Value::I32(2)],
        }
    );
    assert_eq!(request.limits, lab.checks[1].limits);
    assert_eq!(request.limits.fuel, 99);
    assert!(request.world.args.is_empty() && request.world.stdin.is_empty());
}

#[test]
fn run_calls_a_random_checks_first_input() {
    let lab = small_lab(
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n\
         [exports]\nf = \"(i32, i32) -> i32\"\n\
         [[check]]\nname = \"random\"\nkind = \"random\"\nfunction = \"f\"\nseed = 7\n\
         ranges = [[-1000, 1000], [1, 50]]\nlimits = { fuel = 4321 }\n\
         [[check]]\nname = \"call\"\nkind = \"call\"\nfunction = \"f\"\nargs = [1, 1]\nexpect = 1\n",
    );
    let CheckKind::Random(random) = &lab.checks[0].kind else {
        panic!("a random check first")
    };
    let first = random.inputs()[0].clone();
    assert_ne!(first, [Value::I32(1), Value::I32(1)]);
    let request = run_of(&lab, DIV, |_| {});
    assert_eq!(
        request.entry,
        Entry::Call {
            function: "f".into(),
            args: first,
        }
    );
    assert_eq!(request.limits.fuel, 4321);
}

#[test]
fn run_without_a_check_to_borrow_from_is_a_command_under_the_labs_limits() {
    let lab = small_lab(
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[limits]\nfuel = 777\n\
         [[check]]\nname = \"shape\"\nkind = \"module\"\nmax-bytes = 100\nlimits = { fuel = 3 }\n",
    );
    let request = run_of(&lab, "(module)", |_| {});
    assert_eq!(request.entry, Entry::Command);
    assert_eq!(request.limits, lab.limits);
    assert_eq!(request.limits.fuel, 777);
    assert!(request.world.args.is_empty() && request.world.files.is_empty());

    // A module with `_start` in a lab of call checks: a command too, with
    // the lab's limits (there is no run check to borrow from).
    let calc = fixture(&fixtures(), "calc");
    let request = run_of(&calc, COMMAND, |_| {});
    assert_eq!(request.entry, Entry::Command);
    assert_eq!(request.limits, calc.limits);
}

/// A clock for records: each time as `t<ms>`, so a test sees which time
/// went where.
fn iso(ms: f64) -> String {
    format!("t{ms}")
}

fn graded(key: &str, score: u32, passed: bool, at: f64) -> Action {
    Action::Graded {
        key: key.into(),
        score,
        max: 100,
        passed,
        at,
    }
}

#[test]
fn the_record_holds_attempted_labs_only_each_re_graded() {
    let course = fixtures();
    let calc = fixture(&course, "calc");
    let solution = calc
        .solution
        .as_ref()
        .and_then(Submission::as_text)
        .expect("calc's solution")
        .to_string();
    let calc_key = lab_key(&course.id, "calc");
    let quiz_key = lab_key(&course.id, "quiz");
    let progress = apply(
        Progress::default(),
        vec![
            // Graded once on the starter; the solution typed since.
            Action::Edit {
                key: calc_key.clone(),
                code: solution.clone(),
            },
            graded(&calc_key, 1, false, 10.0),
            // Edited, never checked: not in the record.
            Action::Edit {
                key: lab_key(&course.id, "echo"),
                code: "(module)".into(),
            },
            Action::Answer {
                key: quiz_key.clone(),
                question: "bytes".into(),
                answer: Answer::Text("8".into()),
            },
            graded(&quiz_key, 100, true, 20.0),
        ],
    );
    let written = record(std::slice::from_ref(&course), &progress, 0.0, iso);
    let labs: Vec<&str> = written.labs.iter().map(|l| l.lab.as_str()).collect();
    assert_eq!(labs, ["calc", "quiz"], "in course order, attempted only");

    let calc_entry = &written.labs[0];
    let report = grade::grade(&calc, &Submission::wat(solution.clone()));
    assert!(report.passed, "{report:#?}");
    assert_eq!(calc_entry.status, "passed", "what grading says now");
    assert_eq!(
        (calc_entry.score, calc_entry.max_score),
        (report.score, report.max_score)
    );
    assert_eq!(
        calc_entry.submission.source.as_deref(),
        Some(solution.as_str())
    );
    assert_eq!(calc_entry.attempts, 1);

    // The quiz: one of six questions right, whatever the saved score said.
    let quiz_entry = &written.labs[1];
    assert_eq!(quiz_entry.status, "in progress");
    assert_eq!(quiz_entry.score, 1, "the one point of \"bytes\"");
    let right: Vec<&str> = quiz_entry
        .questions
        .iter()
        .filter(|q| q.verdict == "correct")
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(right, ["bytes"]);
}

#[test]
fn the_record_leaves_out_an_upload_that_is_gone_but_keeps_cleared_answers() {
    let course = small_course(&[
        ("up", UPLOAD_LAB),
        (
            "quiz",
            "format = 1\nid = \"quiz\"\ntitle = \"Q\"\n[[question]]\nname = \"n\"\n\
             kind = \"text\"\nprompt = \"?\"\nanswer = 8\n",
        ),
    ]);
    let mut progress = apply(
        Progress::default(),
        vec![
            graded("small/up", 1, true, 5.0),
            graded("small/quiz", 1, true, 6.0),
        ],
    );
    // Attempted both, yet the upload is gone and the answers were cleared.
    assert!(progress.lab("small/up").upload.is_none());
    progress
        .labs
        .get_mut("small/quiz")
        .expect("quiz")
        .answers
        .clear();
    let written = record(std::slice::from_ref(&course), &progress, 0.0, iso);
    let labs: Vec<&str> = written.labs.iter().map(|l| l.lab.as_str()).collect();
    assert_eq!(labs, ["quiz"]);
    assert_eq!(written.labs[0].questions[0].verdict, "unanswered");
    assert_eq!(written.labs[0].score, 0);

    // With the upload back, the lab is recorded with it.
    let progress = apply(
        progress,
        vec![Action::Upload {
            key: "small/up".into(),
            name: "mine.wasm".into(),
            bytes: b"\0asm\x01\0\0\0".to_vec(),
        }],
    );
    let written = record(std::slice::from_ref(&course), &progress, 0.0, iso);
    assert_eq!(written.labs[0].lab, "up");
    assert_eq!(written.labs[0].submission.kind, "wasm");
}

#[test]
fn the_record_names_the_learner_trimmed_and_writes_times_with_the_given_clock() {
    let course = fixtures();
    let key = lab_key(&course.id, "quiz");
    let progress = apply(
        Progress::default(),
        vec![
            Action::SetLearner {
                name: "  Ada Lovelace \n".into(),
                email: "   ".into(),
            },
            Action::Answer {
                key: key.clone(),
                question: "bytes".into(),
                answer: Answer::Text("8".into()),
            },
            graded(&key, 1, false, 1_000.0),
            graded(&key, 2, true, 61_000.0),
            Action::Active {
                key: key.clone(),
                ms: 42_000.0,
            },
        ],
    );
    let written = record(std::slice::from_ref(&course), &progress, 99_000.0, iso);
    assert_eq!(written.learner.name, "Ada Lovelace");
    assert_eq!(written.learner.email, None, "a blank email is none");
    assert_eq!(written.exported_at, "t99000");
    let entry = &written.labs[0];
    assert_eq!(entry.first_attempt.as_deref(), Some("t1000"));
    assert_eq!(entry.last_attempt.as_deref(), Some("t61000"));
    assert_eq!(entry.passed_at.as_deref(), Some("t61000"));
    assert_eq!(entry.time_spent_seconds, 42);
    assert_eq!(entry.attempts, 2);

    let progress = apply(
        progress,
        vec![Action::SetLearner {
            name: "Ada".into(),
            email: " ada@example.edu ".into(),
        }],
    );
    let written = record(std::slice::from_ref(&course), &progress, 0.0, iso);
    assert_eq!(written.learner.email.as_deref(), Some("ada@example.edu"));
}

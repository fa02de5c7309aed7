//! Every check kind and every verdict, graded through the library.

use crate::support::{fixture_lab, grade_fixture, submission};
use sandlab::grade::{self, Grading, Report, Verdict};
use sandlab::language::Submission;
use sandlab::sandbox::End;

/// Grades `file` against fixture lab `lab` and asserts the verdict of every
/// check, in order.
fn case(lab: &str, file: &str, verdicts: &[&str]) -> Report {
    let report = grade_fixture(lab, file);
    let got: Vec<&str> = report.checks.iter().map(|c| c.verdict.name()).collect();
    assert_eq!(got, verdicts, "{lab} / {file}:\n{report:#?}");
    report
}

fn verdict<'r>(report: &'r Report, name: &str) -> &'r Verdict {
    &report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .verdict
}

#[test]
fn reference_solutions_pass_every_kind() {
    for lab in ["calc", "echo", "files"] {
        let l = fixture_lab(lab);
        let report = grade::grade(&l, l.solution.as_ref().expect("solution"));
        assert!(report.passed, "{lab}: {report:#?}");
        assert_eq!(report.score, report.max_score);
        assert_eq!(
            report.max_score,
            l.checks.iter().map(|c| c.points).sum::<u32>()
        );
    }
    let kinds: Vec<&str> = fixture_lab("calc")
        .checks
        .iter()
        .map(|c| c.kind_name())
        .collect();
    assert_eq!(
        kinds,
        [
            "call", "call", "call", "call", "memory", "random", "budget", "module"
        ]
    );
}

#[test]
fn wrong_answers_show_expected_and_actual() {
    let r = case(
        "calc",
        "calc_wrong.wat",
        &[
            "passed",
            "passed",
            "wrong answer",
            "wrong answer",
            "wrong answer",
            "wrong answer",
            "passed",
            "passed",
        ],
    );
    assert_eq!(
        r.score,
        1 + 1 + 1 + 2,
        "divides, traps, budget and the 2-point module check"
    );
    let Verdict::WrongAnswer(m) = verdict(&r, "returns a pair") else {
        panic!()
    };
    assert_eq!((m.expected.as_str(), m.actual.as_str()), ("1, 2", "2, 1"));
    let Verdict::WrongAnswer(m) = verdict(&r, "fills memory") else {
        panic!()
    };
    assert_eq!(
        (m.expected.as_str(), m.actual.as_str()),
        ("[7, 7, 7, 7]", "[7, 0, 0, 0]")
    );
    let Verdict::WrongAnswer(m) = verdict(&r, "random divisions") else {
        panic!()
    };
    assert!(m.what.contains("random input"), "{m:?}");
    let Verdict::WrongAnswer(m) = verdict(&r, "square root within tolerance") else {
        panic!()
    };
    assert!(
        m.actual.starts_with("1.4"),
        "0.7 * 2 = 1.4 is outside the tolerance: {m:?}"
    );
}

#[test]
fn traps_are_reported_and_expected_traps_checked() {
    let r = case(
        "calc",
        "calc_traps.wat",
        &[
            "trap",
            "wrong answer",
            "trap",
            "passed",
            "wrong answer",
            "trap",
            "trap",
            "passed",
        ],
    );
    assert!(
        matches!(verdict(&r, "divides"), Verdict::Ended(End::Trapped { kind, .. }) if kind.name() == "unreachable")
    );
    assert!(matches!(
        verdict(&r, "square root within tolerance"),
        Verdict::Ended(End::Trapped { kind, .. }) if kind.name() == "out of bounds memory access"
    ));
    let Verdict::WrongAnswer(m) = verdict(&r, "divide by zero traps") else {
        panic!()
    };
    assert_eq!(m.expected, "a trap (integer divide by zero)");
    assert_eq!(m.actual, "a trap (unreachable)");
}

#[test]
fn endless_loop_is_out_of_fuel() {
    let r = case(
        "calc",
        "calc_loop.wat",
        &[
            "out of fuel",
            "out of fuel",
            "wrong answer",
            "passed",
            "wrong answer",
            "out of fuel",
            "out of fuel",
            "passed",
        ],
    );
    assert_eq!(
        verdict(&r, "divides"),
        &Verdict::Ended(End::OutOfFuel { limit: 200_000 })
    );
    assert_eq!(r.checks[0].fuel, 200_000);
}

#[test]
fn missing_exports_name_what_to_add() {
    let r = case("calc", "calc_missing.wat", &["missing export"; 8]);
    assert!(
        verdict(&r, "divides")
            .to_string()
            .contains("(i32, i32) -> i32")
    );
    assert!(
        matches!(verdict(&r, "module shape"), Verdict::Ended(End::MissingExport { name, .. }) if name == "div")
    );
}

#[test]
fn wrong_signature_shows_both() {
    let r = grade_fixture("calc", "calc_wrong_sig.wat");
    let Verdict::Ended(End::WrongSignature {
        expected, actual, ..
    }) = verdict(&r, "divides")
    else {
        panic!("{r:#?}")
    };
    assert_eq!(
        (expected.as_str(), actual.as_str()),
        ("(i32, i32) -> i32", "(i64, i64) -> i64")
    );
    assert_eq!(verdict(&r, "module shape").name(), "wrong signature");
}

#[test]
fn compile_errors_carry_line_and_column() {
    let r = case("calc", "calc_syntax.wat", &["compile error"; 8]);
    let e = r.compile_error.expect("compile error");
    assert_eq!(
        (e.line, e.column),
        (Some(5), Some(2)),
        "the syntax error is on the last line"
    );
    assert!(e.message.contains("too many"), "{e}");
    let r = case("calc", "calc_type_error.wat", &["compile error"; 8]);
    let e = r.compile_error.expect("compile error");
    assert_eq!(
        (e.line, e.column),
        (Some(6), Some(5)),
        "points at i64.div_s: {e}"
    );
    assert!(e.message.contains("type mismatch"), "{e}");
}

#[test]
fn bad_module_bytes_are_compile_errors() {
    for (file, needle) in [
        ("truncated.wasm", "end-of-file"),
        ("garbage.wasm", "not a WebAssembly module"),
        ("empty.wasm", "empty"),
    ] {
        let r = case("calc", file, &["compile error"; 8]);
        let e = r.compile_error.expect("compile error");
        assert!(e.message.contains(needle), "{file}: {e}");
    }
}

#[test]
fn resource_limits_are_verdicts() {
    let r = case(
        "calc",
        "calc_bomb.wat",
        &[
            "memory limit",
            "memory limit",
            "passed",
            "passed",
            "wrong answer",
            "memory limit",
            "memory limit",
            "passed",
        ],
    );
    assert_eq!(
        verdict(&r, "divides"),
        &Verdict::Ended(End::MemoryLimit {
            limit_pages: 4,
            requested_pages: 5
        })
    );
    let r = grade_fixture("calc", "calc_recursion.wat");
    assert_eq!(
        verdict(&r, "divides"),
        &Verdict::Ended(End::StackOverflow { limit: 200 })
    );
    let r = case("echo", "echo_flood.wat", &["output limit"; 5]);
    assert_eq!(r.checks[0].stdout.len(), 65536, "output kept up to the cap");
}

#[test]
fn unknown_imports_are_link_errors() {
    let r = case(
        "calc",
        "calc_imports.wat",
        &[
            "link error",
            "link error",
            "link error",
            "link error",
            "link error",
            "link error",
            "link error",
            "wrong answer",
        ],
    );
    assert!(verdict(&r, "divides").to_string().contains("env.log"));
    let Verdict::WrongAnswer(m) = verdict(&r, "module shape") else {
        panic!()
    };
    assert_eq!(m.actual, "imports env.log");
}

#[test]
fn budget_checks_grade_efficiency() {
    let r = case(
        "calc",
        "calc_slow.wat",
        &[
            "passed",
            "wrong answer",
            "passed",
            "passed",
            "passed",
            "passed",
            "over budget",
            "passed",
        ],
    );
    let Verdict::OverBudget { used, budget } = verdict(&r, "divides within budget") else {
        panic!()
    };
    assert_eq!(*budget, 50);
    assert!(*used > 50);
    assert_eq!(r.checks[6].fuel, *used);
}

#[test]
fn run_checks_compare_stdout_stderr_and_exit_code() {
    let r = case(
        "echo",
        "echo_lower.wat",
        &[
            "wrong answer",
            "wrong answer",
            "wrong answer",
            "exit code",
            "wrong answer",
        ],
    );
    let Verdict::WrongAnswer(m) = verdict(&r, "upper-cases stdin") else {
        panic!()
    };
    let diff = m.diff.as_deref().expect("a text diff");
    assert!(
        diff.contains("- HELLO, WASM\n") && diff.contains("+ hello, wasm\n"),
        "{diff}"
    );
    assert_eq!(r.checks[0].stdout, "hello, wasm\nbye\n");
    let Verdict::WrongAnswer(m) = verdict(&r, "matches a pattern") else {
        panic!()
    };
    assert!(m.diff.is_none() && m.expected.contains("X[0-9]Y[0-9]"));
    let r = case("echo", "echo_exit.wat", &["exit code"; 5]);
    assert_eq!(
        verdict(&r, "exact output"),
        &Verdict::ExitCode {
            expected: 0,
            actual: 7
        }
    );
}

#[test]
fn trim_compare_ignores_trailing_whitespace_but_exact_does_not() {
    let lab = fixture_lab("echo");
    // "upper-cases stdin" expects "HELLO, WASM\nBYE" (no final newline) and
    // the solution prints one: passes under the default `trim`.
    let r = grade::grade(&lab, lab.solution.as_ref().expect("solution"));
    assert!(r.checks[0].verdict.is_pass());
    assert!(r.checks[0].stdout.ends_with('\n'));
}

#[test]
fn infinite_loop_in_start_function_is_out_of_fuel() {
    let r = case("echo", "echo_start_loop.wat", &["out of fuel"; 5]);
    assert_eq!(r.checks[0].fuel, r.checks[0].fuel_limit);
}

#[test]
fn files_in_and_out_and_arguments() {
    let lab = fixture_lab("files");
    let starter = lab.starter.clone().expect("starter");
    let r = grade::grade(&lab, &starter);
    let Verdict::ExitCode { expected, actual } = &r.checks[0].verdict else {
        panic!("{r:#?}")
    };
    assert_eq!((*expected, *actual), (3, 0));
    // A program that exits right but writes no file.
    let src = r#"(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (i32.const 3))))"#;
    let r = grade::grade(&lab, &Submission::wat(src));
    let Verdict::WrongAnswer(m) = &r.checks[0].verdict else {
        panic!("{r:#?}")
    };
    assert_eq!(
        (m.what.as_str(), m.actual.as_str()),
        ("file out.txt", "no such file was written")
    );
}

#[test]
fn hidden_checks_keep_their_data_out_of_json() {
    let r = grade_fixture("calc", "calc_missing.wat");
    let json = grade::report_json(&r);
    let hidden = &json["checks"][7];
    assert_eq!(hidden["name"], "module shape");
    assert_eq!(hidden["hidden"], true);
    assert_eq!(hidden["verdict"], "missing export");
    assert!(
        hidden.get("detail").is_none() && hidden.get("message").is_none(),
        "{hidden}"
    );
    assert!(json["checks"][0].get("detail").is_some());
}

#[test]
fn lab_errors_are_not_the_learners_fault() {
    // A random check whose expected values were never computed is the lab's
    // problem: it says so, and the verdict is a lab error.
    let files = crate::support::read_tree(&crate::support::fixtures().join("labs/course"));
    let lab = sandlab::lab::load_lab(&files, "calc").expect("loads");
    let r = grade::grade(&lab, lab.solution.as_ref().expect("solution"));
    let check = r
        .checks
        .iter()
        .find(|c| c.kind == "random")
        .expect("random check");
    assert!(check.verdict.is_lab_error(), "{:?}", check.verdict);
    assert!(check.verdict.to_string().contains("not your fault"));
}

#[test]
fn grading_in_slices_gives_the_same_report() {
    for (lab, file) in [
        ("calc", "calc_slow.wat"),
        ("calc", "calc_loop.wat"),
        ("calc", "calc_wrong.wat"),
        ("echo", "echo_flood.wat"),
        ("echo", "echo_lower.wat"),
    ] {
        let l = fixture_lab(lab);
        let s = submission(file);
        let whole = grade::grade(&l, &s);
        for slice in [1, 97, 10_000] {
            let mut g = Grading::new(&l, &s);
            let mut steps = 0;
            while !g.step(slice) {
                steps += 1;
            }
            assert_eq!(g.report(), whole, "{lab}/{file} in slices of {slice}");
            if slice == 1 {
                assert!(steps >= l.checks.len(), "{lab}/{file}: {steps} steps");
            }
        }
    }
}

/// Runs a grading's jobs as the browser's worker does: each request and
/// outcome crosses as JSON, and the module is loaded from the job's bytes.
fn grade_by_jobs(l: &sandlab::lab::Lab, s: &sandlab::language::Submission) -> (Report, usize) {
    let mut g = Grading::by_jobs(l, s);
    let mut jobs = 0;
    while let Some(job) = g.next_job() {
        jobs += 1;
        let json = serde_json::to_string(&job.request).expect("a request serialises");
        let request = serde_json::from_str(&json).expect("and reads back");
        assert_eq!(request, job.request);
        let program = sandlab::sandbox::Program::new(&job.binary.bytes, job.stack_depth)
            .expect("a job's module loads");
        let outcome = sandlab::sandbox::run(&program, request);
        let json = serde_json::to_string(&outcome).expect("an outcome serialises");
        let back: sandlab::sandbox::Outcome = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, outcome);
        g.complete(back);
    }
    (g.report(), jobs)
}

#[test]
fn grading_through_jobs_gives_the_same_report() {
    for (lab, file) in [
        ("calc", "calc_slow.wat"),
        ("calc", "calc_loop.wat"),
        ("calc", "calc_wrong.wat"),
        ("calc", "calc_traps.wat"),
        ("calc", "calc_bomb.wat"),
        ("calc", "calc_recursion.wat"),
        ("calc", "calc_syntax.wat"),
        ("calc", "calc_imports.wat"),
        ("echo", "echo_flood.wat"),
        ("echo", "echo_lower.wat"),
        ("echo", "echo_exit.wat"),
        ("echo", "echo_start_loop.wat"),
    ] {
        let l = fixture_lab(lab);
        let s = submission(file);
        let (report, jobs) = grade_by_jobs(&l, &s);
        assert_eq!(report, grade::grade(&l, &s), "{lab}/{file}");
        // Only a module that does not compile or link runs nothing.
        let runs = !matches!(file, "calc_syntax.wat" | "calc_imports.wat");
        assert_eq!(jobs > 0, runs, "{lab}/{file}: {jobs} jobs");
    }
}

#[test]
fn a_grading_by_jobs_cancels_the_job_away_and_the_rest() {
    let l = fixture_lab("calc");
    let s = submission("calc_loop.wat");
    let mut g = Grading::by_jobs(&l, &s);
    assert!(g.next_job().is_some());
    // A second job waits for the first one's outcome.
    assert!(g.next_job().is_none());
    g.cancel();
    let r = g.report();
    assert_eq!(r.checks.len(), l.checks.len());
    assert!(
        r.checks.iter().all(|c| c.verdict.name() == "cancelled"),
        "{r:?}"
    );
}

#[test]
fn cancelled_grading_marks_the_rest_cancelled() {
    let l = fixture_lab("calc");
    let s = submission("calc_loop.wat");
    let mut g = Grading::new(&l, &s);
    assert!(!g.step(1000));
    g.cancel();
    let r = g.report();
    assert!(!r.passed);
    assert_eq!(r.checks.len(), l.checks.len());
    assert_eq!(r.checks.last().map(|c| c.verdict.name()), Some("cancelled"));
}

fn answers(json: &str) -> grade::Answers {
    serde_json::from_str(json).expect("answers")
}

#[test]
fn questions_are_graded_with_their_feedback_and_explanation() {
    let lab = fixture_lab("quiz");
    assert!(!lab.has_code());
    assert_eq!(lab.max_score(), 7);
    let none = Submission::wat(String::new());

    // Nothing answered: nothing scored, no compile error for a lab without code.
    let r = grade::grade(&lab, &none);
    assert_eq!((r.passed, r.score, r.max_score), (false, 0, 7));
    assert!(r.compile_error.is_none());
    assert!(
        r.questions
            .iter()
            .all(|q| q.verdict == grade::AnswerVerdict::Unanswered)
    );
    assert!(r.questions.iter().all(|q| q.explanation.is_none()));

    let right = answers(
        r#"{"locals": {"choices": [1]}, "integer types": {"choices": [1, 0]},
            "bytes": {"text": " 8 "}, "pi": {"text": "3.141"},
            "opcode": {"text": "I32.Add"}, "magic": {"text": "00 61 73 6D"}}"#,
    );
    let r = grade::grade_with(&lab, &none, &right);
    assert_eq!((r.passed, r.score), (true, 7), "{r:#?}");
    let locals = &r.questions[0];
    assert_eq!(
        locals.explanation.as_deref(),
        Some("Parameters are the first locals, counted from 0.")
    );

    let wrong = answers(
        r#"{"locals": {"choices": [0]}, "integer types": {"choices": [0]},
            "bytes": {"text": "64"}, "pi": {"text": "3.2"},
            "opcode": {"text": "i64.add"}, "magic": {"text": "0x0061736d00"}}"#,
    );
    let r = grade::grade_with(&lab, &none, &wrong);
    assert_eq!((r.passed, r.score), (false, 0));
    let feedback: Vec<&[String]> = r.questions.iter().map(|q| q.feedback.as_slice()).collect();
    assert_eq!(feedback[0], ["Locals are counted from 0."]);
    assert_eq!(
        feedback[1],
        ["Right so far, but not every right choice is ticked."]
    );
    assert_eq!(feedback[2], ["64 is its size in bits."]);
    assert!(
        r.questions
            .iter()
            .all(|q| q.verdict == grade::AnswerVerdict::Wrong)
    );
    // Answered wrongly, the explanation shows all the same.
    assert!(r.questions[0].explanation.is_some());

    // A wrong tick beside the right ones is wrong, with that choice's feedback.
    let r = grade::grade_with(
        &lab,
        &none,
        &answers(r#"{"integer types": {"choices": [0, 1, 2]}, "bytes": {"text": "9"}}"#),
    );
    assert_eq!(r.questions[1].verdict, grade::AnswerVerdict::Wrong);
    assert!(r.questions[1].feedback[0].starts_with("Signedness lives"));
    assert_eq!(
        r.questions[2].feedback,
        ["Count its bits, then divide by 8."]
    );
    // An answer of the wrong shape is wrong, not a crash.
    let r = grade::grade_with(&lab, &none, &answers(r#"{"bytes": {"choices": [0]}}"#));
    assert_eq!(r.questions[2].verdict, grade::AnswerVerdict::Wrong);
}

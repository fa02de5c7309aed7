//! Python labs, graded in the real runtime (CPython 3.11 for WASI, built by
//! `scripts/python-runtime`, which `scripts/test` runs first): every script
//! check kind against the fixture course `fixtures/labs/python`, what a
//! learner sees when their code fails, and hostile programs, each of which
//! must end in a clear verdict, never a hang, a crash or a pass.

use crate::cli::{assert_cli_grades_as, sandlab, text};
use crate::support::{fixtures, read_tree, runtime, runtime_path, verdict};
use sandlab::grade::{self, Report, Verdict};
use sandlab::lab::{self, Lab};
use sandlab::language::{Language, Submission};
use sandlab::sandbox::{End, Wanted};

/// A lab of the Python fixture course, with the runtime, prepared.
fn python_lab(name: &str) -> Lab {
    let files = read_tree(&fixtures().join("labs/python"));
    let mut lab = lab::load_lab(&files, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    lab.attach(&runtime(Language::Python));
    grade::compute_expected(&mut lab).expect("the reference solutions run");
    lab
}

fn grade(lab: &str, source: &str) -> Report {
    grade::grade(
        &python_lab(lab),
        &Submission::text(Language::Python, source),
    )
}

/// The one run check of the `sandbox` lab (wants `done` printed).
fn sandbox(source: &str) -> Verdict {
    let report = grade("sandbox", source);
    assert!(!report.passed, "{source} passed the sandbox lab");
    report.checks[0].verdict.clone()
}

fn solution(lab: &str) -> String {
    std::fs::read_to_string(fixtures().join(format!("labs/python/{lab}/solution.py")))
        .expect("solution")
}

#[test]
fn the_solutions_pass_every_check() {
    for lab in ["funcs", "prog", "sandbox"] {
        let report = grade(lab, &solution(lab));
        assert!(
            report.passed,
            "{lab}: {:#?}",
            report
                .checks
                .iter()
                .map(|c| (&c.name, c.verdict.to_string()))
                .collect::<Vec<_>>()
        );
        assert_eq!(report.score, report.max_score);
        assert!(report.max_score > 0);
    }
}

#[test]
fn grading_is_deterministic_to_the_unit_of_fuel() {
    let source = solution("funcs");
    let fuel = |r: &Report| r.checks.iter().map(|c| c.fuel).collect::<Vec<_>>();
    let first = grade("funcs", &source);
    let second = grade("funcs", &source);
    assert_eq!(fuel(&first), fuel(&second));
    assert!(fuel(&first).iter().all(|f| *f > 0));
}

#[test]
fn a_wrong_value_shows_the_call_what_it_wanted_and_what_came_back() {
    let source = solution("funcs").replace("return a + b", "return a - b");
    let report = grade("funcs", &source);
    let Verdict::WrongAnswer(m) = verdict(&report, "add(2, 3)") else {
        panic!("{:?}", verdict(&report, "add(2, 3)"));
    };
    assert_eq!(m.what, "add(2, 3)");
    assert_eq!(m.expected, "5");
    assert_eq!(m.actual, "-1");
    // The random check names its input and the solution's value.
    let Verdict::WrongAnswer(m) = verdict(&report, "random sums") else {
        panic!("{:?}", verdict(&report, "random sums"));
    };
    assert!(
        m.what.starts_with("add(") && m.what.contains("random input 1 of 5"),
        "{m:?}"
    );
    // The test names the assertion and the values it compared.
    let Verdict::WrongAnswer(m) = verdict(&report, "the tests' add") else {
        panic!("{:?}", verdict(&report, "the tests' add"));
    };
    assert_eq!(m.expected, "assert total == 42");
    assert_eq!(m.actual, "total is -2");
    assert!(m.what.contains("line 6 of tests.py"), "{}", m.what);
    // Checks of the other functions still pass.
    assert!(verdict(&report, "mean of four").is_pass());
}

#[test]
fn values_compare_as_python_compares_them() {
    // A tuple matches the lab's list, NaN matches NaN, a dict matches the
    // lab's table, and an int where a float is wanted matches if equal.
    let report = grade("funcs", &solution("funcs"));
    for check in ["pair is a tuple", "mean of nothing is nan", "counts"] {
        assert!(verdict(&report, check).is_pass(), "{check}");
    }
    let source = solution("funcs").replace("return (1, \"two\")", "return [1, 2]");
    let Verdict::WrongAnswer(m) = verdict(&grade("funcs", &source), "pair is a tuple").clone()
    else {
        panic!("a list with other items passed");
    };
    assert_eq!(m.actual, "[1, 2]");
    assert_eq!(m.expected, "[1, 'two']");
}

#[test]
fn an_exception_is_reported_with_the_learners_own_traceback() {
    let source = "def add(a, b):\n    total = a + b\n    return total / 0\n";
    let report = grade("funcs", source);
    let Verdict::Exception {
        kind,
        message,
        line,
        traceback,
    } = verdict(&report, "add(2, 3)")
    else {
        panic!("{:?}", verdict(&report, "add(2, 3)"));
    };
    assert_eq!(kind, "ZeroDivisionError");
    assert_eq!(message, "division by zero");
    assert_eq!(*line, Some(3));
    assert!(
        traceback.contains("main.py\", line 3, in add"),
        "{traceback}"
    );
    // The harness's own frames are never shown.
    assert!(!traceback.contains("sandlab_harness"), "{traceback}");
}

#[test]
fn raises_passes_on_that_exception_only() {
    let ok = grade("funcs", &solution("funcs"));
    assert!(verdict(&ok, "parse_age rejects words").is_pass());
    let source = solution("funcs").replace("return int(text)", "return 0");
    let report = grade("funcs", &source);
    let Verdict::WrongAnswer(m) = verdict(&report, "parse_age rejects words") else {
        panic!("{:?}", verdict(&report, "parse_age rejects words"));
    };
    assert_eq!(m.expected, "to raise ValueError");
    assert_eq!(m.actual, "returned 0");
    let source = solution("funcs").replace("return int(text)", "raise KeyError(text)");
    let report = grade("funcs", &source);
    assert!(
        matches!(verdict(&report, "parse_age rejects words"), Verdict::Exception { kind, .. } if kind == "KeyError")
    );
}

#[test]
fn a_syntax_error_is_a_compile_error_on_its_line() {
    let report = grade("funcs", "def add(a, b):\n    return a +\n");
    let error = report.compile_error.as_ref().expect("a compile error");
    assert_eq!(error.line, Some(2));
    assert!(
        error.message.starts_with("SyntaxError"),
        "{}",
        error.message
    );
    let report = grade("funcs", "def add(a, b):\nreturn a + b\n");
    let error = report.compile_error.as_ref().expect("a compile error");
    assert!(
        error.message.starts_with("IndentationError"),
        "{}",
        error.message
    );
    assert_eq!(error.line, Some(2));
}

#[test]
fn a_missing_function_asks_for_its_definition() {
    let report = grade("funcs", "def plus(a, b):\n    return a + b\n");
    let v = verdict(&report, "add(2, 3)");
    assert_eq!(
        *v,
        Verdict::Ended(End::MissingExport {
            name: "add".into(),
            wanted: Wanted::Definition
        })
    );
    assert!(v.to_string().contains("def add(...):"), "{v}");
}

#[test]
fn a_budget_counts_the_learners_call_alone() {
    let fuel = |report: &Report, check: &str| {
        report
            .checks
            .iter()
            .find(|c| c.name == check)
            .expect("check")
            .fuel
    };
    let ok = grade("funcs", &solution("funcs"));
    assert!(verdict(&ok, "add within budget").is_pass());
    // Not the interpreter's start-up, nor the harness, nor loading the
    // module: a longer file with the same add spends the same fuel on it.
    let used = fuel(&ok, "add within budget");
    assert!(used < 50_000, "{used}");
    let padded = format!(
        "{}\n{}def unused():\n    return [i * i for i in range(100)]\n\nunused()\n",
        solution("funcs"),
        "# a comment line\n".repeat(500)
    );
    assert_eq!(fuel(&grade("funcs", &padded), "add within budget"), used);
    let slow = solution("funcs").replace(
        "    return a + b",
        "    for _ in range(100_000):\n        pass\n    return a + b",
    );
    let report = grade("funcs", &slow);
    assert!(
        matches!(verdict(&report, "add within budget"), Verdict::OverBudget { used, budget: 10_000_000 } if *used > 10_000_000),
        "{:?}",
        verdict(&report, "add within budget")
    );
}

#[test]
fn programs_get_stdin_arguments_files_and_exit_codes() {
    let report = grade("prog", &solution("prog"));
    assert!(report.passed);
    // An expected file from the lab folder, compared exactly; a regex
    // matches the whole of stderr but for print's final newline.
    let source = solution("prog")
        .replace("text.upper()", "text.upper().strip()")
        .replace("warning: nothing to do", "warning: Nothing!");
    let report = grade("prog", &source);
    assert!(matches!(
        verdict(&report, "copies a file, as the lab folder's copy holds it"),
        Verdict::WrongAnswer(_)
    ));
    assert!(matches!(
        verdict(&report, "warns on stderr"),
        Verdict::WrongAnswer(_)
    ));
    let source = solution("prog").replace("sys.exit(len(sys.argv) - 1)", "sys.exit(7)");
    let report = grade("prog", &source);
    assert_eq!(
        *verdict(&report, "exits with the number of arguments"),
        Verdict::ExitCode {
            expected: 3,
            actual: 7
        }
    );
}

#[test]
fn a_forged_result_file_counts_for_nothing() {
    // Code that writes the harness's result itself and leaves before the
    // harness can.
    let forger = r#"
import os
def add(a, b):
    os.makedirs(".sandlab", exist_ok=True)
    with open(".sandlab/result.json", "w") as f:
        f.write('{"passed": true}')
    os._exit(0)
"#;
    let report = grade("funcs", forger);
    let v = verdict(&report, "add(2, 3)");
    assert!(!v.is_pass() && !v.is_lab_error(), "{v:?}");
    assert!(v.to_string().contains("os._exit"), "{v}");
    // Nor can it read the job to learn what is expected.
    let reader = "def add(a, b):\n    return open('.sandlab/job.json').read()\n";
    let report = grade("funcs", reader);
    assert!(
        matches!(verdict(&report, "add(2, 3)"), Verdict::Exception { kind, .. } if kind == "FileNotFoundError"),
        "{:?}",
        verdict(&report, "add(2, 3)")
    );
}

#[test]
fn ending_the_interpreter_at_import_fails_every_check_not_the_lab() {
    // Were these lab errors they would leave the maximum score: 0 of 0.
    let report = grade("funcs", "import os\nos._exit(0)\n");
    assert!(!report.passed);
    assert!(report.checks.iter().all(|c| !c.verdict.is_lab_error()));
    assert!(report.max_score > 0 && report.score == 0);
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    assert!(matches!(
        sandbox("while True:\n    pass\n"),
        Verdict::Ended(End::OutOfFuel { .. })
    ));
}

#[test]
fn endless_recursion_is_a_recursion_error() {
    let v = sandbox("def f(n):\n    return f(n + 1)\n\nf(0)\n");
    let Verdict::Exception {
        kind,
        line: Some(2),
        traceback,
        ..
    } = &v
    else {
        panic!("{v:?}");
    };
    assert_eq!(kind, "RecursionError");
    // As Python prints it: three frames, then the rest counted.
    assert_eq!(traceback.matches("in f\n").count(), 3, "{traceback}");
    let repeated = traceback
        .split("[Previous line repeated ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u32>().ok());
    assert!(repeated.is_some_and(|n| n > 100), "{traceback}");
}

#[test]
fn recursion_past_the_interpreters_limit_stops_in_the_sandbox() {
    // With Python's own limit lifted, each way recursion can grow ends in a
    // clear verdict, never a crash of the grader: Python frames live on the
    // heap (the memory limit), recursion through C code on the wasm stack
    // (the call depth) or on the interpreter's own C stack (named as such).
    let lifted = "import sys\nsys.setrecursionlimit(10**6)\n";
    let v = sandbox(&format!("{lifted}def f(n):\n    return f(n + 1)\nf(0)\n"));
    assert!(
        matches!(v, Verdict::Ended(End::MemoryLimit { .. })),
        "{v:?}"
    );
    let v = sandbox(&format!(
        "{lifted}l = []\nfor i in range(10**5):\n    l = [l]\nprint(len(repr(l)))\n"
    ));
    assert!(
        matches!(v, Verdict::Ended(End::StackOverflow { .. })),
        "{v:?}"
    );
    let v = sandbox(&format!(
        "{lifted}class A:\n    def __getattr__(self, n):\n        return getattr(self, n)\nA().x\n"
    ));
    assert!(
        v.to_string().contains("the interpreter's stack ran out"),
        "{v}"
    );
    // Within Python's own limit, the same recursion is a RecursionError.
    let v = sandbox(
        "class A:\n    def __getattr__(self, n):\n        return getattr(self, n)\nA().x\n",
    );
    assert!(
        matches!(&v, Verdict::Exception { kind, .. } if kind == "RecursionError"),
        "{v:?}"
    );
}

#[test]
fn a_memory_bomb_is_a_memory_error_or_the_memory_limit() {
    for bomb in [
        "x = [0] * 10**9\n",
        "x = bytearray(10**9)\n",
        "x = 'a' * 10**9\n",
    ] {
        let v = sandbox(bomb);
        assert!(
            matches!(&v, Verdict::Exception { kind, .. } if kind == "MemoryError")
                || matches!(&v, Verdict::Ended(End::MemoryLimit { .. })),
            "{bomb}: {v:?}"
        );
    }
}

#[test]
fn endless_output_stops_at_the_output_limit() {
    assert!(matches!(
        sandbox("while True:\n    print('spam' * 100)\n"),
        Verdict::Ended(End::OutputLimit { .. })
    ));
}

#[test]
fn the_host_is_out_of_reach() {
    // No host files, no processes, no network, no threads: each is an
    // exception the learner can read, never a pass or a crash.
    let cases = [
        (
            "print(open('/etc/passwd').read())\n",
            &["FileNotFoundError", "PermissionError"][..],
        ),
        (
            "print(open('../../../etc/passwd').read())\n",
            &["FileNotFoundError", "PermissionError"],
        ),
        ("import os\nos.system('ls')\n", &["AttributeError"]),
        ("import subprocess\n", &["ModuleNotFoundError"]),
        ("import socket\n", &["ModuleNotFoundError"]),
        (
            "import threading\nthreading.Thread(target=print).start()\n",
            &["RuntimeError", "ModuleNotFoundError"],
        ),
    ];
    for (source, kinds) in cases {
        let report = grade("sandbox", source);
        let check = &report.checks[0];
        assert!(
            matches!(&check.verdict, Verdict::Exception { kind, .. } if kinds.contains(&kind.as_str())),
            "{source}: {:?}",
            check.verdict
        );
        assert!(
            !check.stdout.contains("root:"),
            "{source}: {}",
            check.stdout
        );
    }
}

#[test]
fn exits_and_end_of_input_end_the_program_as_python_does() {
    let report = grade("sandbox", "import sys\nprint('done')\nsys.exit(3)\n");
    assert_eq!(
        report.checks[0].verdict,
        Verdict::ExitCode {
            expected: 0,
            actual: 3
        }
    );
    // sys.exit(0) after the output passes; raise SystemExit is the same.
    assert!(grade("sandbox", "import sys\nprint('done')\nsys.exit(0)\n").passed);
    assert!(grade("sandbox", "print('done')\nraise SystemExit\n").passed);
    let v = sandbox("name = input()\nprint('done')\n");
    assert!(
        matches!(&v, Verdict::Exception { kind, line: Some(1), .. } if kind == "EOFError"),
        "{v:?}"
    );
}

#[test]
fn time_randomness_and_hashing_are_the_same_in_every_run() {
    let source = "import random, time\nprint(random.random(), hash('abc'), time.time())\n";
    let once = grade("sandbox", source).checks[0].stdout.clone();
    let again = grade("sandbox", source).checks[0].stdout.clone();
    assert_eq!(once, again);
    assert!(!once.is_empty());
    // Sleeping an hour does not hold up the grader: the clock moves, no
    // time passes (were it to sleep, this test would hang).
    let report = grade("sandbox", "import time\ntime.sleep(3600)\nprint('done')\n");
    assert!(report.passed, "{:?}", report.checks[0].verdict);
}

/// Where the runtime the tests use is installed.

#[test]
fn the_cli_grades_and_runs_python_as_the_library_does() {
    let dir = std::env::temp_dir().join(format!("sandlab-python-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let answer = dir.join("answer.py");
    std::fs::write(
        &answer,
        solution("funcs").replace("return a + b", "return a - b"),
    )
    .expect("written");
    let library = grade("funcs", &std::fs::read_to_string(&answer).expect("read"));
    assert_cli_grades_as("tests/fixtures/labs/python/funcs", &answer, &library);
    // `run` passes stdin and arguments, and the program's exit code out.
    let program = dir.join("prog.py");
    std::fs::write(
        &program,
        "import sys\nprint(input().upper(), sys.argv[1:])\nsys.exit(4)\n",
    )
    .expect("written");
    let stdin = dir.join("in.txt");
    std::fs::write(&stdin, "quiet\n").expect("written");
    let out = sandlab(&[
        "run",
        program.to_str().expect("utf-8"),
        "--stdin",
        stdin.to_str().expect("utf-8"),
        "--",
        "a",
        "b",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "QUIET ['a', 'b']\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_runtime_built_by_another_sandlab_is_refused_with_what_to_do() {
    let real = std::fs::read(runtime_path(Language::Python)).expect("the runtime");
    assert_eq!(sandlab::language::python::check_runtime(&real), Ok(()));
    // The same runtime, its harness key changed: another sandlab's.
    let key = sandlab::language::python::harness_key(
        sandlab::language::python::HARNESS,
        sandlab::language::python::STDLIB,
    );
    let at = real
        .windows(key.len())
        .rposition(|w| w == key.as_bytes())
        .expect("the runtime names its harness");
    let mut other = real.clone();
    other[at..at + key.len()].fill(b'0');
    let dir = std::env::temp_dir().join(format!("sandlab-old-runtime-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("python.wasm"), &other).expect("written");
    let program = dir.join("hello.py");
    std::fs::write(&program, "print('hello')\n").expect("written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(["run", program.to_str().expect("utf-8")])
        .env("SANDLAB_RUNTIMES", &dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("another version of sandlab"), "{stderr}");
    assert!(stderr.contains("scripts/python-runtime"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

//! JavaScript labs, graded in the real runtime (QuickJS-NG for WASI, built
//! by `scripts/javascript-runtime`, which `scripts/test` runs first): every
//! script check kind against the fixture course `fixtures/labs/javascript`,
//! what a learner sees when their code fails, and hostile programs, each of
//! which must end in a clear verdict, never a hang, a crash or a pass.

use crate::cli::{assert_cli_grades_as, sandlab, text};
use crate::support::{fixtures, read_tree, runtime, runtime_path, verdict};
use sandlab::grade::{self, Report, Verdict};
use sandlab::lab::{self, Lab};
use sandlab::language::{Language, Submission};
use sandlab::sandbox::{End, Wanted};

/// A lab of the JavaScript fixture course, with the runtime, prepared.
fn js_lab(name: &str) -> Lab {
    let files = read_tree(&fixtures().join("labs/javascript"));
    let mut lab = lab::load_lab(&files, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    lab.attach(&runtime(Language::JavaScript));
    grade::compute_expected(&mut lab).expect("the reference solutions run");
    lab
}

fn grade(lab: &str, source: &str) -> Report {
    grade::grade(
        &js_lab(lab),
        &Submission::text(Language::JavaScript, source),
    )
}

/// The one run check of the `sandbox` lab (wants `done` printed).
fn sandbox(source: &str) -> Verdict {
    let report = grade("sandbox", source);
    assert!(!report.passed, "{source} passed the sandbox lab");
    report.checks[0].verdict.clone()
}

fn solution(lab: &str) -> String {
    std::fs::read_to_string(fixtures().join(format!("labs/javascript/{lab}/solution.js")))
        .expect("solution")
}

fn fuel(report: &Report, check: &str) -> u64 {
    report
        .checks
        .iter()
        .find(|c| c.name == check)
        .expect("check")
        .fuel
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
fn a_wrong_value_shows_the_call_and_the_values_as_javascript_writes_them() {
    let source = solution("funcs")
        .replace("return a + b", "return a - b")
        .replace("return [1, \"two\"]", "return [1, 2]")
        .replace("found[ch] = (found[ch] || 0) + 1", "found[ch] = 1");
    let report = grade("funcs", &source);
    let Verdict::WrongAnswer(m) = verdict(&report, "add(2, 3)") else {
        panic!("{:?}", verdict(&report, "add(2, 3)"));
    };
    assert_eq!((m.what.as_str(), m.expected.as_str()), ("add(2, 3)", "5"));
    assert_eq!(m.actual, "-1");
    let Verdict::WrongAnswer(m) = verdict(&report, "pair") else {
        panic!("{:?}", verdict(&report, "pair"));
    };
    assert_eq!(
        (m.expected.as_str(), m.actual.as_str()),
        ("[1, \"two\"]", "[1, 2]")
    );
    let Verdict::WrongAnswer(m) = verdict(&report, "counts") else {
        panic!("{:?}", verdict(&report, "counts"));
    };
    assert_eq!(m.expected, "{a: 2, b: 1, c: 1}");
    assert_eq!(m.actual, "{a: 1, b: 1, c: 1}");
    // The random check names its input; the solution's value is a literal.
    let Verdict::WrongAnswer(m) = verdict(&report, "random sums") else {
        panic!("{:?}", verdict(&report, "random sums"));
    };
    assert!(m.what.contains("random input 1 of 5"), "{m:?}");
    // A failed assertion shows its statement and the value it got.
    let Verdict::WrongAnswer(m) = verdict(&report, "the tests' add") else {
        panic!("{:?}", verdict(&report, "the tests' add"));
    };
    assert_eq!(m.expected, "assert.equal(add(1, 1), 2)");
    assert_eq!(m.actual, "0");
    assert!(m.what.contains("line 2 of tests.js"), "{}", m.what);
    // Checks of the other functions still pass.
    assert!(verdict(&report, "mean of four").is_pass());
}

#[test]
fn values_compare_deeply_as_learners_expect() {
    let report = grade("funcs", &solution("funcs"));
    // NaN matches NaN; an object matches the lab's table in any key order;
    // a random check's objects read back from the solution's literals.
    for check in ["mean of nothing is NaN", "counts", "random pairs of words"] {
        assert!(verdict(&report, check).is_pass(), "{check}");
    }
    let reordered = solution("funcs").replace(
        "return found;",
        "return Object.fromEntries(Object.entries(found).reverse());",
    );
    assert!(verdict(&grade("funcs", &reordered), "counts").is_pass());
    // An array is not an object with the same keys, nor "5" the number 5.
    let wrong = solution("funcs")
        .replace("return found;", "return [2, 1, 1];")
        .replace("return a + b;", "return String(a + b);");
    let report = grade("funcs", &wrong);
    assert!(matches!(
        verdict(&report, "counts"),
        Verdict::WrongAnswer(_)
    ));
    let Verdict::WrongAnswer(m) = verdict(&report, "add(2, 3)") else {
        panic!("{:?}", verdict(&report, "add(2, 3)"));
    };
    assert_eq!(m.actual, "\"5\"");
}

#[test]
fn an_error_is_reported_with_the_learners_own_stack() {
    let source =
        "function add(a, b) {\n  const total = a + b;\n  return total.toFixed.call(null);\n}\n";
    let report = grade("funcs", source);
    let Verdict::Exception {
        kind,
        line,
        traceback,
        ..
    } = verdict(&report, "add(2, 3)")
    else {
        panic!("{:?}", verdict(&report, "add(2, 3)"));
    };
    assert_eq!(kind, "TypeError");
    assert_eq!(*line, Some(3));
    assert!(traceback.contains("at add (main.js:3:"), "{traceback}");
    // The harness's own frames are never shown.
    assert!(!traceback.contains("<sandlab>"), "{traceback}");
    // A thrown value that is no Error is still said.
    let report = grade("funcs", "function add() {\n  throw 'oops';\n}\n");
    let v = verdict(&report, "add(2, 3)");
    assert!(
        matches!(v, Verdict::Exception { kind, message, .. } if kind == "Uncaught" && message == "\"oops\""),
        "{v:?}"
    );
}

#[test]
fn raises_passes_on_that_error_only_by_name_or_class() {
    let ok = grade("funcs", &solution("funcs"));
    assert!(verdict(&ok, "parseAge rejects words").is_pass());
    assert!(verdict(&ok, "a custom error by its class").is_pass());
    let source = solution("funcs").replace("throw new RangeError", "return 0; new RangeError");
    let Verdict::WrongAnswer(m) =
        verdict(&grade("funcs", &source), "parseAge rejects words").clone()
    else {
        panic!("returning passed");
    };
    assert_eq!(m.expected, "to throw RangeError");
    assert_eq!(m.actual, "returned 0");
    let source = solution("funcs").replace("throw new RangeError", "throw new TypeError");
    assert!(
        matches!(verdict(&grade("funcs", &source), "parseAge rejects words"), Verdict::Exception { kind, .. } if kind == "TypeError")
    );
}

#[test]
fn a_syntax_error_is_a_compile_error_on_its_line_and_a_thrown_one_is_not() {
    let report = grade("funcs", "function add(a, b) {\n  return a + ;\n}\n");
    let error = report.compile_error.as_ref().expect("a compile error");
    assert_eq!(error.line, Some(2));
    assert!(
        error.message.starts_with("SyntaxError"),
        "{}",
        error.message
    );
    // JSON.parse throws a SyntaxError as the code runs: an error of the run.
    let report = grade("funcs", "function add() {\n  return JSON.parse('{');\n}\n");
    assert!(report.compile_error.is_none(), "{:?}", report.compile_error);
    assert!(
        matches!(verdict(&report, "add(2, 3)"), Verdict::Exception { kind, line: Some(2), .. } if kind == "SyntaxError"),
        "{:?}",
        verdict(&report, "add(2, 3)")
    );
}

#[test]
fn a_missing_function_asks_for_its_definition_in_javascript() {
    let report = grade("funcs", "function plus(a, b) { return a + b; }\n");
    let v = verdict(&report, "add(2, 3)");
    assert!(
        matches!(v, Verdict::Ended(End::MissingExport { name, wanted: Wanted::Written { .. } }) if name == "add"),
        "{v:?}"
    );
    assert!(v.to_string().contains("function add(...) { ... }"), "{v}");
    // A const holding an arrow function counts as a definition.
    let arrow = solution("funcs").replace(
        "function add(a, b) {\n  return a + b;\n}",
        "const add = (a, b) => a + b;",
    );
    assert!(verdict(&grade("funcs", &arrow), "add(2, 3)").is_pass());
}

#[test]
fn a_budget_counts_the_learners_call_alone() {
    let ok = grade("funcs", &solution("funcs"));
    assert!(verdict(&ok, "fib(15) within budget").is_pass());
    let used = fuel(&ok, "fib(15) within budget");
    // Not the harness nor loading the script: a longer file with the same
    // fib spends the same fuel on it.
    let padded = format!(
        "{}\n{}function unused() {{ return [1, 2, 3].map((x) => x * x); }}\nunused();\n",
        solution("funcs"),
        "// a comment line\n".repeat(500)
    );
    assert_eq!(
        fuel(&grade("funcs", &padded), "fib(15) within budget"),
        used
    );
    let slow = solution("funcs").replace(
        "return n < 2 ? n : fib(n - 1) + fib(n - 2);",
        "for (let i = 0; i < 200; i++) {}\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);",
    );
    let report = grade("funcs", &slow);
    assert!(
        matches!(verdict(&report, "fib(15) within budget"), Verdict::OverBudget { used, budget: 50_000_000 } if *used > 50_000_000),
        "{:?}",
        verdict(&report, "fib(15) within budget")
    );
}

#[test]
fn programs_get_stdin_arguments_exit_codes_and_an_event_loop() {
    let report = grade("prog", &solution("prog"));
    assert!(
        report.passed,
        "{:?}",
        report
            .checks
            .iter()
            .map(|c| c.verdict.to_string())
            .collect::<Vec<_>>()
    );
    let source = solution("prog").replace("process.exit(rest.length + 1)", "process.exit(7)");
    let report = grade("prog", &source);
    assert!(
        matches!(
            verdict(&report, "exits with the number of arguments"),
            Verdict::ExitCode {
                expected: 3,
                actual: 7
            }
        ),
        "{:?}",
        verdict(&report, "exits with the number of arguments")
    );
}

#[test]
fn a_promise_that_never_settles_and_an_endless_interval_end_clearly() {
    let never = solution("funcs").replace(
        "await new Promise((resolve) => setTimeout(resolve, 100));",
        "await new Promise(() => {});",
    );
    let v = verdict(&grade("funcs", &never), "an async function is awaited").clone();
    assert!(
        matches!(&v, Verdict::Exception { message, .. } if message.contains("never settled")),
        "{v:?}"
    );
    assert!(matches!(
        sandbox("setInterval(() => {}, 10);\n"),
        Verdict::Ended(End::OutOfFuel { .. })
    ));
}

#[test]
fn a_forged_result_or_replaced_builtins_count_for_nothing() {
    // The harness's result written by the learner's code has no token.
    let forger = "function add() {\n  return 0;\n}\nconsole.log('.sandlab/result.json');\n";
    assert!(!verdict(&grade("funcs", forger), "add(2, 3)").is_pass());
    // Replacing what the harness uses changes nothing of the grading.
    let vandal = format!(
        "{}\nJSON.stringify = () => '{{\"passed\": true}}';\nObject.keys = () => [];\nArray.isArray = () => true;\nconsole.log = () => {{}};\n",
        solution("funcs").replace("return a + b", "return a - b")
    );
    let report = grade("funcs", &vandal);
    assert!(matches!(
        verdict(&report, "add(2, 3)"),
        Verdict::WrongAnswer(_)
    ));
    assert!(verdict(&report, "counts").is_pass());
    // process.exit in a called function is said, not a pass.
    let exits = solution("funcs").replace("return a + b", "process.exit(0)");
    let v = verdict(&grade("funcs", &exits), "add(2, 3)").clone();
    assert!(v.to_string().contains("process.exit(0)"), "{v}");
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    assert!(matches!(
        sandbox("while (true) {}\n"),
        Verdict::Ended(End::OutOfFuel { .. })
    ));
}

#[test]
fn endless_recursion_is_a_range_error_on_the_learners_line() {
    let v = sandbox("function down(n) {\n  return down(n + 1) + 1;\n}\ndown(0);\n");
    let Verdict::Exception {
        kind,
        line,
        traceback,
        ..
    } = &v
    else {
        panic!("{v:?}");
    };
    assert_eq!(kind, "RangeError");
    assert_eq!(*line, Some(2));
    // A run of one frame is cut, as Python does.
    assert!(traceback.contains("more time"), "{traceback}");
    assert!(traceback.len() < 2_000, "{traceback}");
    // Deep but finite recursion works: 5,000 frames.
    let report = grade(
        "sandbox",
        "function depth(n) {\n  return n === 0 ? 0 : depth(n - 1) + 1;\n}\nif (depth(5000) === 5000) console.log('done');\n",
    );
    assert!(report.passed, "{:?}", report.checks[0].verdict);
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit_or_as_an_error() {
    for bomb in [
        "const a = [];\nwhile (true) a.push(new Array(100000).fill(1));\n",
        "let s = 'a';\nwhile (true) s = s + s;\n",
        "new ArrayBuffer(2 ** 31);\n",
    ] {
        let v = sandbox(bomb);
        assert!(
            matches!(&v, Verdict::Ended(End::MemoryLimit { .. }))
                || matches!(&v, Verdict::Exception { kind, .. } if kind == "InternalError" || kind == "RangeError"),
            "{bomb}: {v:?}"
        );
    }
}

#[test]
fn endless_output_stops_at_the_output_limit() {
    assert!(matches!(
        sandbox("while (true) console.log('spam'.repeat(100));\n"),
        Verdict::Ended(End::OutputLimit { .. })
    ));
}

#[test]
fn the_host_is_out_of_reach() {
    // No modules, no file system, no Node or browser APIs: each is an
    // error the learner can read, never a pass or a crash.
    for source in [
        "require('fs');\n",
        "import('fs');\nconsole.log(typeof std, typeof os);\nstd.loadFile('/etc/passwd');\n",
        "fetch('http://example.com');\n",
        "new Worker('x.js');\n",
    ] {
        let v = sandbox(source);
        assert!(
            matches!(&v, Verdict::Exception { kind, .. } if kind == "ReferenceError"),
            "{source}: {v:?}"
        );
    }
}

#[test]
fn time_and_randomness_are_the_same_in_every_run() {
    let source = "console.log(Math.random(), Date.now(), new Date().getFullYear());\n";
    let a = grade("sandbox", source);
    let b = grade("sandbox", source);
    assert_eq!(a.checks[0].stdout, b.checks[0].stdout);
    assert!(!a.checks[0].stdout.is_empty());
}

#[test]
fn the_cli_grades_and_runs_javascript_as_the_library_does() {
    let dir = std::env::temp_dir().join(format!("sandlab-js-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let answer = dir.join("answer.js");
    std::fs::write(
        &answer,
        solution("funcs").replace("return a + b", "return a - b"),
    )
    .expect("written");
    let library = grade("funcs", &std::fs::read_to_string(&answer).expect("read"));
    assert_cli_grades_as("tests/fixtures/labs/javascript/funcs", &answer, &library);
    let program = dir.join("prog.js");
    std::fs::write(
        &program,
        "console.log(readline().toUpperCase(), process.argv.slice(2));\nprocess.exit(4);\n",
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
    assert_eq!(text(&out.stdout), "QUIET [\"a\", \"b\"]\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_runtime_built_by_another_sandlab_is_refused() {
    let real = std::fs::read(runtime_path(Language::JavaScript)).expect("the runtime");
    assert_eq!(sandlab::language::javascript::check_runtime(&real), Ok(()));
    let python = std::fs::read(runtime_path(Language::JavaScript).with_file_name("python.wasm"))
        .expect("python");
    let why = sandlab::language::javascript::check_runtime(&python).unwrap_err();
    assert!(why.contains("another"), "{why}");
}

#[test]
fn an_unhandled_rejection_is_an_error_and_a_missing_method_is_named() {
    let v = sandbox(
        "async function go() {\n  throw new Error(\"boom\");\n}\ngo();\nconsole.log('done');\n",
    );
    assert!(
        matches!(&v, Verdict::Exception { kind, message, line: Some(2), .. } if kind == "Error" && message == "boom"),
        "{v:?}"
    );
    // A rejection handled later is no error.
    let report = grade(
        "sandbox",
        "const p = Promise.reject(new Error('late'));\nsetTimeout(() => p.catch(() => console.log('done')), 0);\n",
    );
    assert!(report.passed, "{:?}", report.checks[0].verdict);
    // The engine says "not a function"; the learner reads which.
    let v = sandbox("const word = 'x';\nconsole.log(word.toUppercase());\n");
    assert!(
        matches!(&v, Verdict::Exception { message, line: Some(2), .. } if message == "word.toUppercase is not a function"),
        "{v:?}"
    );
}

#[test]
fn the_learners_own_assert_or_a_caught_exit_changes_nothing_of_the_grading() {
    // An `assert` of the learner's own does not replace the tests' one.
    let own = format!(
        "{}\nfunction assert(ok) {{\n  return ok;\n}}\n",
        solution("funcs")
    );
    let report = grade("funcs", &own);
    assert!(
        verdict(&report, "the tests' add").is_pass(),
        "{:?}",
        verdict(&report, "the tests' add")
    );
    // process.exit inside a try still ends the program with its code.
    let caught = "try {\n  process.exit(3);\n} catch (e) {}\nconsole.log('done');\n";
    assert!(matches!(
        sandbox(caught),
        Verdict::ExitCode {
            expected: 0,
            actual: 3
        }
    ));
    // Lines ending in \r\n read as lines (the prog lab's "greets, from a
    // file saved on Windows").
    let report = grade("prog", &solution("prog"));
    assert!(verdict(&report, "greets, from a file saved on Windows").is_pass());
}

#[test]
fn console_log_writes_values_as_javascript_does() {
    let report = grade(
        "sandbox",
        "console.log('%s is %d', 'Ada', 36, [1, 'a', {x: 1}], new Map([[1, 2]]), -0);\n\
         console.log(new Date(0), /ab+c/g, new Uint8Array([1, 2]), null, undefined, 10n);\n",
    );
    assert_eq!(
        report.checks[0].stdout,
        "Ada is 36 [1, \"a\", {x: 1}] new Map([[1, 2]]) -0\n\
         1970-01-01T00:00:00.000Z /ab+c/g Uint8Array [1, 2] null undefined 10n\n"
    );
}

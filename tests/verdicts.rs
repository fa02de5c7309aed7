//! Verdicts a learner can act on (what was run and what was wanted, numbers
//! as the author wrote them, output as the program wrote it) and the lab
//! fields that say what the author means (`show`, per-stream `compare`,
//! `[defaults]`, values written as people write them).

use sandlab::grade::{self, CheckReport, Report, Verdict};
use sandlab::lab::{self, Files, Lab};
use sandlab::language::Submission;
use sandlab::sandbox::{End, Wanted};

/// A WAT lab from its lab.toml (after the header) and a solution.
fn lab(toml: &str, solution: &str) -> Lab {
    let mut files = Files::default();
    files.insert(
        "lab.toml",
        format!("format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n{toml}"),
    );
    files.insert("README.md", "# T");
    files.insert("starter.wat", "(module)");
    files.insert("solution.wat", solution);
    let mut lab = lab::load_lab(&files, "").unwrap_or_else(|e| panic!("{e:#?}"));
    grade::compute_expected(&mut lab).expect("prepares");
    lab
}

fn grade(lab: &Lab, wat: &str) -> Report {
    grade::grade(lab, &Submission::wat(wat))
}

fn check<'r>(report: &'r Report, name: &str) -> &'r CheckReport {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}: {report:#?}"))
}

/// A command that writes `text` to stdout (or stderr with fd 2) and exits
/// with `code`.
fn program(text: &str, fd: u32, code: i32) -> String {
    let bytes: String = text.bytes().map(|b| format!("\\{b:02x}")).collect();
    format!(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 8) "\10\00\00\00\{len:02x}\00\00\00")
          (data (i32.const 16) "{bytes}")
          (func (export "_start")
            (drop (call $w (i32.const {fd}) (i32.const 8) (i32.const 1) (i32.const 4)))
            (call $exit (i32.const {code}))))"#,
        len = text.len()
    )
}

const ECHO_LAB: &str = r#"
[[check]]
name = "greets"
kind = "run"
args = ["--name", "Ada Lovelace"]
stdin = "line one\nline two\nline three\nline four\n"
stdout = "hello"
"#;

#[test]
fn a_failed_run_check_shows_the_input_it_used() {
    let lab = lab(ECHO_LAB, &program("hello", 1, 0));
    let report = grade(&lab, &program("bye", 1, 0));
    let c = check(&report, "greets");
    assert_eq!(c.verdict.name(), "wrong answer");
    let input = c.input.as_deref().expect("input shown");
    assert!(input.contains("arguments --name 'Ada Lovelace'"), "{input}");
    assert!(input.contains("stdin (39 bytes)"), "{input}");
    assert!(input.contains("line three"), "{input}");
    assert!(
        !input.contains("line four"),
        "clipped to a few lines: {input}"
    );
    assert!(input.contains("1 more lines"), "{input}");
    assert_eq!(
        c.expected, None,
        "a wrong answer says what it expected itself"
    );
    let json = grade::report_json(&report);
    assert_eq!(json["checks"][0]["input"], serde_json::json!(input));
}

#[test]
fn an_exit_code_verdict_says_what_was_expected_with_its_stderr() {
    let lab = lab(
        "[[check]]\nname = \"fails well\"\nkind = \"run\"\nexit-code = 2\nstderr = \"usage: tool FILE\"\n",
        &program("usage: tool FILE", 2, 2),
    );
    let report = grade(&lab, &program("oops", 2, 1));
    let c = check(&report, "fails well");
    assert_eq!(
        c.verdict,
        Verdict::ExitCode {
            expected: 2,
            actual: 1
        }
    );
    let expected = c.expected.as_deref().expect("expected shown");
    assert_eq!(expected, "exit code 2, stderr \"usage: tool FILE\"");
    assert_eq!(c.input.as_deref(), Some("no arguments; empty stdin"));
}

const STEPS: &str = r#"
[exports]
steps = "(i32) -> i32"
[[check]]
name = "zero"
kind = "call"
function = "steps"
args = [0]
expect = 0
"#;

#[test]
fn a_trap_or_a_limit_says_what_was_called_and_what_was_expected() {
    let solution = r#"(module (func (export "steps") (param i32) (result i32) local.get 0))"#;
    let lab = lab(STEPS, solution);
    let trap = grade(
        &lab,
        r#"(module (func (export "steps") (param i32) (result i32) unreachable))"#,
    );
    let c = check(&trap, "zero");
    assert_eq!(c.verdict.name(), "trap");
    assert_eq!(c.input.as_deref(), Some("steps(0)"));
    assert_eq!(c.expected.as_deref(), Some("0"));
    let endless = grade(
        &lab,
        r#"(module (func (export "steps") (param i32) (result i32) (loop $l (br $l)) i32.const 0))"#,
    );
    let c = check(&endless, "zero");
    assert_eq!(c.verdict.name(), "out of fuel");
    assert_eq!(c.input.as_deref(), Some("steps(0)"));
    assert!(
        c.verdict.to_string().contains("used all 10,000,000 fuel"),
        "thousands separated: {}",
        c.verdict
    );
}

const BITS: &str = r#"
[exports]
all_ones = "() -> i32"
neg = "(i32) -> i32"
[[check]]
name = "all ones"
kind = "call"
function = "all_ones"
expect = 4294967295
[[check]]
name = "negates"
kind = "call"
function = "neg"
args = [1]
expect = -1
"#;

const BITS_SOLUTION: &str = r#"(module
  (func (export "all_ones") (result i32) i32.const -1)
  (func (export "neg") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0))))"#;

#[test]
fn numbers_are_shown_as_the_author_wrote_them_and_both_ways_when_ambiguous() {
    let lab = lab(BITS, BITS_SOLUTION);
    let report = grade(
        &lab,
        r#"(module
          (func (export "all_ones") (result i32) i32.const -2)
          (func (export "neg") (param i32) (result i32) i32.const 7))"#,
    );
    let Verdict::WrongAnswer(m) = &check(&report, "all ones").verdict else {
        panic!("{report:#?}")
    };
    assert_eq!(
        (m.expected.as_str(), m.actual.as_str()),
        ("4294967295", "4294967294")
    );
    let Verdict::WrongAnswer(m) = &check(&report, "negates").verdict else {
        panic!("{report:#?}")
    };
    assert_eq!(m.expected, "-1 (unsigned: 4294967295)");
    assert_eq!(m.actual, "7");
}

#[test]
fn an_author_chooses_how_values_are_shown_per_check_or_per_export() {
    let per_export = lab(
        &format!("[show]\nall_ones = \"hex\"\n{BITS}"),
        BITS_SOLUTION,
    );
    let report = grade(
        &per_export,
        r#"(module
          (func (export "all_ones") (result i32) i32.const 255)
          (func (export "neg") (param i32) (result i32) i32.const 7))"#,
    );
    let Verdict::WrongAnswer(m) = &check(&report, "all ones").verdict else {
        panic!("{report:#?}")
    };
    assert_eq!(
        (m.expected.as_str(), m.actual.as_str()),
        ("0xffffffff", "0x000000ff")
    );
    let per_check = lab(
        &BITS.replace("expect = -1", "expect = -1\nshow = \"signed\""),
        BITS_SOLUTION,
    );
    let report = grade(
        &per_check,
        r#"(module
          (func (export "all_ones") (result i32) i32.const -1)
          (func (export "neg") (param i32) (result i32) i32.const 7))"#,
    );
    let Verdict::WrongAnswer(m) = &check(&report, "negates").verdict else {
        panic!("{report:#?}")
    };
    assert_eq!(m.expected, "-1");
}

#[test]
fn output_that_is_not_utf8_is_shown_with_its_bytes_escaped() {
    let lab = lab(
        "[[check]]\nname = \"prints\"\nkind = \"run\"\nstdout = \"café\"\n",
        &program("café", 1, 0),
    );
    // "caf" and the Latin-1 byte for é, which is not UTF-8.
    let latin1 = program("caf\u{0}", 1, 0).replace("\\66\\00\"", "\\66\\e9\"");
    let report = grade(&lab, &latin1);
    let c = check(&report, "prints");
    assert_eq!(report.compile_error, None, "{latin1}");
    assert_eq!(c.stdout, "caf\\xe9", "{report:#?}");
    let Verdict::WrongAnswer(m) = &c.verdict else {
        panic!("{report:#?}")
    };
    assert_eq!(m.actual, "\"caf\\xe9\"");
}

#[test]
fn a_missing_memory_table_or_global_gets_its_own_message() {
    let lab = lab(
        "[[check]]\nname = \"shape\"\nkind = \"module\"\nexports = { memory = \"memory\", table = \"table\", counter = \"global\" }\n",
        r#"(module (memory (export "memory") 1) (table (export "table") 1 funcref)
             (global (export "counter") i32 (i32.const 0)))"#,
    );
    let verdict = |wat: &str| check(&grade(&lab, wat), "shape").verdict.clone();
    let no_memory = verdict("(module)");
    assert_eq!(
        no_memory,
        Verdict::Ended(End::MissingExport {
            name: "counter".into(),
            wanted: Wanted::Global
        })
    );
    assert!(
        no_memory
            .to_string()
            .contains("does not export a global named `counter`"),
        "{no_memory}"
    );
    let memory = verdict(
        r#"(module (table (export "table") 1 funcref) (global (export "counter") i32 (i32.const 0)))"#,
    );
    let text = memory.to_string();
    assert!(
        text.contains("a memory named `memory`; add (memory (export \"memory\") 1)"),
        "{text}"
    );
    assert!(!text.contains("func"), "{text}");
    let table = verdict(
        r#"(module (memory (export "memory") 1) (global (export "counter") i32 (i32.const 0)))"#,
    );
    assert!(
        table.to_string().contains("a table named `table`"),
        "{table}"
    );
}

#[test]
fn compare_can_differ_per_stream_and_labs_set_defaults() {
    let toml = r#"
[defaults]
compare = { stdout = "exact", stderr = "regex" }
points = 3
[[check]]
name = "exact out"
kind = "run"
stdout = "hi\n"
[[check]]
name = "pattern err"
kind = "run"
exit-code = 1
stderr = "error: .*"
"#;
    let lab = lab(toml, &program("hi\n", 1, 0));
    assert_eq!(lab.checks[0].points, 3, "points from [defaults]");
    // Exact: a trailing space is a difference.
    let report = grade(&lab, &program("hi \n", 1, 0));
    assert_eq!(check(&report, "exact out").verdict.name(), "wrong answer");
    let report = grade(&lab, &program("error: no such file", 2, 1));
    assert!(
        check(&report, "pattern err").verdict.is_pass(),
        "{report:#?}"
    );
    // A check's own compare wins over the default.
    let own = lab_with_own_compare();
    assert!(grade(&own, &program("hi \n", 1, 0)).passed);
}

fn lab_with_own_compare() -> Lab {
    lab(
        "[defaults]\ncompare = \"exact\"\n[[check]]\nname = \"out\"\nkind = \"run\"\nstdout = \"hi\"\ncompare = \"trim\"\n",
        &program("hi\n", 1, 0),
    )
}

#[test]
fn values_are_read_as_authors_write_them() {
    let toml = r#"
[exports]
id64 = "(i64) -> i64"
flag = "(i32) -> i32"
[[check]]
name = "minus one"
kind = "call"
function = "id64"
args = ["-1"]
expect = "18446744073709551615"
[[check]]
name = "booleans"
kind = "call"
function = "flag"
args = [true]
expect = false
"#;
    let lab = lab(
        toml,
        r#"(module (func (export "id64") (param i64) (result i64) local.get 0)
             (func (export "flag") (param i32) (result i32) (i32.eqz (local.get 0))))"#,
    );
    let solution = lab.solution.clone().expect("solution");
    assert!(grade::grade(&lab, &solution).passed);
    let sandlab::lab::CheckKind::Call(c) = &lab.checks[1].kind else {
        panic!()
    };
    assert_eq!(c.args, vec![sandlab::vocab::Value::I32(1)]);
}

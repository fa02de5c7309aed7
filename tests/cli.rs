//! The real `sandlab` binary, run as a user would.

use crate::support::fixtures;
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn sandlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("sandlab runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Grades `answer` (a file that fails some checks) against the lab in
/// `lab_dir` with the real CLI, and asserts it gives `library`'s verdicts
/// and fuel, check by check.
pub fn assert_cli_grades_as(
    lab_dir: &str,
    answer: &std::path::Path,
    library: &sandlab::grade::Report,
) {
    let out = sandlab(&["grade", lab_dir, answer.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let checks = cli["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), library.checks.len());
    for (c, l) in checks.iter().zip(&library.checks) {
        assert_eq!(c["verdict"], l.verdict.name(), "{}", l.name);
        assert_eq!(c["fuel"], l.fuel, "{}", l.name);
    }
}

const CALC: &str = "tests/fixtures/labs/course/calc";
const SUBS: &str = "tests/fixtures/labs/submissions";

#[test]
fn check_passes_on_the_built_in_labs_and_the_fixtures() {
    for dir in [
        "labs",
        "tests/fixtures/labs/course",
        "tests/fixtures/labs/python",
    ] {
        let out = sandlab(&["check", dir]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dir}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(text(&out.stdout).contains("every solution passes"));
    }
}

#[test]
fn check_of_a_missing_folder_is_a_usage_error() {
    let out = sandlab(&["check", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no/such/folder"));
}

#[test]
fn grade_exit_codes() {
    let pass = sandlab(&["grade", CALC, &format!("{CALC}/solution.wat")]);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass.stdout));
    assert!(text(&pass.stdout).contains("all 8 checks passed"));
    let fail = sandlab(&["grade", CALC, &format!("{SUBS}/calc_wrong.wat")]);
    assert_eq!(fail.status.code(), Some(1));
    let stdout = text(&fail.stdout);
    assert!(stdout.contains("FAIL returns a pair"), "{stdout}");
    assert!(stdout.contains("expected: 1, 2"), "{stdout}");
    let missing = sandlab(&["grade", CALC, "no-such-file.wat"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no-such-file.wat"));
    let bad_lab = sandlab(&[
        "grade",
        "tests/fixtures/broken/typo/lab",
        &format!("{CALC}/solution.wat"),
    ]);
    assert_eq!(bad_lab.status.code(), Some(2));
    assert!(
        text(&bad_lab.stderr).contains("lab.toml:10:1: unknown field `fule`"),
        "{}",
        text(&bad_lab.stderr)
    );
}

#[test]
fn grade_json_report() {
    let out = sandlab(&["grade", CALC, &format!("{SUBS}/calc_slow.wat"), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["passed"], false);
    assert_eq!(report["max_score"], 9);
    assert_eq!(report["score"], 7);
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 8);
    for c in checks {
        for key in ["name", "verdict", "points", "fuel"] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
    }
    let budget = &checks[6];
    assert_eq!(budget["verdict"], "over budget");
    assert_eq!(budget["detail"]["budget"], 50);
    assert_eq!(budget["fuel"], budget["detail"]["used"]);
}

#[test]
fn grade_reports_a_compile_error_with_its_position() {
    let out = sandlab(&["grade", CALC, &format!("{SUBS}/calc_syntax.wat")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("calc_syntax.wat:5:2:"),
        "{}",
        text(&out.stdout)
    );
    let out = sandlab(&["grade", CALC, &format!("{SUBS}/latin1.wat"), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["compile_error"]["line"], 3);
}

#[test]
fn run_prints_output_and_exits_with_the_program_code() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(["run", "tests/fixtures/labs/course/echo/solution.wat"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"shout\n")
        .expect("writes");
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(text(&out.stdout), "SHOUT\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("exit code 0, fuel"),
        "{}",
        text(&out.stderr)
    );

    // Empty stdin: the program writes to stderr and exits 3.
    let out = sandlab(&["run", "tests/fixtures/labs/course/echo/solution.wat"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).starts_with("empty\n"));
}

#[test]
fn run_with_stdin_file_args_and_invoke() {
    let dir = std::env::temp_dir().join(format!("sandlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("in.txt");
    std::fs::write(&input, "from a file").expect("write");
    let out = sandlab(&[
        "run",
        "tests/fixtures/labs/course/echo/solution.wat",
        "--stdin",
        input.to_str().expect("utf8"),
    ]);
    assert_eq!(text(&out.stdout), "FROM A FILE");
    let out = sandlab(&[
        "run",
        "tests/fixtures/labs/course/files/solution.wat",
        "--",
        "x",
        "y",
        "z",
    ]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "argc with argv[0]: {}",
        text(&out.stderr)
    );
    let out = sandlab(&[
        "run",
        &format!("{CALC}/solution.wat"),
        "--invoke",
        "div",
        "--",
        "-9",
        "2",
    ]);
    assert_eq!(text(&out.stdout).trim(), "-4");
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_reports_traps_and_limits() {
    let out = sandlab(&[
        "run",
        &format!("{SUBS}/echo_start_loop.wat"),
        "--fuel",
        "50000",
    ]);
    assert_eq!(out.status.code(), Some(125));
    assert!(
        text(&out.stderr).contains("ran out of fuel after 50,000"),
        "{}",
        text(&out.stderr)
    );
    let out = sandlab(&["run", &format!("{SUBS}/echo_flood.wat")]);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(out.stdout.len(), 65536);
    assert!(text(&out.stderr).contains("output limit"));
    let out = sandlab(&["run", &format!("{SUBS}/garbage.wasm")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a WebAssembly module"));
}

#[test]
fn list_shows_courses_and_labs() {
    let out = sandlab(&["list", "labs"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("wasm-from-scratch") && stdout.contains("reverse"),
        "{stdout}"
    );
}

#[test]
fn fixture_dir_is_where_the_tests_expect() {
    assert!(fixtures().join("labs/course/course.toml").is_file());
}

#[test]
fn bundle_leaves_solutions_out_and_reads_back() {
    let dir = std::env::temp_dir().join(format!("sandlab-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("bundle.json");
    let run = sandlab(&["bundle", "labs", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let bundle = std::fs::read_to_string(&out).expect("written");
    let json: serde_json::Value = serde_json::from_str(&bundle).expect("json");
    let paths: Vec<&String> = json["files"].as_object().expect("files").keys().collect();
    assert!(
        paths.iter().any(|p| p.ends_with("add/README.md")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with("add/starter.wat")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.contains("solution")),
        "a solution is in the bundle: {paths:?}"
    );
    // Read back as the browser does: labs load without solutions, and the
    // random checks carry the expected values computed from them.
    let loaded = sandlab::lab::read_bundle(&bundle).expect("reads");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let add = loaded
        .courses
        .iter()
        .flat_map(|c| &c.labs)
        .find(|l| l.id == "add")
        .expect("add");
    assert!(add.solution.is_none());
    let good = sandlab::language::Submission::wat(
        std::fs::read_to_string("labs/wasm-from-scratch/add/solution.wat").expect("solution"),
    );
    let report = sandlab::grade::grade(add, &good);
    assert!(
        report.passed,
        "the bundle grades like the labs folder: {report:#?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The byo lab's reference `.wasm` is committed; this rebuilds it from its
/// Rust source (the test command installs the wasm32-wasip1 target) and
/// checks that the two agree, so the binary cannot drift from its source.
#[test]
fn committed_byo_binary_matches_its_rust_source() {
    let lab = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/wasm-from-scratch/byo");
    let target = std::env::temp_dir().join(format!("sandlab-byo-{}", std::process::id()));
    let out = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip1",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(lab.join("reference"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building the reference failed (is the wasm32-wasip1 target installed? `rustup target add wasm32-wasip1`):\n{}",
        text(&out.stderr)
    );
    let built = std::fs::read(target.join("wasm32-wasip1/release/wc.wasm")).expect("built");
    let committed = std::fs::read(lab.join("solution.wasm")).expect("committed");
    assert!(
        built == committed,
        "labs/wasm-from-scratch/byo/solution.wasm differs from what reference/ builds to: rebuild and copy it (see reference/Cargo.toml)"
    );
    std::fs::remove_dir_all(&target).ok();
}

#[test]
fn committed_wat_built_binaries_match_their_source() {
    let dir = std::env::temp_dir().join(format!("sandlab-compile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("solution.wasm");
    let run = sandlab(&[
        "compile",
        "labs/feature-tour/upload/solution.wat",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let committed = std::fs::read("labs/feature-tour/upload/solution.wasm").expect("committed");
    assert_eq!(
        std::fs::read(&out).expect("built"),
        committed,
        "rebuild it with `sandlab compile`"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // Like `sandlab xapi … | head -1`: far more output than a pipe holds,
    // and the reader gone before it is written.
    let record = "tests/fixtures/records/v1-calc.json";
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .arg("xapi")
        .args(vec![record; 300])
        .args(["--labs", "tests/fixtures/labs/course"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sandlab starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("sandlab ends");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A failed run check in the text report shows what the program was given,
/// what the check wanted, and what the program printed.
#[test]
fn the_text_report_shows_a_failed_runs_input_and_output() {
    let out = sandlab(&[
        "grade",
        "labs/feature-tour/shown",
        "labs/feature-tour/commands/solution.wat",
    ]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("       input: no arguments; empty stdin"),
        "{report}"
    );
    assert!(
        report.contains("wanted: exit code 1, stdout \"checked 1 file\""),
        "{report}"
    );
    // A program that prints the wrong things: both streams are shown.
    let out = sandlab(&[
        "grade",
        "labs/feature-tour/commands",
        "labs/feature-tour/shown/solution.wat",
    ]);
    let report = text(&out.stdout);
    assert!(
        report.contains("       stdout:\n         | checked 1 file"),
        "{report}"
    );
    assert!(
        report.contains("       stderr:\n         | warning: data.txt is empty"),
        "{report}"
    );
}

#[test]
fn new_writes_a_course_that_checks_and_never_overwrites() {
    let dir = std::env::temp_dir().join(format!("sandlab-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let course = dir.join("Intro to Python");
    let path = course.to_str().expect("utf-8");
    let out = sandlab(&["new", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let toml = std::fs::read_to_string(course.join("course.toml")).expect("written");
    assert!(toml.contains("id = \"intro-to-python\""), "{toml}");
    assert!(toml.contains("title = \"Intro to Python\""), "{toml}");
    let out = sandlab(&["check", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // A second `new` into the same folder changes nothing.
    std::fs::write(course.join("course.toml"), "edited").expect("written");
    let out = sandlab(&["new", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already has files"));
    assert_eq!(
        std::fs::read_to_string(course.join("course.toml")).expect("read"),
        "edited"
    );
    let other = dir.join("other");
    let out = sandlab(&["new", other.to_str().expect("utf-8"), "--id", "not an id"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot be a course id"));
    assert!(!other.exists());
    std::fs::remove_dir_all(&dir).ok();
}

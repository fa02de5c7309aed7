//! Interpreters a course brings (course.toml's `[interpreter]`): the
//! feature tour's Lua (a real interpreter, built by `scripts/build-lua`,
//! which `scripts/test` runs first) graded through the library and the
//! CLI, records that name the module by its hash, each way of passing the
//! learner's code, and the course files sandlab refuses, with why.

use crate::cli::{sandlab, text};
use crate::support::{read_tree, verdict};
use sandlab::grade::{self, Report, Verdict};
use sandlab::lab::{self, Files, Lab};
use sandlab::language::{Language, Submission};
use sandlab::sandbox::End;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn tour() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/feature-tour")
}

/// The tour's Lua lab, as `sandlab` loads it (with its course).
fn lua_lab() -> Lab {
    assert!(
        tour().join("lua.wasm").is_file(),
        "labs/feature-tour/lua.wasm is missing: build it with scripts/build-lua (scripts/test does)"
    );
    let files = read_tree(&tour());
    let catalog = lab::load_courses(&files);
    assert!(catalog.diagnostics.is_empty(), "{:?}", catalog.diagnostics);
    catalog.courses[0]
        .labs
        .iter()
        .find(|l| l.id == "interpreter")
        .expect("the tour's interpreter lab")
        .clone()
}

fn lua(source: &str) -> Report {
    grade::grade(&lua_lab(), &Submission::text(Language::Custom, source))
}

#[test]
fn the_tours_lua_lab_runs_in_the_courses_interpreter() {
    let lab = lua_lab();
    assert_eq!(lab.language, Language::Custom);
    assert_eq!(lab.language_title(), "Lua 5.4");
    assert_eq!(lab.editor_mode(), Some("lua"));
    let runtime = lab.runtime.as_ref().expect("the course's interpreter");
    let module = std::fs::read(tour().join("lua.wasm")).expect("lua.wasm");
    assert_eq!(runtime.id, sandlab::record::sha256(&module));
    let solution =
        std::fs::read_to_string(tour().join("interpreter/solution.lua")).expect("solution");
    let report = lua(&solution);
    assert!(
        report.passed,
        "{:?}",
        report
            .checks
            .iter()
            .map(|c| c.verdict.to_string())
            .collect::<Vec<_>>()
    );
    // The same fuel every time.
    let again = lua(&solution);
    let fuel = |r: &Report| r.checks.iter().map(|c| c.fuel).collect::<Vec<_>>();
    assert_eq!(fuel(&report), fuel(&again));
}

#[test]
fn a_lua_error_fails_the_check_with_its_message_and_an_endless_loop_runs_out_of_fuel() {
    let report = lua("local t = nil\nprint(t.x)\n");
    let check = &report.checks[0];
    assert!(
        matches!(
            check.verdict,
            Verdict::ExitCode {
                expected: 0,
                actual: 1
            }
        ),
        "{:?}",
        check.verdict
    );
    assert!(
        check.stderr.contains("attempt to index a nil value"),
        "{}",
        check.stderr
    );
    let report = lua("while true do end\n");
    assert!(matches!(
        verdict(&report, "count, sum, least and greatest"),
        Verdict::Ended(End::OutOfFuel { .. })
    ));
    // Endless recursion is Lua's own error, not a crash of the interpreter.
    let report = lua("local function f() return f() + 1 end\nf()\n");
    assert!(
        report.checks[0].stderr.contains("stack overflow"),
        "{}",
        report.checks[0].stderr
    );
}

#[test]
fn the_cli_grades_records_and_verifies_a_lab_in_the_courses_language() {
    let dir = std::env::temp_dir().join(format!("sandlab-interpreter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let solution = tour().join("interpreter/solution.lua");
    let lab_dir = tour().join("interpreter");
    let out = sandlab(&[
        "grade",
        lab_dir.to_str().expect("utf-8"),
        solution.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let record = dir.join("record.json");
    let labs = tour().parent().expect("labs").to_path_buf();
    let out = sandlab(&[
        "record",
        solution.to_str().expect("utf-8"),
        "--course",
        "feature-tour",
        "--lab",
        "interpreter",
        "--learner",
        "ada",
        "--labs",
        labs.to_str().expect("utf-8"),
        "--out",
        record.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record).expect("record")).expect("json");
    let module = std::fs::read(tour().join("lua.wasm")).expect("lua.wasm");
    assert_eq!(json["labs"][0]["submission"]["kind"], "custom");
    assert_eq!(json["labs"][0]["runtime"], sandlab::record::sha256(&module));
    let out = sandlab(&[
        "verify",
        record.to_str().expect("utf-8"),
        "--labs",
        labs.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("feature-tour/interpreter: verified"),
        "{}",
        text(&out.stdout)
    );
    // Against a course whose interpreter is other bytes, the record says so.
    let other = dir.join("labs/feature-tour");
    copy_tree(&tour(), &other);
    let mut changed = module.clone();
    changed.extend_from_slice(&[0, 4, 3, b'x', b'y', b'z']); // a custom section
    std::fs::write(other.join("lua.wasm"), changed).expect("written");
    let out = sandlab(&[
        "verify",
        record.to_str().expect("utf-8"),
        "--labs",
        dir.join("labs").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("another"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copied");
        }
    }
}

/// A course in memory whose "interpreter" is the tour's commands solution:
/// it copies stdin to stdout, in.txt to out.txt, and exits with its number
/// of arguments, so each way of passing the code shows where it went.
fn toy_course(interpreter: &str, lab: &str) -> Files {
    let wat = std::fs::read_to_string(tour().join("commands/solution.wat")).expect("wat");
    let toy = sandlab::compile::wat(&wat).expect("compiles");
    let mut files = BTreeMap::new();
    files.insert(
        "toy/course.toml".to_string(),
        format!("format = 1\nid = \"toy\"\ntitle = \"Toy\"\nlabs = [\"lab\"]\n\n[interpreter]\n{interpreter}\n").into_bytes(),
    );
    files.insert("toy/toy.wasm".to_string(), toy);
    files.insert(
        "toy/lab/lab.toml".to_string(),
        format!(
            "format = 1\nid = \"lab\"\ntitle = \"Lab\"\nlanguage = \"toy\"\n\
             starter = \"starter.toy\"\nsolution = \"solution.toy\"\n\n{lab}"
        )
        .into_bytes(),
    );
    files.insert("toy/lab/README.md".to_string(), b"# Lab\n".to_vec());
    files.insert("toy/lab/solution.toy".to_string(), b"CODE".to_vec());
    files.insert("toy/lab/starter.toy".to_string(), b"".to_vec());
    Files(files)
}

fn toy_report(interpreter: &str, lab: &str) -> Report {
    let catalog = lab::load_courses(&toy_course(interpreter, lab));
    assert!(catalog.diagnostics.is_empty(), "{:?}", catalog.diagnostics);
    let lab = &catalog.courses[0].labs[0];
    grade::grade(lab, lab.solution.as_ref().expect("solution"))
}

#[test]
fn the_code_reaches_the_interpreter_as_a_file_an_argument_or_stdin() {
    let base = "name = \"toy\"\nfile = \"toy.wasm\"\nmain = \"in.txt\"\n";
    // As a file: the toy copies it (in.txt) to out.txt; one argument, its path.
    let report = toy_report(
        &format!("{base}pass = \"file\""),
        "[[check]]\nname = \"file\"\nkind = \"run\"\nfiles-after = { \"out.txt\" = \"CODE\" }\nexit-code = 1\n",
    );
    assert!(report.passed, "{:?}", report.checks[0].verdict);
    // As an argument after the course's own: three arguments.
    let report = toy_report(
        &format!("{base}pass = \"argv\"\nargs = [\"-x\", \"-e\"]"),
        "[[check]]\nname = \"argv\"\nkind = \"run\"\nexit-code = 3\n",
    );
    assert!(report.passed, "{:?}", report.checks[0].verdict);
    // On stdin, before the check's own input.
    let report = toy_report(
        &format!("{base}pass = \"stdin\""),
        "[[check]]\nname = \"stdin\"\nkind = \"run\"\nstdin = \" and input\"\nstdout = \"CODE and input\"\n",
    );
    assert!(report.passed, "{:?}", report.checks[0].verdict);
}

#[test]
fn a_module_that_cannot_be_an_interpreter_is_refused_with_why() {
    for (wat, why) in [
        (
            "(module (import \"env\" \"f\" (func)) (func (export \"_start\")))",
            "does not provide",
        ),
        ("(module (func (export \"run\")))", "exports no `_start`"),
    ] {
        let mut files = toy_course(
            "name = \"toy\"\nfile = \"toy.wasm\"",
            "[[check]]\nname = \"r\"\nkind = \"run\"\n",
        );
        files.0.insert(
            "toy/toy.wasm".into(),
            sandlab::compile::wat(wat).expect("compiles"),
        );
        let catalog = lab::load_courses(&files);
        let said: Vec<String> = catalog.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(
            said.iter()
                .any(|d| d.contains("cannot be the interpreter") && d.contains(why)),
            "{wat}: {said:?}"
        );
    }
    // A budget check in such a language runs the program, and calls none.
    let files = toy_course(
        "name = \"toy\"\nfile = \"toy.wasm\"",
        "[[check]]\nname = \"b\"\nkind = \"budget\"\nfunction = \"f\"\nbudget = 10\n",
    );
    let said: Vec<String> = lab::load_courses(&files)
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        said.iter().any(|d| d.contains("not a `function`")),
        "{said:?}"
    );
}

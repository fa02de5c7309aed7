//! Each test pins a bug that was found and fixed; its name says which.

use sandlab::language::Submission;
use sandlab::sandbox::{self, End, Program, Request};
use sandlab::vocab::{Limits, Value};

/// wasmi's tail-call dispatch overflowed the native stack in debug builds
/// (`debug-assertions` defeats the sibling-call optimisation); Cargo.toml
/// now builds wasmi without them. A deep legal recursion must just work.
#[test]
fn deep_recursion_does_not_overflow_the_native_stack() {
    let src = r#"(module (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))"#;
    let program = sandlab::language::compile(&Submission::wat(src), 9_000).expect("compiles");
    let out = sandbox::run(&program, Request::call("down", vec![Value::I32(8_000)]));
    assert_eq!(out.end, End::Returned(vec![Value::I32(0)]));
}

/// The output cap once kept 4 bytes less than the cap, because the budget
/// was zeroed before the part that still fit was measured.
#[test]
fn output_cap_keeps_exactly_the_cap() {
    let src = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 7))
        (loop (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br 0))))"#;
    let bytes = sandlab::compile::wat(src).expect("compiles");
    let program = Program::new(&bytes, 100).expect("valid");
    let mut request = Request::command();
    request.limits = Limits {
        output_bytes: 100,
        ..Limits::default()
    };
    let out = sandbox::run(&program, request);
    assert_eq!(out.stdout.len(), 100);
}

/// A check expecting a trap passed when the function called `proc_exit`
/// instead: exiting is not trapping.
#[test]
fn proc_exit_does_not_satisfy_an_expected_trap() {
    let mut files = sandlab::lab::Files::default();
    files.insert(
        "lab.toml",
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[exports]\nf = \"()\"\n\
         [[check]]\nname = \"traps\"\nkind = \"call\"\nfunction = \"f\"\ntrap = \"any\"\n",
    );
    files.insert("README.md", "# T");
    files.insert("starter.wat", "(module (func (export \"f\")))");
    files.insert("solution.wat", "(module (func (export \"f\") unreachable))");
    let lab = sandlab::lab::load_lab(&files, "").expect("loads");
    let exits = Submission::wat(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
           (memory (export "memory") 1)
           (func (export "f") (call $e (i32.const 0))))"#,
    );
    let report = sandlab::grade::grade(&lab, &exits);
    assert!(!report.passed, "{report:#?}");
    assert!(report.checks[0].verdict.to_string().contains("proc_exit"));
}

/// A lab error scored 0 of the check's points and failed the lab: the lab's
/// fault counted against the learner.
#[test]
fn lab_errors_are_left_out_of_the_score() {
    let mut files = sandlab::lab::Files::default();
    files.insert(
        "lab.toml",
        "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[exports]\nf = \"(i32) -> i32\"\n\
         [[check]]\nname = \"fixed\"\nkind = \"call\"\nfunction = \"f\"\nargs = [2]\nexpect = 2\n\
         [[check]]\nname = \"random\"\nkind = \"random\"\nfunction = \"f\"\npoints = 5\n",
    );
    files.insert("README.md", "# T");
    files.insert("starter.wat", "(module)");
    files.insert(
        "solution.wat",
        "(module (func (export \"f\") (param i32) (result i32) local.get 0))",
    );
    // Not prepared: the random check has no expected values, a lab error.
    let lab = sandlab::lab::load_lab(&files, "").expect("loads");
    let report = sandlab::grade::grade(&lab, lab.solution.as_ref().expect("solution"));
    assert!(report.checks[1].verdict.is_lab_error());
    assert_eq!((report.score, report.max_score), (1, 1));
    assert!(
        report.passed,
        "the learner did everything they could: {report:#?}"
    );
}

/// Found by the `wat` fuzz target: an element segment longer than its table
/// ended as a trap whose message printed wasmi's table handle, numbered by
/// how many stores the process had made, so the same submission got a
/// different message on each run (and in the browser and the CLI).
#[test]
fn an_element_segment_past_the_table_is_a_deterministic_table_trap() {
    let wat = r#"(module
      (type $op (func (param i32) (result i32)))
      (table 1 funcref)
      (elem (i32.const 0) $a $a $a $a)
      (func $a (type $op) (local.get 0))
      (func (export "run") (param i32) (result i32) (local.get 0)))"#;
    let wasm = sandlab::compile::wat(wat).expect("compiles");
    let program = sandlab::sandbox::Program::new(&wasm, 100).expect("valid");
    let run = || {
        sandlab::sandbox::run(
            &program,
            sandlab::sandbox::Request::call("run", vec![sandlab::vocab::Value::I32(1)]),
        )
        .end
    };
    let first = run();
    assert_eq!(first, run(), "the same end on every run");
    match first {
        sandlab::sandbox::End::Trapped { kind, message } => {
            assert_eq!(kind, sandlab::vocab::TrapKind::TableOutOfBounds);
            assert!(message.contains("4 function(s) from index 0"), "{message}");
            assert!(!message.contains("Store"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

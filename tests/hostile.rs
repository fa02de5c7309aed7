//! Hostile submissions not covered by the grading fixtures: each must end in
//! a clear verdict or message, never a panic or a hang. docs/reliability.md
//! lists every hostile input and the test that covers it.

use sandlab::language::{self, Submission};
use sandlab::sandbox::{self, End, Request};
use sandlab::vocab::{TrapKind, Value};
use std::process::Command;

fn program(wat: &str) -> sandbox::Program {
    language::compile(&Submission::wat(wat), 10_000).expect("compiles")
}

#[test]
fn a_hundred_thousand_tiny_functions_compile_and_run() {
    let mut wat = String::from("(module\n");
    for i in 0..100_000 {
        wat.push_str(&format!("  (func $f{i} (result i32) i32.const {i})\n"));
    }
    wat.push_str("  (func (export \"last\") (result i32) call $f99999))\n");
    let outcome = sandbox::run(&program(&wat), Request::call("last", vec![]));
    assert_eq!(outcome.end, End::Returned(vec![Value::I32(99_999)]));
}

#[test]
fn a_syntax_error_on_the_last_line_points_there() {
    let wat = "(module\n  (func (export \"f\") (result i32)\n    i32.const 1)\n  (func $g\n";
    let Err(err) = language::compile(&Submission::wat(wat), 10_000) else {
        panic!("a module missing its closing parentheses compiled");
    };
    let last = wat.lines().count() as u32;
    assert!(
        err.line == Some(last) || err.line == Some(last + 1),
        "line {:?} of {last}: {err}",
        err.line
    );
}

#[test]
fn proc_exit_with_odd_codes_reports_them_exactly() {
    for code in [0i32, 1, 255, 256, -1, i32::MIN] {
        let src = format!(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (func (export "_start") (call $exit (i32.const {code})) unreachable))"#
        );
        let end = sandbox::run(&program(&src), Request::command()).end;
        assert_eq!(end, End::Exited(code), "proc_exit({code})");
    }
}

#[test]
fn wasi_calls_with_out_of_range_pointers_and_lengths_are_host_traps() {
    // Each line is one call's arguments that point outside the 1-page memory
    // or wrap around the address space; each must stop the run with a trap
    // naming the call, never read or write out of bounds.
    let calls = [
        (
            "fd_write",
            "(i32.const 1) (i32.const 70000) (i32.const 1) (i32.const 8)",
        ),
        (
            "fd_write",
            "(i32.const 1) (i32.const 0) (i32.const 1) (i32.const -4)",
        ),
        (
            "fd_write",
            "(i32.const 1) (i32.const 0) (i32.const 2147483647) (i32.const 8)",
        ),
        (
            "fd_read",
            "(i32.const 0) (i32.const 65533) (i32.const 1) (i32.const 8)",
        ),
        ("random_get", "(i32.const 65000) (i32.const 4096)"),
        ("args_get", "(i32.const -1) (i32.const -1)"),
    ];
    for (name, args) in calls {
        let params = match name {
            "random_get" | "args_get" => "(param i32 i32)",
            _ => "(param i32 i32 i32 i32)",
        };
        let src = format!(
            r#"(module (import "wasi_snapshot_preview1" "{name}" (func $c {params} (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")
                (i32.store (i32.const 0) (i32.const 65530))
                (i32.store (i32.const 4) (i32.const 100))
                (drop (call $c {args}))))"#
        );
        let mut request = Request::command();
        request.world.args = vec!["an argument".into()];
        match sandbox::run(&program(&src), request).end {
            End::Trapped {
                kind: TrapKind::Host,
                message,
            } => assert!(message.contains(name), "{name} {args}: {message}"),
            other => panic!("{name} {args}: {other:?}"),
        }
    }
}

#[test]
fn a_50_mb_upload_is_refused_with_its_size() {
    let dir = std::env::temp_dir().join(format!("sandlab-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let big = dir.join("big.wasm");
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.resize(50 * 1024 * 1024, 0);
    std::fs::write(&big, &bytes).expect("written");
    let out = Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(["grade", "labs/wasm-from-scratch/byo"])
        .arg(&big)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is 52 MB; submissions are limited to 16 MB"),
        "{stderr}"
    );
}

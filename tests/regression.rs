//! Each test pins a bug that was found and fixed; its name says which.

use sandlab::compile::Submission;
use sandlab::sandbox::{self, End, Limits, Program, Request, Value};

/// wasmi's tail-call dispatch overflowed the native stack in debug builds
/// (`debug-assertions` defeats the sibling-call optimisation); Cargo.toml
/// now builds wasmi without them. A deep legal recursion must just work.
#[test]
fn deep_recursion_does_not_overflow_the_native_stack() {
    let src = r#"(module (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))"#;
    let program = sandlab::compile::compile(&Submission::Wat(src.into()), 9_000).expect("compiles");
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

use super::*;
use crate::compile;

fn program(wat: &str) -> Program {
    let bytes = compile::wat(wat).expect("test WAT compiles");
    Program::new(&bytes, Limits::default().stack_depth).expect("test module validates")
}

fn call(wat: &str, function: &str, args: Vec<Value>) -> Outcome {
    run(&program(wat), Request::call(function, args))
}

/// Runs in slices of `slice` fuel and returns the outcome and the number of
/// slices it took.
fn run_sliced(program: &Program, request: Request, slice: u64) -> (Outcome, u64) {
    let mut exec = Execution::start(program, request);
    let mut slices = 0;
    while !exec.advance(slice) {
        slices += 1;
    }
    (exec.finish(), slices)
}

const LOOP: &str = r#"(module (func (export "spin") (loop br 0)))"#;
const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end))"#;

#[test]
fn returns_values() {
    let out = call(FIB, "fib", vec![Value::I32(10)]);
    assert_eq!(out.end, End::Returned(vec![Value::I32(55)]));
    assert!(out.fuel_used > 100, "fuel {}", out.fuel_used);
}

#[test]
fn endless_loop_runs_out_of_fuel() {
    let mut req = Request::call("spin", vec![]);
    req.limits.fuel = 100_000;
    let out = run(&program(LOOP), req);
    assert_eq!(out.end, End::OutOfFuel { limit: 100_000 });
    assert_eq!(out.fuel_used, 100_000);
}

#[test]
fn slicing_changes_neither_result_nor_fuel() {
    let p = program(FIB);
    let whole = run(&p, Request::call("fib", vec![Value::I32(18)]));
    for slice in [1, 7, 1000, 65_536] {
        let (sliced, slices) = run_sliced(&p, Request::call("fib", vec![Value::I32(18)]), slice);
        assert_eq!(sliced, whole, "slice {slice}");
        if slice < 1000 {
            assert!(slices > 10, "slice {slice} ran in {slices} slices");
        }
    }
    let mut req = Request::call("spin", vec![]);
    req.limits.fuel = 50_001;
    let p = program(LOOP);
    let whole = run(&p, req.clone());
    let (sliced, _) = run_sliced(&p, req, 333);
    assert_eq!(sliced, whole);
}

#[test]
fn slicing_keeps_fuel_of_bulk_memory_operations() {
    let src = r#"(module (memory (export "memory") 1)
      (func (export "f") (result i32)
        (memory.fill (i32.const 0) (i32.const 7) (i32.const 60000))
        (drop (memory.grow (i32.const 3)))
        (memory.copy (i32.const 70000) (i32.const 0) (i32.const 60000))
        (i32.load8_u (i32.const 70001))))"#;
    let p = program(src);
    let whole = run(&p, Request::call("f", vec![]));
    assert_eq!(whole.end, End::Returned(vec![Value::I32(7)]));
    for slice in [1, 100, 5000] {
        let (sliced, _) = run_sliced(&p, Request::call("f", vec![]), slice);
        assert_eq!(sliced, whole, "slice {slice}");
    }
}

#[test]
fn cancel_ends_a_run() {
    let p = program(LOOP);
    let mut exec = Execution::start(&p, Request::call("spin", vec![]));
    assert!(!exec.advance(1000));
    exec.cancel();
    assert!(exec.advance(1000));
    assert_eq!(exec.finish().end, End::Cancelled);
}

#[test]
fn traps_are_named() {
    let src = r#"(module
      (memory 1)
      (table 2 funcref)
      (type $t (func (result i32)))
      (func $g (result i64) i64.const 1)
      (elem (i32.const 1) $g)
      (func (export "unreachable") unreachable)
      (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
      (func (export "oob") (result i32) i32.const 70000 i32.load)
      (func (export "null") (result i32) i32.const 0 call_indirect (type $t))
      (func (export "mismatch") (result i32) i32.const 1 call_indirect (type $t))
      (func (export "table") (result i32) i32.const 5 call_indirect (type $t))
      (func (export "trunc") (result i32) f32.const nan i32.trunc_f32_s))"#;
    let p = program(src);
    let cases: [(&str, Vec<Value>, TrapKind); 8] = [
        ("unreachable", vec![], TrapKind::Unreachable),
        (
            "div",
            vec![Value::I32(1), Value::I32(0)],
            TrapKind::DivisionByZero,
        ),
        (
            "div",
            vec![Value::I32(i32::MIN), Value::I32(-1)],
            TrapKind::IntegerOverflow,
        ),
        ("oob", vec![], TrapKind::MemoryOutOfBounds),
        ("null", vec![], TrapKind::IndirectCallToNull),
        ("mismatch", vec![], TrapKind::BadSignature),
        ("table", vec![], TrapKind::TableOutOfBounds),
        ("trunc", vec![], TrapKind::BadConversionToInteger),
    ];
    for (name, args, kind) in cases {
        match run(&p, Request::call(name, args)).end {
            End::Trapped { kind: k, .. } => assert_eq!(k, kind, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn unbounded_recursion_overflows_the_stack() {
    let src = r#"(module (func $f (export "f") (param i32) (result i32)
        local.get 0 i32.const 1 i32.add call $f))"#;
    let bytes = compile::wat(src).expect("compiles");
    let p = Program::new(&bytes, 500).expect("valid");
    let out = run(&p, Request::call("f", vec![Value::I32(0)]));
    assert_eq!(out.end, End::StackOverflow { limit: 500 });
}

#[test]
fn deep_but_legal_recursion_is_fine() {
    let src = r#"(module (func $sum (export "sum") (param i32) (result i64)
        local.get 0 i32.eqz
        if (result i64) i64.const 0
        else local.get 0 i64.extend_i32_u local.get 0 i32.const 1 i32.sub call $sum i64.add
        end))"#;
    let out = call(src, "sum", vec![Value::I32(5000)]);
    assert_eq!(out.end, End::Returned(vec![Value::I64(5000 * 5001 / 2)]));
}

#[test]
fn memory_grow_bomb_hits_the_memory_limit() {
    let src = r#"(module (memory 1)
      (func (export "bomb") (loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))"#;
    let mut req = Request::call("bomb", vec![]);
    req.limits.memory_pages = 20;
    let out = run(&program(src), req);
    assert_eq!(
        out.end,
        End::MemoryLimit {
            limit_pages: 20,
            requested_pages: 21
        }
    );
}

#[test]
fn huge_initial_memory_and_table_are_refused() {
    let out = call(
        r#"(module (memory 60000) (func (export "f")))"#,
        "f",
        vec![],
    );
    assert!(
        matches!(
            out.end,
            End::MemoryLimit {
                requested_pages: 60000,
                ..
            }
        ),
        "{:?}",
        out.end
    );
    let out = call(
        r#"(module (table 10000000 funcref) (func (export "f")))"#,
        "f",
        vec![],
    );
    assert!(matches!(out.end, End::TableLimit { .. }), "{:?}", out.end);
}

#[test]
fn endless_start_function_runs_out_of_fuel() {
    let src = r#"(module (func $s (loop br 0)) (start $s) (func (export "f")))"#;
    let mut req = Request::call("f", vec![]);
    req.limits.fuel = 20_000;
    let out = run(&program(src), req);
    assert_eq!(out.end, End::OutOfFuel { limit: 20_000 });
}

#[test]
fn missing_export_and_wrong_signature() {
    let out = call(FIB, "fibonacci", vec![]);
    assert_eq!(
        out.end,
        End::MissingExport {
            name: "fibonacci".into(),
            wanted: Wanted::Function(None),
        }
    );
    let out = call(FIB, "fib", vec![Value::I64(3)]);
    assert!(
        matches!(out.end, End::WrongSignature { .. }),
        "{:?}",
        out.end
    );
    assert!(out.end.to_string().contains("(i32) -> i32"), "{}", out.end);
}

#[test]
fn unknown_imports_are_link_errors() {
    let out = call(
        r#"(module (import "env" "print" (func (param i32))) (func (export "f")))"#,
        "f",
        vec![],
    );
    match out.end {
        End::LinkError { message } => assert!(message.contains("env.print"), "{message}"),
        other => panic!("{other:?}"),
    }
}

const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

#[test]
fn wasi_hello_writes_stdout() {
    let out = run(&program(HELLO), Request::command());
    assert_eq!(out.end, End::Returned(vec![]));
    assert_eq!(out.stdout, b"hello\n");
}

#[test]
fn output_flood_hits_the_output_limit() {
    let src = HELLO.replace(
        "(drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))",
        "(loop (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br 0))",
    );
    let mut req = Request::command();
    req.limits.output_bytes = 1000;
    let out = run(&program(&src), req);
    assert_eq!(out.end, End::OutputLimit { limit: 1000 });
    assert_eq!(out.stdout.len(), 1000, "keeps output up to the cap");
}

#[test]
fn wasi_bad_pointer_is_reported() {
    let src = HELLO.replace(
        "(i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)",
        "(i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 8)",
    );
    let out = run(&program(&src), Request::command());
    match out.end {
        End::Trapped {
            kind: TrapKind::Host,
            message,
        } => {
            assert!(
                message.contains("fd_write") && message.contains("65532"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn proc_exit_sets_the_exit_code() {
    let src = r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (i32.const 3)) unreachable))"#;
    assert_eq!(run(&program(src), Request::command()).end, End::Exited(3));
}

#[test]
fn stdin_args_env_and_files_are_served() {
    // Reads stdin into memory at 100 and echoes it; the argument and
    // environment sizes are stored for the test to read back.
    let src = r#"(module
      (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $as (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "environ_sizes_get" (func $es (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 50))
        (drop (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 4) (i32.load (i32.const 8)))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (drop (call $as (i32.const 200) (i32.const 204)))
        (drop (call $es (i32.const 208) (i32.const 212)))
        (i32.store (i32.const 216) (call $accept (i32.const 0) (i32.const 0) (i32.const 0)))))"#;
    let mut req = Request::command();
    req.world.stdin = b"echo me".to_vec();
    req.world.args = vec!["one".into(), "two".into()];
    req.world.env = vec![("A".into(), "b".into())];
    req.memory_reads = vec![MemoryRead {
        address: 200,
        len: 20,
    }];
    let out = run(&program(src), req);
    assert_eq!(out.end, End::Returned(vec![]));
    assert_eq!(out.stdout, b"echo me");
    let mem = out.memory[0].clone().expect("readable");
    let word = |i: usize| u32::from_le_bytes([mem[i], mem[i + 1], mem[i + 2], mem[i + 3]]);
    assert_eq!(word(0), 3, "argc counts argv[0]");
    assert_eq!(word(4), ("main.wasm".len() + 1 + 4 + 4) as u32);
    assert_eq!((word(8), word(12)), (1, 4), "one variable, A=b\\0");
    assert_eq!(word(16), 52, "unimplemented WASI calls return ENOSYS");
}

#[test]
fn memory_writes_and_reads() {
    let src = r#"(module (memory (export "memory") 1)
      (func (export "inc") (param i32)
        (i32.store8 (local.get 0) (i32.add (i32.load8_u (local.get 0)) (i32.const 1)))))"#;
    let mut req = Request::call("inc", vec![Value::I32(10)]);
    req.memory_writes = vec![MemoryWrite {
        address: 10,
        bytes: vec![41],
    }];
    req.memory_reads = vec![
        MemoryRead {
            address: 10,
            len: 1,
        },
        MemoryRead {
            address: 65535,
            len: 2,
        },
    ];
    let out = run(&program(src), req);
    assert_eq!(out.memory[0], Ok(vec![42]));
    assert!(
        out.memory[1]
            .as_ref()
            .is_err_and(|e| e.contains("outside memory"))
    );
}

#[test]
fn same_run_same_fuel() {
    let p = program(FIB);
    let a = run(&p, Request::call("fib", vec![Value::I32(15)]));
    let b = run(&program(FIB), Request::call("fib", vec![Value::I32(15)]));
    assert_eq!(a, b);
}

/// Host calls are charged for their work, so asking WASI for megabytes per
/// call cannot stall the grader, and slicing still changes nothing.
#[test]
fn wasi_work_costs_fuel_the_same_in_any_slices() {
    let src = r#"(module
      (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
      (memory (export "memory") 16)
      (func (export "_start") (loop (drop (call $r (i32.const 0) (i32.const 1000000))) (br 0))))"#;
    let p = program(src);
    let mut req = Request::command();
    req.limits.fuel = 1_000_000;
    let whole = run(&p, req.clone());
    assert_eq!(whole.end, End::OutOfFuel { limit: 1_000_000 });
    for slice in [1, 1000, 100_000] {
        let (sliced, _) = run_sliced(&p, req.clone(), slice);
        assert_eq!(sliced, whole, "slice {slice}");
    }
    // A program doing a little WASI work finishes with the same fuel sliced.
    let mut req = Request::command();
    req.world.stdin = vec![b'x'; 5000];
    let echo = crate::compile::wat(include_str!(
        "../../tests/fixtures/labs/course/echo/solution.wat"
    ))
    .expect("compiles");
    let p = Program::new(&echo, 100).expect("valid");
    let whole = run(&p, req.clone());
    assert!(matches!(whole.end, End::Returned(_)), "{:?}", whole.end);
    for slice in [1, 7, 300] {
        let (sliced, _) = run_sliced(&p, req.clone(), slice);
        assert_eq!(sliced, whole, "slice {slice}");
    }
}

#[test]
fn wasi_refuses_long_paths_and_too_many_files() {
    let src = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "f")
      (func (export "long") (result i32)
        (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 60000)
          (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0)))
      (func (export "many") (result i32) (local $i i32) (local $e i32)
        (loop $l
          (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1)
            (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.and (i32.eqz (local.get $e)) (i32.lt_u (local.get $i) (i32.const 1000)))))
        (local.get $e)))"#;
    let p = program(src);
    assert_eq!(
        run(&p, Request::call("long", vec![])).end,
        End::Returned(vec![Value::I32(37)])
    );
    assert_eq!(
        run(&p, Request::call("many", vec![])).end,
        End::Returned(vec![Value::I32(33)])
    );
}

#[test]
fn checks_writing_near_the_top_of_the_address_space_fail_cleanly() {
    let src = r#"(module (memory (export "memory") 1) (func (export "f")))"#;
    let mut req = Request::call("f", vec![]);
    req.memory_writes = vec![MemoryWrite {
        address: u32::MAX,
        bytes: vec![1, 2],
    }];
    req.memory_reads = vec![MemoryRead {
        address: u32::MAX,
        len: 2,
    }];
    let out = run(&program(src), req);
    assert!(matches!(out.end, End::Trapped { .. }), "{:?}", out.end);
}

#[test]
fn table_grow_is_refused_with_a_position() {
    let bytes = compile::wat(
        r#"(module (table 1 funcref)
          (func (export "f") (result i32) (table.grow (ref.null func) (i32.const 1))))"#,
    )
    .expect("compiles");
    let e = Program::new(&bytes, 100).expect_err("refused");
    assert!(
        e.message.contains("table.grow") && e.offset.is_some(),
        "{e}"
    );
}

/// A loop of `n` turns: the entry segment is `loop` (1), each turn is
/// `local.get i32.const i32.sub local.tee br_if` (5).
const COUNT: &str = r#"(module (func (export "count") (param $n i32)
    loop $l
      local.get $n i32.const 1 i32.sub local.tee $n
      br_if $l
    end))"#;

#[test]
fn fuel_follows_the_documented_cost_model() {
    let p = program(COUNT);
    for n in [1, 10, 1000] {
        let out = run(&p, Request::call("count", vec![Value::I32(n)]));
        assert_eq!(out.end, End::Returned(vec![]));
        assert_eq!(out.fuel_used, 1 + 5 * n as u64, "n = {n}");
    }
    // The exact figure is enough, and one unit less is not: a segment is
    // charged before it runs.
    let mut req = Request::call("count", vec![Value::I32(1000)]);
    req.limits.fuel = 5001;
    assert_eq!(run(&p, req.clone()).end, End::Returned(vec![]));
    req.limits.fuel = 5000;
    let out = run(&p, req);
    assert_eq!(out.end, End::OutOfFuel { limit: 5000 });
    assert_eq!(out.fuel_used, 5000);
}

#[test]
fn the_call_depth_limit_counts_frames_exactly() {
    let src = r#"(module (func $r (export "r") (param i32) (result i32)
        (if (result i32) (local.get 0)
          (then (call $r (i32.sub (local.get 0) (i32.const 1))))
          (else (i32.const 7)))))"#;
    let p = Program::new(&compile::wat(src).expect("compiles"), 50).expect("valid");
    // r(49) is 50 frames: the entry and 49 calls.
    let out = run(&p, Request::call("r", vec![Value::I32(49)]));
    assert_eq!(out.end, End::Returned(vec![Value::I32(7)]));
    let out = run(&p, Request::call("r", vec![Value::I32(50)]));
    assert_eq!(out.end, End::StackOverflow { limit: 50 });
}

#[test]
fn a_modules_own_maximum_refuses_growth_before_the_sandbox_cap() {
    let src = r#"(module (memory 1 2)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let p = program(src);
    let grow = |pages: i32, limit: u32| {
        let mut req = Request::call("grow", vec![Value::I32(pages)]);
        req.limits.memory_pages = limit;
        run(&p, req).end
    };
    // Past the module's maximum: the spec's -1, whatever the cap.
    assert_eq!(grow(5, 256), End::Returned(vec![Value::I32(-1)]));
    assert_eq!(grow(5, 1), End::Returned(vec![Value::I32(-1)]));
    // Within the maximum, past the cap: the sandbox stops the run.
    assert_eq!(
        grow(1, 1),
        End::MemoryLimit {
            limit_pages: 1,
            requested_pages: 2
        }
    );
    assert_eq!(grow(1, 2), End::Returned(vec![Value::I32(1)]));
}

#[test]
fn nan_results_are_canonical_on_every_cpu() {
    let src = r#"(module
        (func (export "f32") (result i32)
          (i32.reinterpret_f32 (f32.div (f32.const 0) (f32.const 0))))
        (func (export "f64") (result i64)
          (i64.reinterpret_f64 (f64.sqrt (f64.const -1))))
        (func (export "neg") (result i64)
          ;; neg is exact on NaN bits: the spec fixes it, so it stays.
          (i64.reinterpret_f64 (f64.neg (f64.add (f64.const nan) (f64.const 1))))))"#;
    let p = program(src);
    let value = |name: &str| run(&p, Request::call(name, vec![])).end;
    assert_eq!(value("f32"), End::Returned(vec![Value::I32(0x7FC0_0000)]));
    assert_eq!(
        value("f64"),
        End::Returned(vec![Value::I64(0x7FF8_0000_0000_0000)])
    );
    assert_eq!(
        value("neg"),
        End::Returned(vec![Value::I64(0xFFF8_0000_0000_0000_u64 as i64)])
    );
}

#[test]
fn the_start_function_runs_before_the_entry_under_the_same_fuel() {
    let src = r#"(module (global $g (mut i32) (i32.const 0))
        (func $s (global.set $g (i32.const 42))) (start $s)
        (func (export "g") (result i32) (global.get $g)))"#;
    let p = program(src);
    let out = run(&p, Request::call("g", vec![]));
    assert_eq!(out.end, End::Returned(vec![Value::I32(42)]));
    // start: i32.const, global.set (2); g: global.get (1).
    assert_eq!(out.fuel_used, 3);
    let (sliced, _) = run_sliced(&p, Request::call("g", vec![]), 1);
    assert_eq!(sliced, out);
}

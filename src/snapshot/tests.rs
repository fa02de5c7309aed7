use super::*;
use crate::compile;
use crate::sandbox;

/// A reactor whose initialisation fills memory, grows it, sets globals
/// and counts its work; `run` reports what it finds.
const REACTOR: &str = r#"(module
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (global $big (mut i64) (i64.const 0))
  (global $half f64 (f64.const 0.5))
  (data (i32.const 8) "seed")
  (func (export "_initialize")
    (i32.store (i32.const 100) (i32.const 7)))
  (func (export "init") (local $i i32)
    (drop (memory.grow (i32.const 2)))
    (loop $fill
      (i32.store8 (i32.add (i32.const 70000) (local.get $i)) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1000))))
    (global.set $ready (i32.const 42))
    (global.set $big (i64.const -5)))
  (func (export "run") (result i32 i64 i32 i32 i32)
    global.get $ready
    global.get $big
    (i32.load (i32.const 100))
    (i32.load8_u (i32.const 70999))
    memory.size))"#;

fn run(wasm: &[u8], calls: &[&str]) -> (End, u64) {
    let program = Program::new(wasm, 1000).expect("loads");
    let mut fuel = 0;
    let mut end = End::Cancelled;
    for call in calls {
        let outcome = sandbox::run(&program, Request::call(call, Vec::new()));
        fuel = outcome.fuel_used;
        end = outcome.end;
    }
    (end, fuel)
}

#[test]
fn a_snapshot_starts_where_the_initialisation_ended() {
    let wasm = compile::wat(REACTOR).expect("compiles");
    let snap = take(&wasm, "init", World::default(), Limits::default()).expect("snapshot");
    let (end, fuel) = run(&snap, &["run"]);
    assert_eq!(
        end,
        End::Returned(vec![
            Value::I32(42),
            Value::I64(-5),
            Value::I32(7),
            Value::I32(1),
            Value::I32(3),
        ])
    );
    assert!(fuel < 20, "the run pays nothing for the start-up: {fuel}");
    let program = Program::new(&wasm, 1000).expect("loads");
    let fresh = sandbox::run(&program, Request::call("run", Vec::new()));
    assert!(
        matches!(
            fresh.end,
            End::Trapped {
                kind: crate::vocab::TrapKind::MemoryOutOfBounds,
                ..
            }
        ),
        "without the snapshot memory never grew: {:?}",
        fresh.end
    );
}

#[test]
fn a_snapshot_is_the_same_bytes_every_time_and_drops_initialize() {
    let wasm = compile::wat(REACTOR).expect("compiles");
    let a = take(&wasm, "init", World::default(), Limits::default()).expect("snapshot");
    let b = take(&wasm, "init", World::default(), Limits::default()).expect("snapshot");
    assert_eq!(a, b);
    let program = Program::new(&a, 1000).expect("loads");
    assert!(program.export_sig(INITIALIZE).is_none());
    assert!(program.export_sig("init").is_some());
}

#[test]
fn what_a_snapshot_cannot_keep_is_refused_with_a_reason() {
    let trap = compile::wat(r#"(module (memory 1) (func (export "init") unreachable))"#)
        .expect("compiles");
    let e = take(&trap, "init", World::default(), Limits::default()).unwrap_err();
    assert!(
        matches!(e, SnapshotError::Init(End::Trapped { .. }, _)),
        "{e}"
    );
    let no_memory = compile::wat(r#"(module (func (export "init")))"#).expect("compiles");
    let e = take(&no_memory, "init", World::default(), Limits::default()).unwrap_err();
    assert!(e.to_string().contains("no memory"), "{e}");
}

#[test]
fn zero_runs_are_left_out_and_short_gaps_joined() {
    let mut memory = vec![0u8; 1000];
    memory[10] = 1;
    memory[12] = 2;
    memory[500] = 3;
    assert_eq!(segments(&memory), vec![(10, 13), (500, 501)]);
    assert!(segments(&[0; 64]).is_empty());
}

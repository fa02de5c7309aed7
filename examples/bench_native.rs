//! The native side of `bench/run`: each module of `bench/modules` timed
//! (a) in sandlab's sandbox, as `sandlab grade` runs code, and (b) in bare
//! wasmi with wasmi's fuel metering on and off, and (c) the module as the
//! metering pass instruments it, in bare wasmi, to price the pass. Prints one
//! JSON object per module. Median of 7 runs after a warm-up.

use sandlab::compile;
use sandlab::language::{self, Submission};
use sandlab::sandbox::{self, End, Request};
use sandlab::vocab::{Limits, Value};
use serde_json::{Value as Json, json};
use std::time::Instant;

const RUNS: usize = 7;

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

fn time(mut f: impl FnMut() -> i64) -> (f64, i64) {
    let result = f();
    let ms = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            assert_eq!(f(), result, "a run gave a different result");
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    (median(ms), result)
}

/// Bare wasmi, configured as the sandbox is but for fuel.
fn bare(bytes: &[u8], arg: i32, fuel: bool) -> impl FnMut() -> i64 {
    let mut config = wasmi::Config::default();
    config
        .consume_fuel(fuel)
        .compilation_mode(wasmi::CompilationMode::Eager);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, bytes).expect("valid module");
    move || {
        let mut store = wasmi::Store::new(&engine, ());
        if fuel {
            store.set_fuel(u64::MAX / 2).expect("fuel on");
        }
        let mut linker = wasmi::Linker::new(&engine);
        linker
            .func_wrap(
                "wasi_snapshot_preview1",
                "fd_write",
                |mut caller: wasmi::Caller<'_, ()>,
                 _fd: i32,
                 iovs: i32,
                 _n: i32,
                 out: i32|
                 -> i32 {
                    let Some(wasmi::Extern::Memory(memory)) = caller.get_export("memory") else {
                        return 8;
                    };
                    let data = memory.data_mut(&mut caller);
                    let at = iovs as usize + 4;
                    let len = [data[at], data[at + 1], data[at + 2], data[at + 3]];
                    let out = out as usize;
                    data[out..out + 4].copy_from_slice(&len);
                    0
                },
            )
            .expect("fd_write");
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instantiates");
        // An instrumented module counts its own fuel: give it all it needs.
        for (name, value) in [
            (sandlab::meter::FUEL, wasmi::Val::I64(i64::MAX / 2)),
            (sandlab::meter::DEPTH, wasmi::Val::I32(10_000)),
            (sandlab::meter::MEMORY_LIMIT, wasmi::Val::I64(65536)),
        ] {
            if let Some(global) = instance.get_global(&store, name) {
                global.set(&mut store, value).expect("a mutable global");
            }
        }
        let run = instance
            .get_typed_func::<i32, i32>(&store, "run")
            .expect("exports run");
        i64::from(run.call(&mut store, arg).expect("runs"))
    }
}

fn main() {
    let list: Json =
        serde_json::from_str(include_str!("../bench/modules/list.json")).expect("list");
    for entry in list.as_array().expect("array") {
        let name = entry["name"].as_str().expect("name");
        let arg = entry["arg"].as_i64().expect("arg") as i32;
        let path = format!("{}/bench/modules/{name}.wat", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("module");
        let bytes = compile::wat(&text).expect("compiles");
        let program = language::compile(&Submission::wat(text), 10_000).expect("loads");
        let limits = Limits {
            fuel: 100_000_000_000,
            output_bytes: 1 << 30,
            ..Limits::default()
        };
        let mut fuel = 0;
        let (sandbox_ms, result) = time(|| {
            let mut request = Request::call("run", vec![Value::I32(arg)]);
            request.limits = limits;
            let outcome = sandbox::run(&program, request);
            fuel = outcome.fuel_used;
            match outcome.end {
                End::Returned(values) => match values.first() {
                    Some(Value::I32(v)) => i64::from(*v),
                    other => panic!("{name}: returned {other:?}"),
                },
                other => panic!("{name}: {other:?}"),
            }
        });
        let (on_ms, on_result) = time(bare(&bytes, arg, true));
        let (off_ms, off_result) = time(bare(&bytes, arg, false));
        let metered = sandlab::meter::instrument(&bytes).expect("instruments");
        let (metered_ms, metered_result) = time(bare(&metered.wasm, arg, false));
        assert_eq!(
            (on_result, off_result, metered_result),
            (result, result, result),
            "{name}: engines agree"
        );
        println!(
            "{}",
            json!({
                "name": name,
                "arg": arg,
                "result": result,
                "fuel": fuel,
                "sandbox_ms": sandbox_ms,
                "wasmi_fuel_ms": on_ms,
                "wasmi_nofuel_ms": off_ms,
                "wasmi_metered_ms": metered_ms,
            })
        );
    }
}

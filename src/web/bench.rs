//! The browser side of `bench/run` (built only with the `bench` feature,
//! never shipped to learners): each module of `bench/modules` timed in
//! sandlab's sandbox (wasmi inside this page), on the fast path (the
//! instrumented module on the browser's engine, as the grading worker runs
//! it) and as a plain module in the browser's own WebAssembly engine, in one
//! page. `#/bench` in a `--features bench` build.

use crate::compile;
use crate::language::{self, Submission};
use crate::sandbox::{self, End, Request};
use crate::vocab::{Limits, Value};
use js_sys::{Function, Reflect, Uint8Array, WebAssembly};
use serde_json::{Value as Json, json};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

const RUNS: usize = 5;

const LIST: &str = include_str!("../../bench/modules/list.json");
const MODULES: [(&str, &str); 6] = [
    ("fib", include_str!("../../bench/modules/fib.wat")),
    ("sieve", include_str!("../../bench/modules/sieve.wat")),
    ("sort", include_str!("../../bench/modules/sort.wat")),
    ("floats", include_str!("../../bench/modules/floats.wat")),
    ("dispatch", include_str!("../../bench/modules/dispatch.wat")),
    ("wasi", include_str!("../../bench/modules/wasi.wat")),
];

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

/// Times `f` (median of RUNS after a warm-up); all results must agree.
fn time(mut f: impl FnMut() -> Result<i64, String>) -> Result<(f64, i64), String> {
    let result = f()?;
    let mut ms = Vec::new();
    for _ in 0..RUNS {
        let start = now();
        if f()? != result {
            return Err("runs disagree".into());
        }
        ms.push(now() - start);
    }
    Ok((median(ms), result))
}

fn sandbox_run(program: &sandbox::Program, arg: i32) -> Result<(i64, u64), String> {
    let mut request = Request::call("run", vec![Value::I32(arg)]);
    request.limits = Limits {
        fuel: 100_000_000_000,
        output_bytes: 1 << 30,
        ..Limits::default()
    };
    let outcome = sandbox::run(program, request);
    match outcome.end {
        End::Returned(v) => match v.first() {
            Some(Value::I32(x)) => Ok((i64::from(*x), outcome.fuel_used)),
            other => Err(format!("returned {other:?}")),
        },
        other => Err(format!("{other}")),
    }
}

/// Instantiates `bytes` in the browser's engine with a minimal `fd_write`
/// and returns its `run` export.
fn native_instance(bytes: &[u8]) -> Result<Function, String> {
    let js = |e: JsValue| format!("{e:?}");
    let module = WebAssembly::Module::new(&Uint8Array::from(bytes)).map_err(js)?;
    let memory: Rc<RefCell<Option<WebAssembly::Memory>>> = Rc::default();
    let mem = memory.clone();
    let fd_write = Closure::<dyn Fn(i32, i32, i32, i32) -> i32>::new(
        move |_fd: i32, iovs: i32, _n: i32, out: i32| -> i32 {
            let Some(m) = mem.borrow().clone() else {
                return 8;
            };
            let view = Uint8Array::new(&m.buffer());
            for k in 0..4 {
                view.set_index(out as u32 + k, view.get_index(iovs as u32 + 4 + k));
            }
            0
        },
    );
    let wasi = js_sys::Object::new();
    Reflect::set(&wasi, &"fd_write".into(), fd_write.as_ref()).map_err(js)?;
    fd_write.forget();
    let imports = js_sys::Object::new();
    Reflect::set(&imports, &"wasi_snapshot_preview1".into(), &wasi).map_err(js)?;
    let instance = WebAssembly::Instance::new(&module, &imports).map_err(js)?;
    let exports = instance.exports();
    if let Ok(m) = Reflect::get(&exports, &"memory".into())
        && let Ok(m) = m.dyn_into::<WebAssembly::Memory>()
    {
        *memory.borrow_mut() = Some(m);
    }
    Reflect::get(&exports, &"run".into())
        .map_err(js)?
        .dyn_into::<Function>()
        .map_err(|_| "no run export".into())
}

/// A module of the list: its name, argument and text.
fn module(entry: &Json) -> Result<(&str, i32, &'static str), String> {
    let name = entry["name"].as_str().unwrap_or_default();
    let arg = entry["arg"].as_i64().unwrap_or_default() as i32;
    let text = MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("no module {name}"))?;
    Ok((name, arg, text))
}

/// The call a run of a module is: `run(arg)`, with room for the longest.
fn request(arg: i32) -> Request {
    let mut request = Request::call("run", vec![Value::I32(arg)]);
    request.limits = Limits {
        fuel: 100_000_000_000,
        output_bytes: 1 << 30,
        ..Limits::default()
    };
    request
}

fn measure(name: &str, text: &str, arg: i32) -> Result<Json, String> {
    let program =
        language::compile(&Submission::wat(text.to_string()), 10_000).map_err(|e| e.to_string())?;
    let bytes = compile::wat(text).map_err(|e| e.to_string())?;
    let mut fuel = 0;
    let (sandbox_ms, result) = time(|| {
        let (r, f) = sandbox_run(&program, arg)?;
        fuel = f;
        Ok(r)
    })?;
    // The fast path, each run as a check runs: a fresh instance, the
    // metering globals set, WASI served by the sandbox's Rust.
    let fast = super::browser_engine::compile(&program).ok_or("the fast path cannot run it")?;
    let mut fast_fuel = 0;
    let (fast_ms, fast_result) = time(|| {
        let outcome = super::browser_engine::run(&fast, &program, &request(arg))?;
        fast_fuel = outcome.fuel_used;
        match outcome.end {
            End::Returned(v) => match v.first() {
                Some(Value::I32(x)) => Ok(i64::from(*x)),
                other => Err(format!("returned {other:?}")),
            },
            other => Err(format!("{other}")),
        }
    })?;
    if (fast_result, fast_fuel) != (result, fuel) {
        return Err(format!(
            "{name}: the fast path gave {fast_result} in {fast_fuel} fuel, wasmi {result} in {fuel}"
        ));
    }
    let run = native_instance(&bytes)?;
    let (browser_ms, browser_result) = time(|| {
        run.call1(&JsValue::NULL, &JsValue::from(arg))
            .map(|v| v.as_f64().unwrap_or(f64::NAN) as i64)
            .map_err(|e| format!("{e:?}"))
    })?;
    if browser_result != result {
        return Err(format!(
            "{name}: the browser's engine returned {browser_result}, the sandbox {result}"
        ));
    }
    Ok(json!({
        "name": name, "arg": arg, "result": result, "fuel": fuel,
        "sandbox_ms": sandbox_ms, "fast_ms": fast_ms, "browser_ms": browser_ms,
    }))
}

/// Adds to each row the time of a run as learners' Runs and Checks go
/// (`runner::run`: tried on the page's wasmi first, then on the page or
/// in the worker as the runner chooses), once the worker is ready.
async fn shipped(mut rows: Vec<Json>, list: &[Json]) -> Result<Vec<Json>, String> {
    for _ in 0..200 {
        let ready = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
            .and_then(|b| b.get_attribute("data-worker"))
            .is_some_and(|w| w == "ready");
        if ready {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    for (row, entry) in rows.iter_mut().zip(list) {
        let (name, arg, text) = module(entry)?;
        let binary = compile::Binary::new(compile::wat(text).map_err(|e| e.to_string())?);
        let mut ms = Vec::new();
        for i in 0..=RUNS {
            let start = now();
            let outcome =
                super::runner::run(&binary, 10_000, request(arg), Rc::default(), |_| {}).await;
            // The first run is a warm-up (the worker compiles the module).
            if i > 0 {
                ms.push(now() - start);
            }
            if outcome.fuel_used != row["fuel"].as_u64().unwrap_or_default() {
                return Err(format!(
                    "{name}: as shipped the fuel was {}, not {}",
                    outcome.fuel_used, row["fuel"]
                ));
            }
        }
        row["shipped_ms"] = json!(median(ms));
        row["shipped_engine"] = json!(
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
                .and_then(|b| b.get_attribute("data-engine"))
                .unwrap_or_default()
        );
    }
    Ok(rows)
}

#[component]
pub fn BenchPage() -> Html {
    let results = use_state(|| None::<Result<Vec<Json>, String>>);
    {
        let results = results.clone();
        use_effect_with((), move |_| {
            // After the first paint, so the page is up when timing starts.
            let t = gloo_timers::callback::Timeout::new(100, move || {
                let list: Vec<Json> = serde_json::from_str(LIST).unwrap_or_default();
                let pass = || -> Result<Vec<Json>, String> {
                    list.iter()
                        .map(|e| {
                            let (name, arg, text) = module(e)?;
                            measure(name, text, arg)
                        })
                        .collect()
                };
                // The first pass lets the browser finish optimising the
                // interpreter (it compiles lazily, then optimises hot code in
                // the background); the second is the one reported.
                let out = pass().and_then(|_| pass());
                match out {
                    Ok(rows) => wasm_bindgen_futures::spawn_local(async move {
                        results.set(Some(shipped(rows, &list).await));
                    }),
                    Err(e) => results.set(Some(Err(e))),
                }
            });
            move || drop(t)
        });
    }
    match &*results {
        None => html! { <p class="bench running">{ "Measuring…" }</p> },
        Some(Err(e)) => html! { <p class="bench failed" data-error={e.clone()}>{ e }</p> },
        Some(Ok(rows)) => html! {
            <table class="bench done" data-json={Json::Array(rows.clone()).to_string()}>
                <tr><th>{ "module" }</th><th>{ "sandbox ms" }</th><th>{ "fast ms" }</th><th>{ "browser ms" }</th><th>{ "fuel" }</th></tr>
                { for rows.iter().map(|r| html! {
                    <tr>
                        <td>{ r["name"].as_str().unwrap_or_default() }</td>
                        <td>{ format!("{:.1}", r["sandbox_ms"].as_f64().unwrap_or_default()) }</td>
                        <td>{ format!("{:.2}", r["fast_ms"].as_f64().unwrap_or_default()) }</td>
                        <td>{ format!("{:.2}", r["browser_ms"].as_f64().unwrap_or_default()) }</td>
                        <td>{ r["fuel"].to_string() }</td>
                    </tr>
                }) }
            </table>
        },
    }
}

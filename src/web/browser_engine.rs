//! The browser's own WebAssembly engine as a sandbox engine (BENCHMARKS.md
//! calls it the fast path).
//!
//! It runs the module the metering pass instrumented ([`crate::meter`]), so
//! it counts exactly the fuel wasmi counts, and serves WASI with the same
//! functions (`sandbox::wasi::call`) over the instance's memory. It answers
//! only what it can answer exactly as wasmi would; for everything else
//! [`run`] returns `None` and the caller runs wasmi instead:
//! - a module that would not link, or a run refused before it starts;
//! - a NaN float argument or result (its bits would not survive JavaScript);
//! - a trap whose kind V8's message does not name without doubt, and any
//!   error of the engine itself, such as its own stack running out before
//!   the call depth cap.
//!
//! It runs synchronously, so it belongs in a worker (`web::worker`).

use crate::meter;
use crate::sandbox::wasi::{self, Guest, Host};
use crate::sandbox::{
    End, Entry, Limiter, Outcome, Program, Request, memory_reads, metered_end, settle,
};
use crate::vocab::{Limits, TrapKind, ValType, Value};
use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export function variadic(f) {
  // A WASI function answers null when the run must stop: throwing here,
  // outside Rust, unwinds the program without leaving Rust mid-borrow.
  return (...args) => {
    const result = f(args);
    if (result === null) throw new Error('sandlab: stopped by the host');
    return result;
  };
}")]
extern "C" {
    fn variadic(f: &Function) -> Function;
}

/// A program compiled by the browser's engine.
pub struct BrowserProgram {
    module: WebAssembly::Module,
    /// The instance the last run left, when the next may reuse it
    /// ([`Program::resettable`]): instantiating CPython's snapshot copies
    /// megabytes into a new memory and costs about 6 ms, putting an
    /// instance back as it was instantiated a tenth of that.
    idle: RefCell<Option<Instance>>,
}

/// Compiles `program`'s instrumented module, if this engine can run it.
pub fn compile(program: &Program) -> Option<BrowserProgram> {
    program.wasi_imports()?;
    let bytes = Uint8Array::from(program.metered_wasm());
    let module = WebAssembly::Module::new(&bytes).ok()?;
    Some(BrowserProgram {
        module,
        idle: RefCell::new(None),
    })
}

/// An instance, what its WASI functions reach, and (for a resettable
/// program) its state as instantiated: the memory's bytes and every
/// mutable global's value, the pass's own included.
struct Instance {
    exports: Object,
    meter: Meter,
    /// The run's host: replaced before each run.
    host: Rc<RefCell<Host>>,
    _keep: Vec<WasiClosure>,
    memory: Option<(WebAssembly::Memory, Uint8Array)>,
    globals: Vec<(WebAssembly::Global, JsValue)>,
}

impl Instance {
    fn new(
        compiled: &BrowserProgram,
        program: &Program,
        request: &Request,
    ) -> Result<Instance, String> {
        let limits = request.limits;
        let host = Rc::new(RefCell::new(Host::new(
            request.world.clone(),
            &limits,
            Limiter::new(limits.memory_pages),
        )));
        let parts: Rc<RefCell<Option<Parts>>> = Rc::new(RefCell::new(None));
        let (imports, keep) = imports(program, &host, &parts)?;
        // Instantiating runs no learner code (the pass removed the start
        // section); a segment that does not fit is left to wasmi's message.
        let instance = WebAssembly::Instance::new(&compiled.module, &imports)
            .map_err(|e| format!("instantiation: {}", message(&e)))?;
        let exports = instance.exports();
        let meter = or(Meter::of(&exports), "internal: no metering globals")?;
        *parts.borrow_mut() = Some(Parts {
            memory: memory_of(&exports),
            fuel: meter.fuel.clone(),
        });
        let (memory, globals) = if program.resettable() {
            let memory = export(&exports, meter::MEMORY)
                .and_then(|m| m.dyn_into::<WebAssembly::Memory>().ok())
                .map(|m| {
                    let image = Uint8Array::new(&m.buffer()).slice(0, u32::MAX);
                    (m, image)
                });
            let names = js_sys::Object::keys(&exports);
            let globals = names
                .iter()
                .filter_map(|name| name.as_string())
                .filter(|name| {
                    name.starts_with(meter::GLOBAL_PREFIX)
                        || [
                            meter::FUEL,
                            meter::DEPTH,
                            meter::WHY,
                            meter::MEMORY_LIMIT,
                            meter::REQUESTED,
                        ]
                        .contains(&name.as_str())
                })
                .filter_map(|name| global(&exports, &name))
                .map(|g| {
                    let value = g.value();
                    (g, value)
                })
                .collect();
            (memory, globals)
        } else {
            (None, Vec::new())
        };
        Ok(Instance {
            exports,
            meter,
            host,
            _keep: keep,
            memory,
            globals,
        })
    }

    /// Puts the instance back as it was instantiated, with a fresh host
    /// for `request`; `false` when it cannot be (a run grew its memory,
    /// which cannot shrink).
    fn reset(&self, request: &Request) -> bool {
        if let Some((memory, image)) = &self.memory {
            let bytes = Uint8Array::new(&memory.buffer());
            if bytes.length() != image.length() {
                return false;
            }
            bytes.set(image, 0);
        }
        for (global, value) in &self.globals {
            global.set_value(value);
        }
        *self.host.borrow_mut() = Host::new(
            request.world.clone(),
            &request.limits,
            Limiter::new(request.limits.memory_pages),
        );
        true
    }
}

/// A WASI function as JavaScript calls it.
type WasiClosure = Closure<dyn FnMut(Array) -> JsValue>;

/// What WASI calls reach of the instance, looked up once per run.
struct Parts {
    memory: Option<WebAssembly::Memory>,
    fuel: WebAssembly::Global,
}

/// The calling instance, as one WASI call sees it: memory cannot grow
/// during the call, so one view of it serves the whole call.
struct JsGuest<'p> {
    bytes: Option<Uint8Array>,
    fuel: &'p WebAssembly::Global,
}

impl Guest for JsGuest<'_> {
    fn memory_len(&mut self) -> Option<u64> {
        self.bytes.as_ref().map(|b| b.length() as u64)
    }
    fn read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        self.bytes.as_ref().map_or_else(Vec::new, |b| {
            b.subarray(addr as u32, addr as u32 + len as u32).to_vec()
        })
    }
    fn write(&mut self, addr: u64, bytes: &[u8]) {
        if let Some(b) = &self.bytes {
            b.subarray(addr as u32, addr as u32 + bytes.len() as u32)
                .copy_from(bytes);
        }
    }
    fn fuel(&mut self) -> i64 {
        i64::try_from(self.fuel.value()).unwrap_or(0)
    }
    fn set_fuel(&mut self, left: i64) {
        self.fuel.set_value(&JsValue::from(left));
    }
}

fn export(exports: &Object, name: &str) -> Option<JsValue> {
    Reflect::get(exports, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined())
}

fn global(exports: &Object, name: &str) -> Option<WebAssembly::Global> {
    export(exports, name)?.dyn_into().ok()
}

fn to_js(value: Value) -> Option<JsValue> {
    match value {
        Value::I32(v) => Some(JsValue::from(v)),
        Value::I64(v) => Some(JsValue::from(v)),
        Value::F32(v) if !v.is_nan() => Some(JsValue::from(v)),
        Value::F64(v) if !v.is_nan() => Some(JsValue::from(v)),
        _ => None,
    }
}

fn from_js(value: &JsValue, ty: ValType) -> Option<Value> {
    match ty {
        ValType::I32 => Some(Value::I32(value.as_f64()? as i32)),
        ValType::I64 => Some(Value::I64(i64::try_from(value.clone()).ok()?)),
        // A NaN's bits do not survive JavaScript: wasmi answers those.
        ValType::F32 => Some(value.as_f64()? as f32)
            .filter(|v| !v.is_nan())
            .map(Value::F32),
        ValType::F64 => value.as_f64().filter(|v| !v.is_nan()).map(Value::F64),
    }
}

/// The trap V8's message names, when it names one kind only.
fn trap_kind(error: &JsValue) -> Option<TrapKind> {
    let error: &WebAssembly::RuntimeError = error.dyn_ref()?;
    let message = String::from(js_sys::Error::from(JsValue::from(error.clone())).message());
    match message.as_str() {
        "unreachable" => Some(TrapKind::Unreachable),
        "memory access out of bounds" => Some(TrapKind::MemoryOutOfBounds),
        "divide by zero" | "remainder by zero" => Some(TrapKind::DivisionByZero),
        "divide result unrepresentable" => Some(TrapKind::IntegerOverflow),
        // Not "float unrepresentable in integer range": V8 says it for a NaN
        // (an invalid conversion) and for a float out of range (an integer
        // overflow) alike, so wasmi tells which.
        "table index is out of bounds" => Some(TrapKind::TableOutOfBounds),
        // An empty slot stops in the pass's own check first (meter::Why),
        // so this message can only be a signature mismatch.
        "null function or function signature mismatch" => Some(TrapKind::BadSignature),
        _ => None,
    }
}

/// The instance's metering globals.
struct Meter {
    fuel: WebAssembly::Global,
    depth: WebAssembly::Global,
    why: WebAssembly::Global,
    requested: WebAssembly::Global,
}

impl Meter {
    fn of(exports: &Object) -> Option<Meter> {
        Some(Meter {
            fuel: global(exports, meter::FUEL)?,
            depth: global(exports, meter::DEPTH)?,
            why: global(exports, meter::WHY)?,
            requested: global(exports, meter::REQUESTED)?,
        })
    }
}

/// `Some` or the reason this engine leaves the run to wasmi.
fn or<T>(value: Option<T>, reason: &str) -> Result<T, String> {
    value.ok_or_else(|| reason.to_string())
}

/// The message of a JavaScript error, for a reason.
fn message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}

/// Runs `request` on the browser's engine, or answers why only wasmi can
/// answer it exactly.
pub fn run(
    compiled: &BrowserProgram,
    program: &Program,
    request: &Request,
) -> Result<Outcome, String> {
    let limits = request.limits;
    if !program.fits(&limits) {
        return Err("refused before it runs".into());
    }
    let reused = compiled
        .idle
        .borrow_mut()
        .take()
        .filter(|instance| instance.reset(request));
    let instance = match reused {
        Some(instance) => instance,
        None => Instance::new(compiled, program, request)?,
    };
    let (exports, meter) = (&instance.exports, &instance.meter);
    meter.fuel.set_value(&JsValue::from(
        i64::try_from(limits.fuel).unwrap_or(i64::MAX),
    ));
    or(global(exports, meter::MEMORY_LIMIT), "internal")?
        .set_value(&JsValue::from(limits.memory_pages as i64));

    let (result, results_ty) = call_entry(exports, meter, program, request)?;
    let fuel_left = i64::try_from(meter.fuel.value()).unwrap_or(0);
    let mut host = instance.host.borrow_mut();
    let end = match result {
        Ok(value) => End::Returned(or(returned(&value, &results_ty), "a NaN result")?),
        Err(error) => thrown(&error, &mut host, meter, &limits, program)?,
    };
    let (end, fuel_used) = settle(end, fuel_left, limits.fuel);
    let memory = match memory_of(exports) {
        Some(m) => {
            let bytes = Uint8Array::new(&m.buffer());
            memory_reads(
                &request.memory_reads,
                Some(bytes.length() as u64),
                |start, len| {
                    bytes
                        .subarray(start as u32, start as u32 + len as u32)
                        .to_vec()
                },
            )
        }
        None => memory_reads(&request.memory_reads, None, |_, _| Vec::new()),
    };
    let outcome = Outcome {
        end,
        fuel_used,
        stdout: std::mem::take(&mut host.stdout),
        stderr: std::mem::take(&mut host.stderr),
        files: std::mem::take(&mut host.files),
        memory,
    };
    drop(host);
    // Only an instance whose run this engine answered is kept: after an
    // error of the engine itself its state is not worth trusting.
    if program.resettable() {
        *compiled.idle.borrow_mut() = Some(instance);
    }
    Ok(outcome)
}

/// The import object: every WASI function the module imports, served by
/// Rust on `host` over the instance's `parts` (set once it exists). The
/// closures must outlive every call into the instance: the caller keeps
/// them.
fn imports(
    program: &Program,
    host: &Rc<RefCell<Host>>,
    parts: &Rc<RefCell<Option<Parts>>>,
) -> Result<(Object, Vec<WasiClosure>), String> {
    let wasi_object = Object::new();
    let mut keep = Vec::new();
    for import in or(program.wasi_imports(), "the module does not link")? {
        let key = JsValue::from_str(&import.name);
        let (host, parts, import) = (host.clone(), parts.clone(), import.clone());
        let closure = WasiClosure::new(move |args: Array| {
            let values: Vec<Value> = import
                .params
                .iter()
                .enumerate()
                .map(|(i, ty)| from_js(&args.get(i as u32), *ty).unwrap_or(Value::I32(0)))
                .collect();
            let parts = parts.borrow();
            let Some(parts) = parts.as_ref() else {
                return JsValue::NULL;
            };
            let mut guest = JsGuest {
                bytes: parts.memory.as_ref().map(|m| Uint8Array::new(&m.buffer())),
                fuel: &parts.fuel,
            };
            let mut host = host.borrow_mut();
            let result = match import.stub {
                None => wasi::call(&mut host, &mut guest, &import.name, &values),
                Some(returns_errno) => wasi::stub(&import.name, returns_errno),
            };
            match result {
                Ok(Some(value)) => to_js(value).unwrap_or(JsValue::NULL),
                Ok(None) => JsValue::UNDEFINED,
                Err(stop) => {
                    host.stop = Some(stop);
                    JsValue::NULL
                }
            }
        });
        let function = variadic(closure.as_ref().unchecked_ref());
        or(Reflect::set(&wasi_object, &key, &function).ok(), "internal")?;
        keep.push(closure);
    }
    let imports = Object::new();
    or(
        Reflect::set(&imports, &JsValue::from_str(wasi::MODULE), &wasi_object).ok(),
        "internal",
    )?;
    Ok((imports, keep))
}

fn memory_of(exports: &Object) -> Option<WebAssembly::Memory> {
    export(exports, "memory")?.dyn_into().ok()
}

/// Calls the module's start function, if it has one, then the request's
/// entry (its memory written first); answers how the last call ended and
/// the entry's result types.
fn call_entry(
    exports: &Object,
    meter: &Meter,
    program: &Program,
    request: &Request,
) -> Result<(Result<JsValue, JsValue>, Vec<ValType>), String> {
    let depth = i32::try_from(program.stack_depth().saturating_sub(1)).unwrap_or(i32::MAX);
    let call = |name: &str, args: &Array| -> Result<JsValue, JsValue> {
        meter.depth.set_value(&JsValue::from(depth));
        let function: Function = export(exports, name)
            .and_then(|f| f.dyn_into().ok())
            .ok_or(JsValue::NULL)?;
        function.apply(&JsValue::UNDEFINED, args)
    };
    if program.has_start() {
        let started = call(meter::START, &Array::new());
        if started.is_err() {
            return Ok((started, Vec::new()));
        }
    }
    // The entry: wasmi answers a missing export or a wrong signature.
    let (name, args) = match &request.entry {
        Entry::Call { function, args } => (function.as_str(), args.as_slice()),
        Entry::Command => ("_start", &[][..]),
    };
    let given: Vec<ValType> = args.iter().map(|v| v.ty()).collect();
    let sig = program.export_sig(name).and_then(Result::ok);
    let sig = or(sig.filter(|s| s.params == given), "no such entry")?;
    if !request.memory_writes.is_empty() {
        let bytes = Uint8Array::new(&or(memory_of(exports), "no memory")?.buffer());
        for w in &request.memory_writes {
            let end = w.address as u64 + w.bytes.len() as u64;
            if end > bytes.length() as u64 {
                return Err("a write past memory".into());
            }
            bytes.subarray(w.address, end as u32).copy_from(&w.bytes);
        }
    }
    let js_args = Array::new();
    for value in args {
        js_args.push(&or(to_js(*value), "a NaN argument")?);
    }
    Ok((call(name, &js_args), sig.results))
}

/// The values a call returned, typed; `None` for a NaN (its bits are lost).
fn returned(value: &JsValue, types: &[ValType]) -> Option<Vec<Value>> {
    match types.len() {
        0 => Some(Vec::new()),
        1 => from_js(value, types[0]).map(|v| vec![v]),
        _ => value.dyn_ref::<Array>().and_then(|values| {
            types
                .iter()
                .enumerate()
                .map(|(i, ty)| from_js(&values.get(i as u32), *ty))
                .collect::<Option<Vec<_>>>()
        }),
    }
}

/// How a run that threw ended: a host function stopped it, the pass's own
/// check did (a limit), or a trap V8's message names without doubt.
fn thrown(
    error: &JsValue,
    host: &mut Host,
    meter: &Meter,
    limits: &Limits,
    program: &Program,
) -> Result<End, String> {
    let why = meter.why.value().as_f64().map(|w| w as i32);
    Ok(
        match (host.stop.take(), why.and_then(meter::Why::from_code)) {
            (Some(end), _) => end,
            (None, Some(why)) => {
                let requested = i64::try_from(meter.requested.value()).unwrap_or(0);
                metered_end(
                    why,
                    limits.fuel,
                    program.stack_depth(),
                    limits.memory_pages,
                    requested,
                )
            }
            (None, None) => {
                let kind = trap_kind(error)
                    .ok_or_else(|| format!("the engine's error: {}", message(error)))?;
                End::Trapped {
                    kind,
                    message: kind.explain().to_string(),
                }
            }
        },
    )
}

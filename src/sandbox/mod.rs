//! Runs untrusted WebAssembly under hard, deterministic limits.
//!
//! The API is small and engine-neutral: compile bytes into a [`Program`],
//! describe a run with a [`Request`] (what to call, the WASI [`World`] it
//! sees, its [`Limits`]), and get an [`Outcome`]. Runs can proceed in fuel
//! slices through [`Execution::advance`], so the browser can yield between
//! slices and offer a Stop button; slicing never changes the outcome or the
//! fuel count.
//!
//! ```
//! use sandlab::sandbox::{Program, Request, Entry, End};
//! use sandlab::vocab::{Value, Limits};
//! let wasm = wast::parser::parse::<wast::Wat>(
//!     &wast::parser::ParseBuffer::new(
//!         r#"(module (func (export "add") (param i32 i32) (result i32)
//!              local.get 0 local.get 1 i32.add))"#,
//!     ).unwrap(),
//! ).unwrap().encode().unwrap();
//! let program = Program::new(&wasm, Limits::default().stack_depth).unwrap();
//! let outcome = sandlab::sandbox::run(&program, Request::call("add", vec![Value::I32(2), Value::I32(3)]));
//! assert_eq!(outcome.end, End::Returned(vec![Value::I32(5)]));
//! ```

mod end;
pub(crate) mod wasi;

#[cfg(test)]
mod tests;

pub use end::{End, Wanted, join_values};

use crate::meter;
use crate::vocab::{FuncSig, Limits, TrapKind, ValType, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use wasi::Host;
use wasmi::{
    CompilationMode, Config, Engine, ExternType, Func, Linker, Module, ResumableCall,
    ResumableCallOutOfFuel, Store, TrapCode, Val,
};

/// Table elements any module may hold: generous for real programs, small
/// enough that a hostile `(table 4000000000 funcref)` cannot eat the page.
pub(crate) const MAX_TABLE_ELEMENTS: usize = 100_000;

/// What a run sees of the outside world through WASI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    /// `argv[0]`.
    pub program_name: String,
    /// `argv[1..]`.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    /// The files under the preopened directory `.`, by normalised path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Seeds `random_get`.
    pub seed: u64,
}

/// What a run calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    /// An exported function with arguments.
    Call { function: String, args: Vec<Value> },
    /// A WASI command: the exported `_start`.
    Command,
}

/// Bytes written into the exported memory before the entry runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryWrite {
    pub address: u32,
    pub bytes: Vec<u8>,
}

/// A range of the exported memory read back after the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryRead {
    pub address: u32,
    pub len: u32,
}

/// One run: what to call, in which world, under which limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub entry: Entry,
    pub world: World,
    pub limits: Limits,
    pub memory_writes: Vec<MemoryWrite>,
    pub memory_reads: Vec<MemoryRead>,
}

impl Request {
    /// A call to `function` with default limits and an empty world.
    pub fn call(function: &str, args: Vec<Value>) -> Request {
        Request::new(Entry::Call {
            function: function.to_string(),
            args,
        })
    }

    /// A WASI command run with default limits and an empty world.
    pub fn command() -> Request {
        Request::new(Entry::Command)
    }

    fn new(entry: Entry) -> Request {
        Request {
            entry,
            world: World {
                program_name: "main.wasm".into(),
                ..World::default()
            },
            limits: Limits::default(),
            memory_writes: Vec::new(),
            memory_reads: Vec::new(),
        }
    }
}

/// Caps memory and tables; on a refused growth it records why and traps, so
/// the learner reads "memory limit" rather than a puzzling -1 from memory.grow.
#[derive(Debug)]
pub(crate) struct Limiter {
    memory_pages: u32,
    hit: Option<End>,
}

impl Limiter {
    pub(crate) fn new(memory_pages: u32) -> Limiter {
        Limiter {
            memory_pages,
            hit: None,
        }
    }
}

impl wasmi::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        let requested_pages = (desired / 65536) as u64;
        if requested_pages > self.memory_pages as u64 {
            self.hit = Some(End::MemoryLimit {
                limit_pages: self.memory_pages,
                requested_pages,
            });
            return Err(wasmi_core::LimiterError::ResourceLimiterDeniedAllocation);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        if desired > MAX_TABLE_ELEMENTS {
            self.hit = Some(End::TableLimit {
                limit: MAX_TABLE_ELEMENTS as u64,
                requested: desired as u64,
            });
            return Err(wasmi_core::LimiterError::ResourceLimiterDeniedAllocation);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        1
    }
    fn tables(&self) -> usize {
        16
    }
    fn memories(&self) -> usize {
        1
    }
}

/// A module the sandbox can't use, with where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleError {
    pub message: String,
    /// Byte offset in the module binary, when the engine knows it.
    pub offset: Option<usize>,
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "{} (at byte {offset})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ModuleError {}

/// A validated module, ready to run any number of times.
pub struct Program {
    module: Module,
    linker: Linker<Host>,
    stack_depth: u32,
    link_error: Option<String>,
    /// What the metering pass found the host must check before a run.
    memories: Vec<meter::Extent>,
    tables: Vec<meter::Extent>,
    has_start: bool,
    /// The instrumented module, for engines other than wasmi.
    metered_wasm: Vec<u8>,
    /// Its WASI imports, when every one links as wasmi links it.
    wasi_imports: Option<Vec<WasiImport>>,
}

/// A WASI function a module imports, as another engine must provide it.
// Read by the browser's engine (web::browser_engine), which only wasm32 builds.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Clone, Debug)]
pub(crate) struct WasiImport {
    pub name: String,
    pub params: Vec<ValType>,
    /// `None` when sandlab implements it; otherwise a stub that answers
    /// `ENOSYS` (`Some(true)`) or stops the run (`Some(false)`).
    pub stub: Option<bool>,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("stack_depth", &self.stack_depth)
            .finish_non_exhaustive()
    }
}

impl Program {
    /// Validates `wasm`, instruments it ([`crate::meter`]) and compiles the
    /// result. Errors point into the learner's module, not the instrumented one.
    pub fn new(wasm: &[u8], stack_depth: u32) -> Result<Program, ModuleError> {
        let mut config = Config::default();
        // wasmi's own fuel only slices a run (so the browser can yield and
        // offer Stop); the fuel a run is charged is the pass's, counted by
        // the instrumented code itself. Likewise wasmi's depth cap is a
        // backstop a little above the pass's.
        config
            .consume_fuel(true)
            .compilation_mode(CompilationMode::Eager)
            .set_max_recursion_depth(stack_depth as usize + 16)
            .set_max_stack_height(64 * 1024 * 1024);
        let engine = Engine::new(&config);
        Module::validate(&engine, wasm).map_err(|e| module_error(&e))?;
        let metered = meter::instrument(wasm).map_err(|e| ModuleError {
            message: e.message,
            offset: e.offset,
        })?;
        let module = Module::new(&engine, &metered.wasm).map_err(|e| ModuleError {
            message: format!(
                "internal error: the metering pass made an invalid module ({}); please report it \
                 with the module",
                module_error(&e).message
            ),
            offset: None,
        })?;
        let mut linker = Linker::new(&engine);
        wasi::define(&mut linker).map_err(|e| ModuleError {
            message: format!("internal error defining WASI: {e}"),
            offset: None,
        })?;
        let mut link_error = None;
        let mut wasi_imports = Some(Vec::new());
        for import in module.imports() {
            let exact = match (import.ty(), wasi::signature(import.name())) {
                _ if import.module() != wasi::MODULE => None,
                (ExternType::Func(ty), Some((params, results))) => {
                    (ty.params() == params && ty.results() == results).then_some(None)
                }
                (ExternType::Func(ty), None) => Some(Some(ty.results() == [wasmi::ValType::I32])),
                _ => None,
            };
            let params = match import.ty() {
                ExternType::Func(ty) => sig_of(ty.params(), ty.results()).map(|s| s.params),
                _ => Err(String::new()),
            };
            match (exact, params, wasi_imports.as_mut()) {
                (Some(stub), Ok(params), Some(list)) => list.push(WasiImport {
                    name: import.name().to_string(),
                    params,
                    stub,
                }),
                _ => wasi_imports = None,
            }
            let is_wasi = import.module() == wasi::MODULE;
            match import.ty() {
                ExternType::Func(ty) if is_wasi && wasi::signature(import.name()).is_none() => {
                    // A stub can only clash with a definition we already
                    // made, and those are all implemented names.
                    let _ = wasi::define_stub(&mut linker, import.name(), ty.clone());
                }
                _ if is_wasi && wasi::signature(import.name()).is_some() => {}
                _ => {
                    link_error.get_or_insert_with(|| {
                        format!(
                            "the module imports `{}.{}`, which the sandbox does not provide \
                             (it offers only the WASI functions of `{}`)",
                            import.module(),
                            import.name(),
                            wasi::MODULE
                        )
                    });
                }
            }
        }
        Ok(Program {
            module,
            linker,
            stack_depth,
            link_error,
            memories: metered.memories,
            tables: metered.tables,
            has_start: metered.has_start,
            metered_wasm: metered.wasm,
            wasi_imports,
        })
    }

    /// The instrumented module every engine runs.
    // Read by the browser's engine (web::browser_engine), which only wasm32 builds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn metered_wasm(&self) -> &[u8] {
        &self.metered_wasm
    }

    /// The WASI functions to provide, or `None` if the module would not link
    /// (wasmi then reports why).
    // Read by the browser's engine (web::browser_engine), which only wasm32 builds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn wasi_imports(&self) -> Option<&[WasiImport]> {
        self.wasi_imports.as_deref()
    }

    // Read by the browser's engine (web::browser_engine), which only wasm32 builds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn has_start(&self) -> bool {
        self.has_start
    }

    /// Whether a run under `limits` passes the checks made before and while
    /// instantiating (otherwise it ends before running anything).
    // Read by the browser's engine (web::browser_engine), which only wasm32 builds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn fits(&self, limits: &Limits) -> bool {
        // The limiter's counts: wasmi refuses more at instantiation.
        self.memories.len() <= 1
            && self.tables.len() <= 16
            && self
                .tables
                .iter()
                .all(|t| t.initial <= MAX_TABLE_ELEMENTS as u64)
            && self
                .memories
                .iter()
                .all(|m| m.initial <= limits.memory_pages as u64)
    }

    pub fn stack_depth(&self) -> u32 {
        self.stack_depth
    }

    /// Why every run of this module fails to link, if it does.
    pub fn link_error(&self) -> Option<&str> {
        self.link_error.as_deref()
    }

    /// Whether the module exports a memory under `name`.
    pub fn exports_memory(&self, name: &str) -> bool {
        matches!(self.module.get_export(name), Some(ExternType::Memory(_)))
    }

    /// The signature of an exported function, if there is one by that name.
    pub fn export_sig(&self, name: &str) -> Option<Result<FuncSig, String>> {
        match self.module.get_export(name)? {
            ExternType::Func(ty) => Some(sig_of(ty.params(), ty.results())),
            other => Some(Err(format!(
                "`{name}` is exported as a {}",
                extern_kind(&other)
            ))),
        }
    }
}

fn extern_kind(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "function",
        ExternType::Global(_) => "global",
        ExternType::Memory(_) => "memory",
        ExternType::Table(_) => "table",
    }
}

fn sig_of(params: &[wasmi::ValType], results: &[wasmi::ValType]) -> Result<FuncSig, String> {
    let conv = |t: &wasmi::ValType| match t {
        wasmi::ValType::I32 => Ok(ValType::I32),
        wasmi::ValType::I64 => Ok(ValType::I64),
        wasmi::ValType::F32 => Ok(ValType::F32),
        wasmi::ValType::F64 => Ok(ValType::F64),
        other => Err(format!("uses type {other:?}, which checks cannot pass")),
    };
    Ok(FuncSig {
        params: params.iter().map(conv).collect::<Result<_, _>>()?,
        results: results.iter().map(conv).collect::<Result<_, _>>()?,
    })
}

fn module_error(error: &wasmi::Error) -> ModuleError {
    let offset = match error.kind() {
        wasmi::errors::ErrorKind::Wasm(e) => Some(e.offset()),
        _ => None,
    };
    let mut message = error.to_string();
    // wasmparser appends " (at offset 0x..)"; we carry the offset separately.
    if let Some(i) = message.find(" (at offset") {
        message.truncate(i);
    }
    ModuleError { message, offset }
}

/// What a finished run produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub end: End,
    /// Fuel consumed, including any start function; equals the limit when
    /// the run ran out of fuel.
    pub fuel_used: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The file tree after the run.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The requested memory ranges, or why one could not be read.
    pub memory: Vec<Result<Vec<u8>, String>>,
}

enum State {
    Ready {
        func: Func,
        args: Vec<Val>,
    },
    Suspended {
        call: ResumableCallOutOfFuel,
        required: u64,
    },
    Done(End),
}

/// The entry, waiting while the start function runs.
struct Entrance {
    entry: Entry,
    writes: Vec<MemoryWrite>,
}

/// A run in progress. Drive it with [`Execution::advance`] until it reports
/// done, then take the [`Outcome`] with [`Execution::finish`].
pub struct Execution {
    store: Store<Host>,
    instance: Option<wasmi::Instance>,
    limit: u64,
    stack_depth: u32,
    state: State,
    /// Set while the start function runs: the call to make once it returns.
    entrance: Option<Entrance>,
    outputs: Vec<Val>,
    reads: Vec<MemoryRead>,
    /// The pass's globals in this instance.
    meter: Option<Meter>,
    out_of_fuel: bool,
}

#[derive(Clone, Copy)]
struct Meter {
    fuel: wasmi::Global,
    depth: wasmi::Global,
    why: wasmi::Global,
    requested: wasmi::Global,
}

impl Execution {
    /// Instantiates the program and prepares its start function, if any, and
    /// the entry; both run under the same fuel limit.
    pub fn start(program: &Program, request: Request) -> Execution {
        let limits = request.limits;
        let limiter = Limiter::new(limits.memory_pages);
        let host = Host::new(request.world, &limits, limiter);
        let mut store = Store::new(program.module.engine(), host);
        store.limiter(|host| &mut host.limiter);
        let mut exec = Execution {
            store,
            instance: None,
            limit: limits.fuel,
            stack_depth: program.stack_depth,
            state: State::Done(End::Cancelled),
            entrance: None,
            outputs: Vec::new(),
            reads: request.memory_reads,
            meter: None,
            out_of_fuel: false,
        };
        let entrance = Entrance {
            entry: request.entry,
            writes: request.memory_writes,
        };
        exec.state = match exec.prepare(program, limits, entrance) {
            Ok(state) => state,
            Err(end) => State::Done(end),
        };
        exec
    }

    fn prepare(
        &mut self,
        program: &Program,
        limits: Limits,
        entrance: Entrance,
    ) -> Result<State, End> {
        if let Some(message) = &program.link_error {
            return Err(End::LinkError {
                message: message.clone(),
            });
        }
        // Declared sizes are checked here, before any engine allocates them,
        // so every engine refuses the same modules the same way.
        for table in &program.tables {
            if table.initial > MAX_TABLE_ELEMENTS as u64 {
                return Err(End::TableLimit {
                    limit: MAX_TABLE_ELEMENTS as u64,
                    requested: table.initial,
                });
            }
        }
        for memory in &program.memories {
            if memory.initial > limits.memory_pages as u64 {
                return Err(End::MemoryLimit {
                    limit_pages: limits.memory_pages,
                    requested_pages: memory.initial,
                });
            }
        }
        // Instantiation runs no code (the pass removed the start section),
        // but wasmi still wants fuel in the store while it copies segments.
        self.store
            .set_fuel(u64::MAX / 2)
            .map_err(|e| self.end_for(&e))?;
        let instance = program
            .linker
            .instantiate_and_start(&mut self.store, &program.module)
            .map_err(|e| self.end_for(&e))?;
        self.instance = Some(instance);
        self.store.data_mut().instance = Some(instance);
        let global = |name: &str| {
            instance
                .get_global(&self.store, name)
                .ok_or_else(|| End::LinkError {
                    message: format!("internal error: the instrumented module lacks `{name}`"),
                })
        };
        let meter = Meter {
            fuel: global(meter::FUEL)?,
            depth: global(meter::DEPTH)?,
            why: global(meter::WHY)?,
            requested: global(meter::REQUESTED)?,
        };
        let limit = global(meter::MEMORY_LIMIT)?;
        self.meter = Some(meter);
        let fuel = i64::try_from(self.limit).unwrap_or(i64::MAX);
        let internal = |e: wasmi::errors::GlobalError| End::LinkError {
            message: format!("internal error setting the sandbox's globals: {e}"),
        };
        meter
            .fuel
            .set(&mut self.store, Val::I64(fuel))
            .map_err(internal)?;
        limit
            .set(&mut self.store, Val::I64(limits.memory_pages as i64))
            .map_err(internal)?;

        if program.has_start {
            let start = instance
                .get_func(&self.store, meter::START)
                .ok_or_else(|| End::LinkError {
                    message: "internal error: the start function is not exported".into(),
                })?;
            self.entrance = Some(entrance);
            self.enter(start, Vec::new())
        } else {
            self.prepare_entry(entrance)
        }
    }

    /// Readies a call from the host: a fresh frame budget, no results yet.
    fn enter(&mut self, func: Func, args: Vec<Val>) -> Result<State, End> {
        let meter = self.meter.expect("set before any call");
        let depth = i32::try_from(self.stack_depth.saturating_sub(1)).unwrap_or(i32::MAX);
        meter
            .depth
            .set(&mut self.store, Val::I32(depth))
            .map_err(|e| End::LinkError {
                message: format!("internal error setting the call depth: {e}"),
            })?;
        self.outputs = func
            .ty(&self.store)
            .results()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        Ok(State::Ready { func, args })
    }

    /// Finds the entry, checks its signature and writes the check's bytes.
    fn prepare_entry(&mut self, entrance: Entrance) -> Result<State, End> {
        let instance = self.instance.expect("instantiated before the entry");
        let (name, args) = match entrance.entry {
            Entry::Call { function, args } => (function, args),
            Entry::Command => ("_start".to_string(), Vec::new()),
        };
        let Some(func) = instance.get_func(&self.store, &name) else {
            return Err(End::MissingExport {
                name,
                wanted: Wanted::Function(None),
            });
        };
        let ty = func.ty(&self.store);
        let given: Vec<ValType> = args.iter().map(|v| v.ty()).collect();
        match sig_of(ty.params(), ty.results()) {
            Ok(sig) if sig.params == given => {}
            Ok(actual) => {
                let given: Vec<&str> = given.iter().map(|t| t.name()).collect();
                return Err(End::WrongSignature {
                    name,
                    expected: format!("({})", given.join(", ")),
                    actual: actual.to_string(),
                });
            }
            Err(message) => {
                return Err(End::Trapped {
                    kind: TrapKind::Other,
                    message: format!("`{name}` {message}"),
                });
            }
        }

        if !entrance.writes.is_empty() {
            let memory =
                instance
                    .get_memory(&self.store, "memory")
                    .ok_or_else(|| End::MissingExport {
                        name: "memory".into(),
                        wanted: Wanted::Memory,
                    })?;
            let data = memory.data_mut(&mut self.store);
            for w in entrance.writes {
                let end = w.address as u64 + w.bytes.len() as u64;
                if end > data.len() as u64 {
                    return Err(End::Trapped {
                        kind: TrapKind::MemoryOutOfBounds,
                        message: format!(
                            "the check puts {} bytes at address {}, but the exported memory is only {} bytes",
                            w.bytes.len(),
                            w.address,
                            data.len()
                        ),
                    });
                }
                data[w.address as usize..end as usize].copy_from_slice(&w.bytes);
            }
        }
        let args = args.into_iter().map(to_val).collect();
        self.enter(func, args)
    }

    /// Fuel used so far, as the instrumented code counts it.
    pub fn fuel_used(&self) -> u64 {
        match (self.out_of_fuel, self.meter) {
            (true, _) => self.limit,
            (false, None) => 0,
            (false, Some(_)) => self.limit.saturating_sub(self.fuel_left().max(0) as u64),
        }
    }

    pub fn fuel_limit(&self) -> u64 {
        self.limit
    }

    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    /// Ends the run as cancelled (the Stop button); a finished run keeps its end.
    pub fn cancel(&mut self) {
        if !self.is_done() {
            self.state = State::Done(End::Cancelled);
        }
    }

    /// Runs for about `slice` engine steps; returns `true` when the run is
    /// done. How a run is sliced never changes its outcome or its fuel: the
    /// fuel is counted by the instrumented code, whatever the slices.
    pub fn advance(&mut self, slice: u64) -> bool {
        let state = std::mem::replace(&mut self.state, State::Done(End::Cancelled));
        let required = match &state {
            State::Done(_) => {
                self.state = state;
                return true;
            }
            State::Ready { .. } => 0,
            State::Suspended { required, .. } => *required,
        };
        if let Err(e) = self.store.set_fuel(slice.max(required).max(1)) {
            self.state = State::Done(self.end_for(&e));
            return true;
        }
        let result = match state {
            State::Ready { func, args } => {
                func.call_resumable(&mut self.store, &args, &mut self.outputs)
            }
            State::Suspended { call, .. } => call.resume(&mut self.store, &mut self.outputs),
            State::Done(_) => unreachable!("handled above"),
        };
        self.state = match result {
            Ok(ResumableCall::Finished) => match self.entrance.take() {
                Some(entrance) => self.prepare_entry(entrance).unwrap_or_else(State::Done),
                None => State::Done(End::Returned(
                    self.outputs.iter().filter_map(from_val).collect(),
                )),
            },
            Ok(ResumableCall::OutOfFuel(call)) => {
                let required = call.required_fuel();
                State::Suspended { call, required }
            }
            Ok(ResumableCall::HostTrap(trap)) => {
                let error = trap.into_host_error();
                State::Done(self.end_for(&error))
            }
            Err(e) => State::Done(self.end_for(&e)),
        };
        if let State::Done(end) = &mut self.state {
            let ended = std::mem::replace(end, End::Cancelled);
            let (settled, _) = settle(ended, self.fuel_left(), self.limit);
            self.out_of_fuel |= matches!(settled, End::OutOfFuel { .. });
            self.state = State::Done(settled);
        }
        self.is_done()
    }

    /// The pass's fuel counter: below zero once the budget is spent.
    fn fuel_left(&self) -> i64 {
        self.meter
            .and_then(|m| m.fuel.get(&self.store).i64())
            .unwrap_or(0)
    }

    /// The reason injected code gave for a trap, if it gave one.
    fn metered_end(&mut self) -> Option<End> {
        let meter = self.meter?;
        let why = meter::Why::from_code(meter.why.get(&self.store).i32()?)?;
        self.out_of_fuel |= why == meter::Why::OutOfFuel;
        Some(metered_end(
            why,
            self.limit,
            self.stack_depth,
            self.store.data().limiter.memory_pages,
            meter.requested.get(&self.store).i64().unwrap_or(0),
        ))
    }

    /// Maps an engine error to how the run ended, preferring the reason a
    /// host function or the limiter recorded.
    fn end_for(&mut self, error: &wasmi::Error) -> End {
        let host = self.store.data_mut();
        if let Some(end) = host.stop.take().or_else(|| host.limiter.hit.take()) {
            self.out_of_fuel |= matches!(end, End::OutOfFuel { .. });
            return end;
        }
        if let Some(code) = error.i32_exit_status() {
            return End::Exited(code);
        }
        if let Some(end) = self.metered_end() {
            return end;
        }
        let kind = match error.as_trap_code() {
            Some(TrapCode::StackOverflow) => {
                return End::StackOverflow {
                    limit: self.stack_depth,
                };
            }
            Some(TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
            Some(TrapCode::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
            Some(TrapCode::TableOutOfBounds) => TrapKind::TableOutOfBounds,
            Some(TrapCode::IndirectCallToNull) => TrapKind::IndirectCallToNull,
            Some(TrapCode::IntegerDivisionByZero) => TrapKind::DivisionByZero,
            Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
            Some(TrapCode::BadConversionToInteger) => TrapKind::BadConversionToInteger,
            Some(TrapCode::BadSignature) => TrapKind::BadSignature,
            Some(TrapCode::GrowthOperationLimited) => {
                return End::MemoryLimit {
                    limit_pages: self.store.data().limiter.memory_pages,
                    requested_pages: 0,
                };
            }
            // wasmi's own message prints its table handle, whose store
            // number counts stores made so far: it would differ between the
            // browser and the CLI, and it means nothing to a learner.
            _ if let wasmi::errors::ErrorKind::Instantiation(
                wasmi::errors::InstantiationError::ElementSegmentDoesNotFit {
                    table_index,
                    len,
                    ..
                },
            ) = error.kind() =>
            {
                return End::Trapped {
                    kind: TrapKind::TableOutOfBounds,
                    message: format!(
                        "an element segment does not fit its table: {len} function(s) from index {table_index} go past the table's end (make the table larger or the segment smaller)"
                    ),
                };
            }
            _ => {
                return End::Trapped {
                    kind: TrapKind::Other,
                    message: error.to_string(),
                };
            }
        };
        End::Trapped {
            kind,
            message: kind.explain().to_string(),
        }
    }

    /// The outcome of a finished run (a run not yet done ends as cancelled).
    pub fn finish(mut self) -> Outcome {
        let end = match std::mem::replace(&mut self.state, State::Done(End::Cancelled)) {
            State::Done(end) => end,
            _ => End::Cancelled,
        };
        let memory = match self
            .instance
            .and_then(|i| i.get_memory(&self.store, "memory"))
        {
            Some(mem) => {
                let data = mem.data(&self.store);
                memory_reads(&self.reads, Some(data.len() as u64), |start, len| {
                    data[start as usize..start as usize + len].to_vec()
                })
            }
            None => memory_reads(&self.reads, None, |_, _| Vec::new()),
        };
        let fuel_used = self.fuel_used();
        let host = self.store.into_data();
        Outcome {
            end,
            fuel_used,
            stdout: host.stdout,
            stderr: host.stderr,
            files: host.files,
            memory,
        }
    }
}

fn to_val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(x) => Val::F32(x.into()),
        Value::F64(x) => Val::F64(x.into()),
    }
}

fn from_val(v: &Val) -> Option<Value> {
    match v {
        Val::I32(x) => Some(Value::I32(*x)),
        Val::I64(x) => Some(Value::I64(*x)),
        Val::F32(x) => Some(Value::F32((*x).into())),
        Val::F64(x) => Some(Value::F64((*x).into())),
        _ => None,
    }
}

/// Reads back a run's memory ranges from a memory of `len` bytes (`None`: the
/// module exports none); `read` copies a range already checked. Every engine
/// answers through this, so the messages are the same.
pub(crate) fn memory_reads(
    reads: &[MemoryRead],
    len: Option<u64>,
    mut read: impl FnMut(u64, usize) -> Vec<u8>,
) -> Vec<Result<Vec<u8>, String>> {
    reads
        .iter()
        .map(|r| {
            let Some(len) = len else {
                return Err("the module does not export its memory as \"memory\"".to_string());
            };
            let start = r.address as u64;
            if start + r.len as u64 > len {
                return Err(format!(
                    "{} bytes at address {} lie outside memory ({len} bytes)",
                    r.len, r.address
                ));
            }
            Ok(read(start, r.len as usize))
        })
        .collect()
}

/// How a finished run ends and the fuel it used, from the pass's counter
/// (`fuel_left`). Every engine settles its runs here. Charges past the budget
/// end the run as out of fuel, however it ended: the counter is checked at
/// calls and loop turns only (crate::meter), so a run may finish or trap in
/// the straight-line code after its budget ran out.
pub(crate) fn settle(end: End, fuel_left: i64, limit: u64) -> (End, u64) {
    let end = match end {
        End::Cancelled => End::Cancelled,
        _ if fuel_left < 0 => End::OutOfFuel { limit },
        end => end,
    };
    let used = match end {
        End::OutOfFuel { .. } => limit,
        _ => limit.saturating_sub(fuel_left.max(0) as u64),
    };
    (end, used)
}

/// How a run ends that the metering pass's code stopped for `why`.
pub(crate) fn metered_end(
    why: meter::Why,
    fuel_limit: u64,
    stack_depth: u32,
    memory_pages: u32,
    requested_pages: i64,
) -> End {
    match why {
        meter::Why::OutOfFuel => End::OutOfFuel { limit: fuel_limit },
        meter::Why::CallDepth => End::StackOverflow { limit: stack_depth },
        meter::Why::MemoryLimit => End::MemoryLimit {
            limit_pages: memory_pages,
            requested_pages: requested_pages.max(0) as u64,
        },
        meter::Why::IndirectCallToNull => End::Trapped {
            kind: TrapKind::IndirectCallToNull,
            message: TrapKind::IndirectCallToNull.explain().to_string(),
        },
    }
}

/// Runs `request` to the end in one go.
pub fn run(program: &Program, request: Request) -> Outcome {
    let mut exec = Execution::start(program, request);
    while !exec.advance(u64::MAX) {}
    exec.finish()
}

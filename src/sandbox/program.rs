//! A module made ready to run: validated, instrumented by the metering pass
//! and compiled for wasmi, with what its imports and declared sizes mean
//! for every engine.

use super::End;
use super::wasi::{self, Host};
use crate::meter;
use crate::vocab::{FuncSig, Limits, ValType};
use std::fmt;
use std::sync::Arc;
use wasmi::{CompilationMode, Config, Engine, ExternType, Linker, Module};

/// Modules larger than this (bytes) are compiled lazily.
const LAZY_ABOVE: usize = 1 << 20;

/// Table elements any module may hold: generous for real programs, small
/// enough that a hostile `(table 4000000000 funcref)` cannot eat the page.
pub(crate) const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Caps memory and tables; on a refused growth it records why and traps, so
/// the learner reads "memory limit" rather than a puzzling -1 from memory.grow.
#[derive(Debug)]
pub(crate) struct Limiter {
    pub(super) memory_pages: u32,
    pub(super) hit: Option<End>,
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

/// A validated module, ready to run any number of times. Clones share the
/// compiled module.
#[derive(Clone)]
pub struct Program {
    pub(super) module: Module,
    pub(super) linker: Linker<Host>,
    pub(super) stack_depth: u32,
    pub(super) link_error: Option<String>,
    /// What the metering pass found the host must check before a run.
    pub(super) memories: Vec<meter::Extent>,
    pub(super) tables: Vec<meter::Extent>,
    pub(super) has_start: bool,
    /// Whether an instance may be reset and reused between runs
    /// ([`meter::Metered::resettable`]).
    pub(super) resettable: bool,
    /// The instrumented module, for engines other than wasmi.
    pub(super) metered_wasm: Arc<[u8]>,
    /// Its WASI imports, when every one links as wasmi links it.
    pub(super) wasi_imports: Option<Vec<WasiImport>>,
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
        // A large module (an interpreter) is compiled a function at a time,
        // when first called: most of CPython never runs in a lab, and an
        // engine that only stands by (the browser's fallback) should not
        // pay to compile it all. The module is validated first either way.
        let mode = if wasm.len() > LAZY_ABOVE {
            CompilationMode::Lazy
        } else {
            CompilationMode::Eager
        };
        config
            .consume_fuel(true)
            .compilation_mode(mode)
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
            resettable: metered.resettable,
            metered_wasm: metered.wasm.into(),
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

    /// Whether an engine may reuse an instance for the next run once its
    /// memory and mutable globals are reset.
    // Read by the browser's engine (web::browser_engine), which only wasm32 builds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn resettable(&self) -> bool {
        self.resettable
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

    /// What the module exports under `name`: "function", "memory", "table"
    /// or "global".
    pub fn export_kind(&self, name: &str) -> Option<&'static str> {
        self.module.get_export(name).map(|ty| extern_kind(&ty))
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

pub(super) fn sig_of(
    params: &[wasmi::ValType],
    results: &[wasmi::ValType],
) -> Result<FuncSig, String> {
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

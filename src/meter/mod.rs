//! The metering pass: rewrites a learner's module so that it counts its own
//! fuel, call depth and memory growth.
//!
//! Every engine runs the *instrumented* module, so every engine counts the
//! same fuel by construction: a recorded fuel figure depends on this pass and
//! its cost model, never on an engine's version or internals. The pass adds
//! five exported globals the host sets before a run and reads after it, and
//! code that traps with `unreachable` after naming the reason in
//! [`WHY`]. It adds no function and shifts no index, so the name section,
//! element segments and every `call` stay as they were; original bytes are
//! copied through and only the injected instructions are new.
//!
//! # The cost model (fuel units)
//! - Every instruction costs 1, except `end` and `else`, which cost nothing.
//! - Fuel is charged per *segment*: a run of instructions that starts at a
//!   branch target or in an arm of a conditional (function entry, loop body,
//!   each arm of an `if`, after `end`) and ends at the next such point or
//!   unconditional branch. A segment's whole cost is charged when it begins,
//!   so a `br_if` that branches has paid for the rest of its segment too.
//! - A run whose charges pass its budget ends as out of fuel, however it
//!   would have ended otherwise: the host checks the counter when the run
//!   ends. So that an endless loop cannot outrun it, the counter is also
//!   checked where unbounded work can start, at each function entry and each
//!   loop turn, and by every WASI call; between checks a program runs
//!   straight-line code only, and nothing it does there is seen.
//! - `memory.fill`, `memory.copy`, `memory.init`, `table.fill`, `table.copy`
//!   and `table.init` also cost one unit per 8 elements moved, charged just
//!   before they run.
//! - WASI calls cost one unit per 8 bytes they move, plus one
//!   (the host charges it, [`crate::sandbox`]).
//!
//! # Other limits
//! - Call depth: [`DEPTH`] holds how many more frames may be pushed; each
//!   `call` or `call_indirect` to a wasm function takes one and gives it back
//!   on return. Tail calls replace their frame and take none.
//! - `memory.grow` past [`MEMORY_LIMIT`] pages stops the run with the pages
//!   asked for in [`REQUESTED`], unless the module's own maximum refuses the
//!   growth first (then `memory.grow` returns -1, as the spec says).
//! - `call_indirect` of an empty table slot stops with its own reason, so
//!   every engine names that trap the same way.
//! - Float results the spec leaves nondeterministic (the bits of a NaN made
//!   by arithmetic) become the canonical positive quiet NaN, so outputs are
//!   bit-identical across engines and CPUs.
//! - The start function is not run by instantiation: it is exported as
//!   [`START`] so the host runs it under the same fuel as the entry.

use std::fmt;
use wasmparser::{
    BinaryReader, CompositeInnerType, FunctionBody, Operator, Parser, Payload, TypeRef,
};

mod code;
#[cfg(test)]
mod tests;

use crate::encode::{
    CODE_SECTION, EXPORT_SECTION, F32, F64, GLOBAL_SECTION, I32, I64, START_SECTION, rank, section,
    write_u32,
};
use code::function;

/// Fuel left (i64). The host sets the run's budget; below zero means spent.
pub const FUEL: &str = "sandlab:fuel";
/// Frames that may still be pushed (i32).
pub const DEPTH: &str = "sandlab:depth";
/// Why the instrumented code trapped (i32): a [`Why`] code, 0 for a real trap.
pub const WHY: &str = "sandlab:why";
/// The memory cap in pages (i64).
pub const MEMORY_LIMIT: &str = "sandlab:memory-limit";
/// Pages a refused `memory.grow` asked for (i64).
pub const REQUESTED: &str = "sandlab:requested";
/// The module's start function, when it has one.
pub const START: &str = "sandlab:start";

/// Why injected code stopped a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    OutOfFuel = 1,
    CallDepth = 2,
    MemoryLimit = 3,
    /// `call_indirect` found an empty table slot. Engines word this trap
    /// differently (V8 does not tell it from a signature mismatch), so the
    /// pass checks for it itself.
    IndirectCallToNull = 4,
}

impl Why {
    pub fn from_code(code: i32) -> Option<Why> {
        match code {
            1 => Some(Why::OutOfFuel),
            2 => Some(Why::CallDepth),
            3 => Some(Why::MemoryLimit),
            4 => Some(Why::IndirectCallToNull),
            _ => None,
        }
    }
}

/// A memory or table as the module declares it, in index order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extent {
    pub initial: u64,
    pub maximum: Option<u64>,
}

/// The instrumented module and what the host must check before running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metered {
    pub wasm: Vec<u8>,
    pub memories: Vec<Extent>,
    pub tables: Vec<Extent>,
    pub has_start: bool,
    /// Whether a run changes nothing of an instance but its memory and its
    /// mutable globals (every one exported, as [`GLOBAL_PREFIX`] and its
    /// index, beside the pass's own): no table writes, no dropped or
    /// copied-in segments. An engine may then reuse an instance for the
    /// next run, resetting those, instead of instantiating afresh.
    pub resettable: bool,
}

/// The prefix of the exports the pass adds for the module's own mutable
/// globals (`sandlab:global:3`), so a host can reset them between runs.
pub const GLOBAL_PREFIX: &str = "sandlab:global:";
/// The module's memory, exported under this name too (whatever its own
/// export is called, if it has one), so a host can reset it between runs.
pub const MEMORY: &str = "sandlab:memory";

/// A module the pass cannot instrument. It has already been validated, so
/// this is about what the sandbox refuses, not about malformed bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeterError {
    pub message: String,
    pub offset: Option<usize>,
}

impl fmt::Display for MeterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MeterError {}

fn error(message: impl Into<String>, offset: Option<usize>) -> MeterError {
    MeterError {
        message: message.into(),
        offset,
    }
}

/// What the pass needs to know about the module before rewriting its code.
#[derive(Default)]
struct Module {
    /// Parameter count of each type, by type index (0 for non-function types).
    type_params: Vec<u32>,
    /// Type index of each function, imports first.
    func_types: Vec<u32>,
    imported_funcs: u32,
    /// Globals before the pass adds its own: the first new one's index.
    globals: u32,
    /// The module's own mutable globals (defined, not imported), by index.
    mutable_globals: Vec<u32>,
    memories: Vec<Extent>,
    tables: Vec<Extent>,
    start: Option<u32>,
}

fn bad(e: wasmparser::BinaryReaderError) -> MeterError {
    error(e.message().to_string(), Some(e.offset()))
}

impl Module {
    fn read(wasm: &[u8]) -> Result<Module, MeterError> {
        let mut module = Module::default();
        let extent = |initial, maximum| Extent { initial, maximum };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.map_err(bad)? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub in group.map_err(bad)?.into_types() {
                            module.type_params.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => f.params().len() as u32,
                                _ => 0,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader {
                        match import.map_err(bad)?.ty {
                            TypeRef::Func(ty) => {
                                module.func_types.push(ty);
                                module.imported_funcs += 1;
                            }
                            TypeRef::Global(_) => module.globals += 1,
                            TypeRef::Memory(m) => {
                                module.memories.push(extent(m.initial, m.maximum));
                            }
                            TypeRef::Table(t) => module.tables.push(extent(t.initial, t.maximum)),
                            TypeRef::Tag(_) => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        module.func_types.push(ty.map_err(bad)?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        let t = table.map_err(bad)?.ty;
                        module.tables.push(extent(t.initial, t.maximum));
                    }
                }
                Payload::MemorySection(reader) => {
                    let offset = reader.range().start;
                    for memory in reader {
                        let m = memory.map_err(bad)?;
                        if m.memory64 {
                            return Err(error(
                                "64-bit memories are not supported by the sandbox",
                                Some(offset),
                            ));
                        }
                        module.memories.push(extent(m.initial, m.maximum));
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        if global.map_err(bad)?.ty.mutable {
                            module.mutable_globals.push(module.globals);
                        }
                        module.globals += 1;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader.into_iter_with_offsets() {
                        let (offset, export) = export.map_err(bad)?;
                        if export.name.starts_with("sandlab:") {
                            return Err(error(
                                format!(
                                    "the export name `{}` is reserved: names starting with \
                                     `sandlab:` belong to the sandbox",
                                    export.name
                                ),
                                Some(offset),
                            ));
                        }
                    }
                }
                Payload::StartSection { func, .. } => module.start = Some(func),
                _ => {}
            }
        }
        Ok(module)
    }
}

/// The globals the pass adds, in index order after the module's own.
const NEW_GLOBALS: [(&str, u8); 5] = [
    (FUEL, I64),
    (DEPTH, I32),
    (WHY, I32),
    (MEMORY_LIMIT, I64),
    (REQUESTED, I64),
];
const G_FUEL: u32 = 0;
const G_DEPTH: u32 = 1;
const G_WHY: u32 = 2;
const G_MEMORY_LIMIT: u32 = 3;
const G_REQUESTED: u32 = 4;

/// Instruments a module that has already been validated.
pub fn instrument(wasm: &[u8]) -> Result<Metered, MeterError> {
    let module = Module::read(wasm)?;
    let mut out = Vec::with_capacity(wasm.len() + wasm.len() / 2 + 128);
    let mut written = Written::default();
    // The code section is built body by body and written when it ends.
    let mut code: Option<Vec<u8>> = None;
    let mut func_index = module.imported_funcs;
    let mut resettable = true;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(bad)?;
        match &payload {
            Payload::Version { range, .. } => {
                out.extend_from_slice(&wasm[range.clone()]);
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let bytes = code.as_mut().expect("entries follow their section's start");
                let (new_body, changes_more) = function(wasm, &module, func_index, body)?;
                resettable &= !changes_more;
                func_index += 1;
                write_u32(bytes, new_body.len() as u32);
                bytes.extend_from_slice(&new_body);
                continue;
            }
            Payload::End(_) => {
                flush_code(&mut out, &mut code);
                written.add_missing(&mut out, &module, u8::MAX);
                continue;
            }
            _ => {}
        }
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        flush_code(&mut out, &mut code);
        if id != 0 {
            written.add_missing(&mut out, &module, id);
        }
        let contents = &wasm[range.clone()];
        match id {
            GLOBAL_SECTION => {
                let (count, rest) = split_count(contents, range.start)?;
                let mut body = Vec::new();
                write_u32(&mut body, count + NEW_GLOBALS.len() as u32);
                body.extend_from_slice(rest);
                new_globals(&mut body);
                section(&mut out, id, &body);
                written.globals = true;
            }
            EXPORT_SECTION => {
                let (count, rest) = split_count(contents, range.start)?;
                let (added, entries) = new_exports(&module);
                let mut body = Vec::new();
                write_u32(&mut body, count + added);
                body.extend_from_slice(rest);
                body.extend_from_slice(&entries);
                section(&mut out, id, &body);
                written.exports = true;
            }
            // The host runs the start function itself, under fuel.
            START_SECTION => {}
            CODE_SECTION => {
                let Payload::CodeSectionStart { count, .. } = payload else {
                    unreachable!("section 10 is the code section")
                };
                let mut bytes = Vec::with_capacity(contents.len() * 2);
                write_u32(&mut bytes, count);
                code = Some(bytes);
            }
            _ => section(&mut out, id, contents),
        }
    }
    Ok(Metered {
        wasm: out,
        memories: module.memories,
        tables: module.tables,
        has_start: module.start.is_some(),
        resettable,
    })
}

/// Which of the sections the pass always emits are out already.
#[derive(Default)]
struct Written {
    globals: bool,
    exports: bool,
}

impl Written {
    /// Emits the pass's global and export sections, when the module has none,
    /// before the first section that must follow them.
    fn add_missing(&mut self, out: &mut Vec<u8>, module: &Module, next: u8) {
        if !self.globals && rank(next) > rank(GLOBAL_SECTION) {
            let mut body = Vec::new();
            write_u32(&mut body, NEW_GLOBALS.len() as u32);
            new_globals(&mut body);
            section(out, GLOBAL_SECTION, &body);
            self.globals = true;
        }
        if !self.exports && rank(next) > rank(EXPORT_SECTION) {
            let (count, entries) = new_exports(module);
            let mut body = Vec::new();
            write_u32(&mut body, count);
            body.extend_from_slice(&entries);
            section(out, EXPORT_SECTION, &body);
            self.exports = true;
        }
    }
}

fn flush_code(out: &mut Vec<u8>, code: &mut Option<Vec<u8>>) {
    if let Some(bytes) = code.take() {
        section(out, CODE_SECTION, &bytes);
    }
}

/// Splits a vector section into its item count and the items' bytes.
fn split_count(contents: &[u8], offset: usize) -> Result<(u32, &[u8]), MeterError> {
    let mut reader = BinaryReader::new(contents, offset);
    let count = reader.read_var_u32().map_err(bad)?;
    Ok((count, &contents[reader.original_position() - offset..]))
}

fn new_globals(out: &mut Vec<u8>) {
    for (_, ty) in NEW_GLOBALS {
        // mutable, initialised to zero; the host sets each before a run.
        out.extend_from_slice(&[ty, 0x01, if ty == I64 { 0x42 } else { 0x41 }, 0x00, 0x0B]);
    }
}

fn new_exports(module: &Module) -> (u32, Vec<u8>) {
    let mut out = Vec::new();
    let mut count = 0;
    let mut export = |name: &str, kind: u8, index: u32| {
        write_u32(&mut out, name.len() as u32);
        out.extend_from_slice(name.as_bytes());
        out.push(kind);
        write_u32(&mut out, index);
        count += 1;
    };
    for (i, (name, _)) in NEW_GLOBALS.iter().enumerate() {
        export(name, 0x03, module.globals + i as u32);
    }
    for index in &module.mutable_globals {
        export(&format!("{GLOBAL_PREFIX}{index}"), 0x03, *index);
    }
    if !module.memories.is_empty() {
        export(MEMORY, 0x02, 0);
    }
    if let Some(start) = module.start {
        export(START, 0x00, start);
    }
    (count, out)
}

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
}

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
                Payload::GlobalSection(reader) => module.globals += reader.count(),
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

const I32: u8 = 0x7F;
const I64: u8 = 0x7E;
const F32: u8 = 0x7D;
const F64: u8 = 0x7C;

/// Section ids in the order the binary format requires them.
const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const GLOBAL_SECTION: u8 = 6;
const EXPORT_SECTION: u8 = 7;
const START_SECTION: u8 = 8;
const CODE_SECTION: u8 = 10;

fn rank(id: u8) -> usize {
    ORDER.iter().position(|&s| s == id).unwrap_or(usize::MAX)
}

/// Instruments a module that has already been validated.
pub fn instrument(wasm: &[u8]) -> Result<Metered, MeterError> {
    let module = Module::read(wasm)?;
    let mut out = Vec::with_capacity(wasm.len() + wasm.len() / 2 + 128);
    let mut written = Written::default();
    // The code section is built body by body and written when it ends.
    let mut code: Option<Vec<u8>> = None;
    let mut func_index = module.imported_funcs;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(bad)?;
        match &payload {
            Payload::Version { range, .. } => {
                out.extend_from_slice(&wasm[range.clone()]);
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let bytes = code.as_mut().expect("entries follow their section's start");
                let new_body = function(wasm, &module, func_index, body)?;
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

fn section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    write_u32(out, contents.len() as u32);
    out.extend_from_slice(contents);
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
    if let Some(start) = module.start {
        export(START, 0x00, start);
    }
    (count, out)
}

/// Locals the pass adds to every function, after the function's own.
const SCRATCH: [u8; 3] = [I32, F32, F64];

/// Rewrites one function body.
fn function(
    wasm: &[u8],
    module: &Module,
    index: u32,
    body: &FunctionBody<'_>,
) -> Result<Vec<u8>, MeterError> {
    let params = module
        .func_types
        .get(index as usize)
        .and_then(|ty| module.type_params.get(*ty as usize))
        .copied()
        .unwrap_or(0);
    let mut reader = body.get_binary_reader();
    let groups = reader.read_var_u32().map_err(bad)?;
    let groups_start = reader.original_position();
    let mut locals = body.get_locals_reader().map_err(bad)?;
    let mut count = params;
    for _ in 0..locals.get_count() {
        let (n, _) = locals.read().map_err(bad)?;
        count += n;
    }
    let ops_start = locals.original_position();
    let scratch = Scratch {
        i32: count,
        f32: count + 1,
        f64: count + 2,
        globals: module.globals,
    };

    let mut out = Vec::with_capacity((body.range().len()) * 2 + 16);
    write_u32(&mut out, groups + SCRATCH.len() as u32);
    out.extend_from_slice(&wasm[groups_start..ops_start]);
    for ty in SCRATCH {
        out.extend_from_slice(&[1, ty]);
    }

    let mut reader = body.get_operators_reader().map_err(bad)?;
    let mut ops = Vec::new();
    while !reader.eof() {
        let (op, start) = reader.read_with_offset().map_err(bad)?;
        ops.push((op, start, reader.original_position()));
    }

    let mut e = Emit { out, s: scratch };
    e.charge(segment_cost(&ops, 0), true);
    for (i, (op, start, end)) in ops.iter().enumerate() {
        let counted_call = match op {
            Operator::Call { function_index } => *function_index >= module.imported_funcs,
            Operator::CallIndirect { .. } => true,
            _ => false,
        };
        if counted_call {
            e.depth_enter();
        }
        match op {
            Operator::MemoryGrow { mem } => {
                let max = module
                    .memories
                    .get(*mem as usize)
                    .and_then(|m| m.maximum)
                    .unwrap_or(65536)
                    .min(65536);
                e.grow_check(*mem, max);
            }
            Operator::MemoryFill { .. }
            | Operator::MemoryCopy { .. }
            | Operator::MemoryInit { .. }
            | Operator::TableFill { .. }
            | Operator::TableCopy { .. }
            | Operator::TableInit { .. } => e.bulk_charge(),
            Operator::CallIndirect { table_index, .. }
            | Operator::ReturnCallIndirect { table_index, .. } => e.null_check(*table_index),
            Operator::TableGrow { .. } => {
                return Err(error(
                    "table.grow is not supported by the sandbox: declare the table with the \
                     size you need instead",
                    Some(*start),
                ));
            }
            _ => {}
        }
        e.out.extend_from_slice(&wasm[*start..*end]);
        if counted_call {
            e.depth_leave();
        }
        if let Some(ty) = nan_result(op) {
            e.canonicalise(ty);
        }
        if is_boundary(op) && i + 1 < ops.len() {
            let check = matches!(op, Operator::Loop { .. });
            e.charge(segment_cost(&ops, i + 1), check);
        }
    }
    Ok(e.out)
}

/// Instructions after which a new segment starts: branch targets, the arms
/// of a conditional, and the (dead) code after an unconditional branch.
/// `br_if` is not one: the code after it is charged with the code before it,
/// so a taken `br_if` pays for the rest of its segment. It is nearly always a
/// loop's exit or its back edge, taken once or followed by nothing, and a
/// charge after each would double the metering cost of a tight loop.
fn is_boundary(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::Unreachable
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
    )
}

fn cost(op: &Operator<'_>) -> u64 {
    match op {
        Operator::End | Operator::Else => 0,
        _ => 1,
    }
}

/// The cost of the segment that starts at `from`: up to and including the
/// next boundary.
fn segment_cost(ops: &[(Operator<'_>, usize, usize)], from: usize) -> u64 {
    let mut total = 0;
    for (op, _, _) in &ops[from..] {
        total += cost(op);
        if is_boundary(op) {
            break;
        }
    }
    total
}

/// The float type of an instruction's result when the spec lets its NaN bits
/// vary between engines.
fn nan_result(op: &Operator<'_>) -> Option<u8> {
    use Operator::*;
    match op {
        F32Add | F32Sub | F32Mul | F32Div | F32Sqrt | F32Min | F32Max | F32Ceil | F32Floor
        | F32Trunc | F32Nearest | F32DemoteF64 => Some(F32),
        F64Add | F64Sub | F64Mul | F64Div | F64Sqrt | F64Min | F64Max | F64Ceil | F64Floor
        | F64Trunc | F64Nearest | F64PromoteF32 => Some(F64),
        _ => None,
    }
}

/// Indices of the pass's locals and globals in one function.
struct Scratch {
    i32: u32,
    f32: u32,
    f64: u32,
    globals: u32,
}

/// Writes injected instructions. Every snippet leaves the operand stack as
/// it found it, so it is valid wherever it is placed.
struct Emit {
    out: Vec<u8>,
    s: Scratch,
}

const UNREACHABLE: u8 = 0x00;
const IF: u8 = 0x04;
const END: u8 = 0x0B;
const EMPTY: u8 = 0x40;
const SELECT: u8 = 0x1B;
const LOCAL_GET: u8 = 0x20;
const LOCAL_SET: u8 = 0x21;
const LOCAL_TEE: u8 = 0x22;
const GLOBAL_GET: u8 = 0x23;
const GLOBAL_SET: u8 = 0x24;
const TABLE_GET: u8 = 0x25;
const MEMORY_SIZE: u8 = 0x3F;
const REF_IS_NULL: u8 = 0xD1;
const I32_CONST: u8 = 0x41;
const I64_CONST: u8 = 0x42;
const F32_CONST: u8 = 0x43;
const F64_CONST: u8 = 0x44;
const I32_EQZ: u8 = 0x45;
const I64_LT_S: u8 = 0x53;
const I64_GT_U: u8 = 0x56;
const I64_LE_U: u8 = 0x58;
const F32_EQ: u8 = 0x5B;
const F64_EQ: u8 = 0x61;
const I32_ADD: u8 = 0x6A;
const I32_SUB: u8 = 0x6B;
const I32_AND: u8 = 0x71;
const I64_ADD: u8 = 0x7C;
const I64_SUB: u8 = 0x7D;
const I64_SHR_U: u8 = 0x88;
const I64_EXTEND_I32_U: u8 = 0xAD;

impl Emit {
    fn op(&mut self, byte: u8) -> &mut Self {
        self.out.push(byte);
        self
    }

    fn idx(&mut self, byte: u8, index: u32) -> &mut Self {
        self.out.push(byte);
        write_u32(&mut self.out, index);
        self
    }

    fn global(&mut self, byte: u8, which: u32) -> &mut Self {
        let index = self.s.globals + which;
        self.idx(byte, index)
    }

    fn i32_const(&mut self, value: i32) -> &mut Self {
        self.out.push(I32_CONST);
        write_i64(&mut self.out, value as i64);
        self
    }

    fn i64_const(&mut self, value: i64) -> &mut Self {
        self.out.push(I64_CONST);
        write_i64(&mut self.out, value);
        self
    }

    fn trap(&mut self, why: Why) -> &mut Self {
        self.i32_const(why as i32)
            .global(GLOBAL_SET, G_WHY)
            .op(UNREACHABLE)
    }

    /// `if fuel < 0 { stop: out of fuel }`
    fn check_fuel(&mut self) {
        self.global(GLOBAL_GET, G_FUEL)
            .i64_const(0)
            .op(I64_LT_S)
            .op(IF)
            .op(EMPTY)
            .trap(Why::OutOfFuel)
            .op(END);
    }

    /// Charges a segment; `check` also stops the run if that spent the fuel.
    fn charge(&mut self, cost: u64, check: bool) {
        if cost == 0 {
            return;
        }
        self.global(GLOBAL_GET, G_FUEL)
            .i64_const(cost as i64)
            .op(I64_SUB)
            .global(GLOBAL_SET, G_FUEL);
        if check {
            self.check_fuel();
        }
    }

    /// Charges one unit per 8 elements for the bulk operation whose length
    /// (an i32) is on top of the stack.
    fn bulk_charge(&mut self) {
        let len = self.s.i32;
        self.idx(LOCAL_SET, len)
            .global(GLOBAL_GET, G_FUEL)
            .idx(LOCAL_GET, len)
            .op(I64_EXTEND_I32_U)
            .i64_const(3)
            .op(I64_SHR_U)
            .op(I64_SUB)
            .global(GLOBAL_SET, G_FUEL);
        self.check_fuel();
        self.idx(LOCAL_GET, len);
    }

    fn depth_enter(&mut self) {
        self.global(GLOBAL_GET, G_DEPTH)
            .op(I32_EQZ)
            .op(IF)
            .op(EMPTY)
            .trap(Why::CallDepth)
            .op(END)
            .global(GLOBAL_GET, G_DEPTH)
            .i32_const(1)
            .op(I32_SUB)
            .global(GLOBAL_SET, G_DEPTH);
    }

    fn depth_leave(&mut self) {
        self.global(GLOBAL_GET, G_DEPTH)
            .i32_const(1)
            .op(I32_ADD)
            .global(GLOBAL_SET, G_DEPTH);
    }

    /// Stops a `memory.grow` (delta, an i32, on top of the stack) that would
    /// pass the sandbox's cap, unless the module's own maximum refuses it.
    fn grow_check(&mut self, mem: u32, max: u64) {
        let delta = self.s.i32;
        self.idx(LOCAL_SET, delta)
            // delta > cap - size
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .global(GLOBAL_GET, G_MEMORY_LIMIT)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .op(I64_SUB)
            .op(I64_GT_U)
            // delta <= max - size
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .i64_const(max as i64)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .op(I64_SUB)
            .op(I64_LE_U)
            .op(I32_AND)
            .op(IF)
            .op(EMPTY)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .op(I64_ADD)
            .global(GLOBAL_SET, G_REQUESTED)
            .trap(Why::MemoryLimit)
            .op(END)
            .idx(LOCAL_GET, delta);
    }

    /// Stops with [`Why::IndirectCallToNull`] if the table slot whose index
    /// (an i32) is on top of the stack is empty. An index past the table's
    /// end traps in `table.get` just as `call_indirect` would.
    fn null_check(&mut self, table: u32) {
        let index = self.s.i32;
        self.idx(LOCAL_TEE, index)
            .idx(TABLE_GET, table)
            .op(REF_IS_NULL)
            .op(IF)
            .op(EMPTY)
            .trap(Why::IndirectCallToNull)
            .op(END)
            .idx(LOCAL_GET, index);
    }

    /// Replaces a NaN on top of the stack with the canonical quiet NaN.
    fn canonicalise(&mut self, ty: u8) {
        let (local, eq) = if ty == F32 {
            (self.s.f32, F32_EQ)
        } else {
            (self.s.f64, F64_EQ)
        };
        self.idx(LOCAL_TEE, local);
        if ty == F32 {
            self.op(F32_CONST);
            self.out.extend_from_slice(&0x7FC0_0000u32.to_le_bytes());
        } else {
            self.op(F64_CONST);
            self.out
                .extend_from_slice(&0x7FF8_0000_0000_0000u64.to_le_bytes());
        }
        self.idx(LOCAL_GET, local)
            .idx(LOCAL_GET, local)
            .op(eq)
            .op(SELECT);
    }
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_i64(out: &mut Vec<u8>, mut value: i64) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests;

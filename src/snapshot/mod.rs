//! Snapshots: a module whose initialisation has already run.
//!
//! An interpreter (CPython, say) spends most of a short run starting up, and
//! the start-up is the same for every learner. [`take`] runs a module's
//! initialisation once, in the sandbox (so it is deterministic: the same
//! bytes on every machine), and writes a new module whose memory and globals
//! start where the initialisation left them. Every run of the snapshot then
//! begins where the start-up ended, and its fuel counts only what comes
//! after.
//!
//! What is kept: linear memory (as data segments, zero runs left out), the
//! values of mutable globals, and the memory's size. What is not: tables
//! (the initialisation must not change them), open files (it must close
//! them), and anything the host keeps (WASI's clock and random state start
//! afresh in every run, as they always do). The module must be a reactor
//! (WASI's `_initialize`, which runs first, then `init`), define its own
//! memory, and use active data segments only.

use crate::encode::{
    DATA_COUNT_SECTION, DATA_SECTION, EXPORT_SECTION, F32, F64, GLOBAL_SECTION, I32, I64,
    MEMORY_SECTION, START_SECTION, rank, section, write_i64, write_u32,
};
use crate::sandbox::{End, Entry, Execution, Program, Request, World};
use crate::vocab::{Limits, Value};
use std::fmt;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// Why a snapshot could not be taken.
#[derive(Clone, Debug, PartialEq)]
pub enum SnapshotError {
    /// The module is not one a snapshot can be taken of, and why.
    Unsupported(String),
    /// The module does not load.
    Module(String),
    /// The initialisation did not return; what it wrote to stderr.
    Init(End, String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Unsupported(why) => write!(f, "cannot snapshot this module: {why}"),
            SnapshotError::Module(e) => write!(f, "the module does not load: {e}"),
            SnapshotError::Init(end, stderr) => {
                write!(f, "the initialisation did not return: it {end}")?;
                if !stderr.is_empty() {
                    write!(f, "; it wrote:\n{stderr}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Prefix of the exports added while the initialisation runs, to read the
/// globals and memory back.
const PROBE: &str = "snapshot:";
/// The reactor's initialisation export (WASI): run first, never again.
const INITIALIZE: &str = "_initialize";
/// Most data segments a snapshot writes: engines cap them (V8 at 100,000).
const MAX_SEGMENTS: usize = 20_000;

/// Runs `_initialize` (if the module exports it) and then `init`, in the
/// sandbox with `world` and `limits`, and returns a module that starts
/// where they ended, without `_initialize` among its exports.
///
/// # Errors
///
/// The module is not one a snapshot can keep (see the module doc), it does
/// not load, or the initialisation does not return.
pub fn take(
    wasm: &[u8],
    init: &str,
    world: World,
    limits: Limits,
) -> Result<Vec<u8>, SnapshotError> {
    let shape = Shape::read(wasm)?;
    let probed = probe(wasm, &shape)?;
    let program = Program::new(&probed, limits.stack_depth)
        .map_err(|e| SnapshotError::Module(e.to_string()))?;
    let request = Request {
        entry: Entry::Call {
            function: init.to_string(),
            args: Vec::new(),
        },
        world,
        limits,
        memory_writes: Vec::new(),
        memory_reads: Vec::new(),
    };
    let mut exec = Execution::start(&program, request);
    while !exec.advance(u64::MAX) {}
    let names: Vec<String> = shape.mutable.iter().map(|i| global_probe(*i)).collect();
    let memory_name = shape
        .memory_export
        .clone()
        .unwrap_or_else(|| format!("{PROBE}memory"));
    let state = exec.state(&memory_name, &names);
    let outcome = exec.finish();
    if !matches!(outcome.end, End::Returned(_)) {
        let stderr = String::from_utf8_lossy(&outcome.stderr).into_owned();
        return Err(SnapshotError::Init(outcome.end, stderr));
    }
    let state = state.ok_or_else(|| {
        SnapshotError::Unsupported("its memory or globals could not be read back".into())
    })?;
    if state.open_files > 0 {
        return Err(SnapshotError::Unsupported(format!(
            "the initialisation left {} file(s) open",
            state.open_files
        )));
    }
    write(wasm, &shape, &state.memory, &state.globals)
}

/// What the snapshot needs to know of the module.
#[derive(Default)]
struct Shape {
    imported_globals: u32,
    /// Indices (in the global index space) of the module's mutable globals.
    mutable: Vec<u32>,
    memory_export: Option<String>,
    initialize: Option<u32>,
    has_start: bool,
    has_memory: bool,
}

impl Shape {
    fn read(wasm: &[u8]) -> Result<Shape, SnapshotError> {
        let mut shape = Shape::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.map_err(|e| SnapshotError::Module(e.to_string()))? {
                Payload::ImportSection(reader) => {
                    for import in reader {
                        let import = import.map_err(|e| SnapshotError::Module(e.to_string()))?;
                        match import.ty {
                            TypeRef::Global(_) => shape.imported_globals += 1,
                            TypeRef::Memory(_) => {
                                return Err(SnapshotError::Unsupported(
                                    "it imports its memory".into(),
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                Payload::MemorySection(reader) => shape.has_memory = reader.count() > 0,
                Payload::GlobalSection(reader) => {
                    for (i, global) in reader.into_iter().enumerate() {
                        let global = global.map_err(|e| SnapshotError::Module(e.to_string()))?;
                        if global.ty.mutable {
                            shape.mutable.push(shape.imported_globals + i as u32);
                        }
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(|e| SnapshotError::Module(e.to_string()))?;
                        match export.kind {
                            ExternalKind::Memory if export.index == 0 => {
                                shape.memory_export = Some(export.name.to_string());
                            }
                            ExternalKind::Func if export.name == INITIALIZE => {
                                shape.initialize = Some(export.index);
                            }
                            _ => {}
                        }
                    }
                }
                Payload::StartSection { .. } => shape.has_start = true,
                Payload::DataSection(reader) => {
                    for data in reader {
                        let data = data.map_err(|e| SnapshotError::Module(e.to_string()))?;
                        if !matches!(data.kind, wasmparser::DataKind::Active { .. }) {
                            return Err(SnapshotError::Unsupported(
                                "it has passive data segments".into(),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        if !shape.has_memory {
            return Err(SnapshotError::Unsupported(
                "it has no memory of its own".into(),
            ));
        }
        if shape.has_start && shape.initialize.is_some() {
            return Err(SnapshotError::Unsupported(
                "it has both a start function and `_initialize`".into(),
            ));
        }
        Ok(shape)
    }
}

fn global_probe(index: u32) -> String {
    format!("{PROBE}global:{index}")
}

/// The module with every mutable global (and the memory, if it is not
/// exported) exported under [`PROBE`] names, and `_initialize` made its
/// start function, so the sandbox runs it before `init`.
fn probe(wasm: &[u8], shape: &Shape) -> Result<Vec<u8>, SnapshotError> {
    let mut exports = Vec::new();
    let mut count = 0u32;
    let mut export = |name: &str, kind: u8, index: u32| {
        write_u32(&mut exports, name.len() as u32);
        exports.extend_from_slice(name.as_bytes());
        exports.push(kind);
        write_u32(&mut exports, index);
        count += 1;
    };
    for index in &shape.mutable {
        export(&global_probe(*index), 0x03, *index);
    }
    if shape.memory_export.is_none() {
        export(&format!("{PROBE}memory"), 0x02, 0);
    }
    let mut start = Vec::new();
    if let Some(index) = shape.initialize {
        write_u32(&mut start, index);
    }
    rewrite(
        wasm,
        |id, contents, out| match id {
            EXPORT_SECTION => {
                let (n, rest) = split_count(contents)?;
                let mut body = Vec::new();
                write_u32(&mut body, n + count);
                body.extend_from_slice(rest);
                body.extend_from_slice(&exports);
                section(out, id, &body);
                Ok(true)
            }
            _ => Ok(false),
        },
        |next, out, done| {
            if !done.contains(&EXPORT_SECTION) && rank(next) > rank(EXPORT_SECTION) {
                let mut body = Vec::new();
                write_u32(&mut body, count);
                body.extend_from_slice(&exports);
                section(out, EXPORT_SECTION, &body);
                done.push(EXPORT_SECTION);
            }
            if !start.is_empty()
                && !done.contains(&START_SECTION)
                && rank(next) > rank(START_SECTION)
            {
                section(out, START_SECTION, &start);
                done.push(START_SECTION);
            }
        },
    )
}

/// The snapshot: the original module with its memory, globals and data
/// replaced by the state after initialisation, and no start or
/// `_initialize`.
fn write(
    wasm: &[u8],
    shape: &Shape,
    memory: &[u8],
    globals: &[Value],
) -> Result<Vec<u8>, SnapshotError> {
    let pages = (memory.len() / 65_536) as u64;
    let segments = segments(memory);
    let data = data_section(memory, &segments);
    rewrite(
        wasm,
        |id, contents, out| {
            match id {
                MEMORY_SECTION => section(out, id, &memory_section(contents, pages)?),
                GLOBAL_SECTION => section(out, id, &global_section(contents, shape, globals)?),
                EXPORT_SECTION => section(out, id, &without_initialize(contents)?),
                START_SECTION => {}
                DATA_COUNT_SECTION => {
                    let mut body = Vec::new();
                    write_u32(&mut body, segments.len() as u32);
                    section(out, id, &body);
                }
                DATA_SECTION => section(out, id, &data),
                _ => return Ok(false),
            }
            Ok(true)
        },
        |next, out, done| {
            if !done.contains(&DATA_SECTION) && rank(next) > rank(DATA_SECTION) {
                section(out, DATA_SECTION, &data);
                done.push(DATA_SECTION);
            }
        },
    )
}

/// Copies `wasm` section by section: `replace` writes the sections it
/// handles (returning `true`); `insert` may add sections before the one
/// about to be written (`u8::MAX` at the end), noting them in `done`.
fn rewrite(
    wasm: &[u8],
    mut replace: impl FnMut(u8, &[u8], &mut Vec<u8>) -> Result<bool, SnapshotError>,
    mut insert: impl FnMut(u8, &mut Vec<u8>, &mut Vec<u8>),
) -> Result<Vec<u8>, SnapshotError> {
    let mut out = Vec::with_capacity(wasm.len());
    let mut done = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| SnapshotError::Module(e.to_string()))?;
        match &payload {
            Payload::Version { range, .. } => {
                out.extend_from_slice(&wasm[range.clone()]);
                continue;
            }
            Payload::End(_) => {
                insert(u8::MAX, &mut out, &mut done);
                continue;
            }
            _ => {}
        }
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        if id != 0 {
            insert(id, &mut out, &mut done);
        }
        let contents = &wasm[range];
        if !replace(id, contents, &mut out)? {
            section(&mut out, id, contents);
        }
        done.push(id);
    }
    Ok(out)
}

/// Splits a vector section into its item count and the items' bytes.
fn split_count(contents: &[u8]) -> Result<(u32, &[u8]), SnapshotError> {
    let mut reader = wasmparser::BinaryReader::new(contents, 0);
    let count = reader
        .read_var_u32()
        .map_err(|e| SnapshotError::Module(e.to_string()))?;
    Ok((count, &contents[reader.original_position()..]))
}

fn memory_section(contents: &[u8], pages: u64) -> Result<Vec<u8>, SnapshotError> {
    let reader = wasmparser::MemorySectionReader::new(wasmparser::BinaryReader::new(contents, 0))
        .map_err(|e| SnapshotError::Module(e.to_string()))?;
    let mut body = Vec::new();
    write_u32(&mut body, reader.count());
    for (i, memory) in reader.into_iter().enumerate() {
        let memory = memory.map_err(|e| SnapshotError::Module(e.to_string()))?;
        if memory.memory64 || memory.shared {
            return Err(SnapshotError::Unsupported(
                "its memory is 64-bit or shared".into(),
            ));
        }
        let initial = if i == 0 { pages } else { memory.initial };
        match memory.maximum {
            Some(max) if max < initial => {
                return Err(SnapshotError::Unsupported(
                    "its memory grew past its own maximum".into(),
                ));
            }
            Some(max) => {
                body.push(0x01);
                write_u32(&mut body, initial as u32);
                write_u32(&mut body, max as u32);
            }
            None => {
                body.push(0x00);
                write_u32(&mut body, initial as u32);
            }
        }
    }
    Ok(body)
}

fn global_section(
    contents: &[u8],
    shape: &Shape,
    values: &[Value],
) -> Result<Vec<u8>, SnapshotError> {
    let reader = wasmparser::GlobalSectionReader::new(wasmparser::BinaryReader::new(contents, 0))
        .map_err(|e| SnapshotError::Module(e.to_string()))?;
    let mut body = Vec::new();
    write_u32(&mut body, reader.count());
    for (i, global) in reader.into_iter().enumerate() {
        let global = global.map_err(|e| SnapshotError::Module(e.to_string()))?;
        let index = shape.imported_globals + i as u32;
        let captured = shape
            .mutable
            .iter()
            .position(|m| *m == index)
            .and_then(|p| values.get(p));
        let (ty, init) = match captured {
            Some(value) => const_expr(*value),
            None => {
                // An immutable global keeps its own initialiser.
                let mut reader = global.init_expr.get_binary_reader();
                let start = reader.original_position();
                while !matches!(
                    reader
                        .read_operator()
                        .map_err(|e| SnapshotError::Module(e.to_string()))?,
                    wasmparser::Operator::End
                ) {}
                let end = reader.original_position();
                let ty = match global.ty.content_type {
                    wasmparser::ValType::I32 => I32,
                    wasmparser::ValType::I64 => I64,
                    wasmparser::ValType::F32 => F32,
                    wasmparser::ValType::F64 => F64,
                    _ => {
                        return Err(SnapshotError::Unsupported(
                            "it has globals of types other than numbers".into(),
                        ));
                    }
                };
                (ty, contents[start..end].to_vec())
            }
        };
        body.push(ty);
        body.push(u8::from(global.ty.mutable));
        body.extend_from_slice(&init);
    }
    Ok(body)
}

/// A constant expression for `value`, and its type byte.
fn const_expr(value: Value) -> (u8, Vec<u8>) {
    let mut out = Vec::new();
    let ty = match value {
        Value::I32(x) => {
            out.push(0x41);
            write_i64(&mut out, i64::from(x));
            I32
        }
        Value::I64(x) => {
            out.push(0x42);
            write_i64(&mut out, x);
            I64
        }
        Value::F32(x) => {
            out.push(0x43);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
            F32
        }
        Value::F64(x) => {
            out.push(0x44);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
            F64
        }
    };
    out.push(0x0B);
    (ty, out)
}

/// The export section without `_initialize`: it ran, and must not again.
fn without_initialize(contents: &[u8]) -> Result<Vec<u8>, SnapshotError> {
    let mut reader = wasmparser::BinaryReader::new(contents, 0);
    let count = reader
        .read_var_u32()
        .map_err(|e| SnapshotError::Module(e.to_string()))?;
    let mut kept = Vec::new();
    let mut n = 0u32;
    for _ in 0..count {
        let start = reader.original_position();
        let export: wasmparser::Export<'_> = reader
            .read()
            .map_err(|e| SnapshotError::Module(e.to_string()))?;
        if export.name == INITIALIZE && export.kind == ExternalKind::Func {
            continue;
        }
        kept.extend_from_slice(&contents[start..reader.original_position()]);
        n += 1;
    }
    let mut body = Vec::new();
    write_u32(&mut body, n);
    body.extend_from_slice(&kept);
    Ok(body)
}

/// The byte ranges of memory worth a data segment: runs of non-zero bytes,
/// joined across short gaps of zeros (a segment's header costs about as
/// much as a few zeros), the gaps widened until the count fits the
/// engines' cap.
fn segments(memory: &[u8]) -> Vec<(usize, usize)> {
    let mut gap = 16usize;
    loop {
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < memory.len() {
            if memory[i] == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i < memory.len() && memory[i] != 0 {
                i += 1;
            }
            match out.last_mut() {
                Some(last) if start - last.1 <= gap => last.1 = i,
                _ => out.push((start, i)),
            }
        }
        if out.len() <= MAX_SEGMENTS {
            return out;
        }
        gap *= 4;
    }
}

fn data_section(memory: &[u8], segments: &[(usize, usize)]) -> Vec<u8> {
    let bytes: usize = segments.iter().map(|(a, b)| b - a + 12).sum();
    let mut body = Vec::with_capacity(bytes + 8);
    write_u32(&mut body, segments.len() as u32);
    for (start, end) in segments {
        // Active, memory 0, at `i32.const start`.
        body.push(0x00);
        body.push(0x41);
        write_i64(&mut body, *start as i64);
        body.push(0x0B);
        write_u32(&mut body, (end - start) as u32);
        body.extend_from_slice(&memory[*start..*end]);
    }
    body
}

#[cfg(test)]
mod tests;

//! Module bytes to a runnable [`Program`]: WAT is compiled here, an
//! uploaded `.wasm` is checked here, and validation errors in WAT are mapped
//! back to the line and column of the offending instruction. Which of these a
//! submission needs is its language's business ([`crate::language`]).

use crate::sandbox::{ModuleError, Program};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use wast::Wat;
use wast::core::{FuncKind, ModuleField, ModuleKind};
use wast::parser::{self, ParseBuffer};

/// Why a submission could not be turned into a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    /// 1-based line in the WAT source, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CompileError {}

/// A module binary and, for WAT, where each instruction came from. Cheap to
/// clone: an interpreter's module is shared by every run of every learner.
#[derive(Clone, Debug)]
pub struct Binary {
    pub bytes: Arc<[u8]>,
    source: Option<Arc<SourceMap>>,
    /// [`Binary::id`], computed once for all clones: hashing an
    /// interpreter's 11 MB for every run would cost more than the run.
    id: Arc<OnceLock<String>>,
}

impl Binary {
    /// The binary of a module that has no source text.
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Binary {
        Binary {
            bytes: bytes.into(),
            source: None,
            id: Arc::default(),
        }
    }

    /// The binary of `bytes` whose [`Binary::id`] the caller computed.
    pub fn hashed(bytes: impl Into<Arc<[u8]>>, id: String) -> Binary {
        let binary = Binary::new(bytes);
        let _ = binary.id.set(id);
        binary
    }

    /// `sha256:` and the hex digest of the module: names it to a worker that
    /// keeps modules it has compiled.
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        self.id
            .get_or_init(|| format!("sha256:{}", crate::lab::hex(&Sha256::digest(&self.bytes))))
            .clone()
    }
}

/// Byte offsets into the WAT source: per defined function, its header and
/// each instruction in binary order.
#[derive(Clone, Debug)]
struct SourceMap {
    text: String,
    funcs: Vec<(usize, Option<Vec<usize>>)>,
}

/// Compiles WAT text to bytes; the plain helper for tests and tools.
///
/// # Errors
///
/// The text does not parse.
pub fn wat(text: &str) -> Result<Vec<u8>, CompileError> {
    wat_binary(text).map(|b| b.bytes.to_vec())
}

/// What a binary that looks like WAT is told; the language adds where WAT
/// goes in its labs.
pub const TEXT_HINT: &str = " (it looks like WebAssembly text)";

/// Checks that `bytes` look like a core module (validation comes later, in
/// [`load`]).
///
/// # Errors
///
/// Empty, not WebAssembly, or a component.
pub fn module_binary(bytes: &[u8]) -> Result<Binary, CompileError> {
    check_header(bytes)?;
    Ok(Binary::new(bytes))
}

/// Compiles WAT text into module bytes, remembering where each instruction
/// came from.
///
/// # Errors
///
/// The text does not parse (with line and column).
pub fn wat_binary(text: &str) -> Result<Binary, CompileError> {
    let parse_error = |e: wast::Error| {
        let (line, col) = e.span().linecol_in(text);
        CompileError {
            message: friendlier(e.message()),
            line: Some(line as u32 + 1),
            column: Some(col as u32 + 1),
        }
    };
    let mut buf = ParseBuffer::new(text).map_err(parse_error)?;
    buf.track_instr_spans(true);
    let mut wat: Wat<'_> = parser::parse(&buf).map_err(parse_error)?;
    let bytes = wat.encode().map_err(parse_error)?;
    let funcs = match &wat {
        Wat::Module(module) => match &module.kind {
            ModuleKind::Text(fields) => fields
                .iter()
                .filter_map(|field| match field {
                    ModuleField::Func(func) => match &func.kind {
                        FuncKind::Inline { expression, .. } => Some((
                            func.span.offset(),
                            expression
                                .instr_spans
                                .as_ref()
                                .map(|spans| spans.iter().map(|s| s.offset()).collect()),
                        )),
                        FuncKind::Import(..) => None,
                    },
                    _ => None,
                })
                .collect(),
            ModuleKind::Binary(_) => Vec::new(),
        },
        Wat::Component(_) => {
            return Err(CompileError {
                message: "this is a component; sandlab runs core modules: write `(module ...)`"
                    .into(),
                line: Some(1),
                column: Some(1),
            });
        }
    };
    Ok(Binary {
        bytes: bytes.into(),
        source: Some(Arc::new(SourceMap {
            text: text.to_string(),
            funcs,
        })),
        id: Arc::default(),
    })
}

/// Rewords the parser's terser messages for someone new to WAT.
fn friendlier(message: String) -> String {
    let extra = match message.as_str() {
        "extra tokens remaining after parse" => {
            "unexpected text after the end of the module (one `)` too many?)"
        }
        "unexpected end-of-file" | "expected `)`" => {
            "the text ends before every `(` is closed (a `)` missing?)"
        }
        _ => return message,
    };
    format!("{extra} [{message}]")
}

fn check_header(bytes: &[u8]) -> Result<(), CompileError> {
    let error = |message: String| CompileError {
        message,
        line: None,
        column: None,
    };
    if bytes.is_empty() {
        return Err(error(
            "the file is empty: upload the .wasm your compiler produced".into(),
        ));
    }
    if !bytes.starts_with(b"\0asm") {
        let hint = if bytes.trim_ascii_start().starts_with(b"(") {
            TEXT_HINT
        } else {
            ""
        };
        return Err(error(format!(
            "this is not a WebAssembly module: it does not start with the bytes \\0asm{hint}"
        )));
    }
    if bytes.len() >= 8 && bytes[4..8] != [1, 0, 0, 0] {
        return Err(error(
            "this is a WebAssembly component or an unknown version, not a core module; \
             build for wasm32-wasip1 (or wasm32-unknown-unknown)"
                .into(),
        ));
    }
    Ok(())
}

/// Validates the binary and prepares it to run.
///
/// # Errors
///
/// The module does not validate; for WAT the error names the line and column
/// of the instruction the validator rejected.
///
/// A large module (a language runtime, the same for every learner) is
/// prepared once per process and depth, and shared: validating, metering
/// and setting up CPython's 11 MB cost more than a check's run.
pub fn load(binary: &Binary, stack_depth: u32) -> Result<Program, CompileError> {
    if binary.bytes.len() <= SHARED_ABOVE {
        return Program::new(&binary.bytes, stack_depth).map_err(|e| locate(binary, e));
    }
    type Shared = Vec<(String, u32, Result<Program, CompileError>)>;
    static SHARED: Mutex<Shared> = Mutex::new(Vec::new());
    let id = binary.id();
    let mut shared = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, _, program)) = shared
        .iter()
        .find(|(i, d, _)| *i == id && *d == stack_depth)
    {
        return program.clone();
    }
    let program = Program::new(&binary.bytes, stack_depth).map_err(|e| locate(binary, e));
    // A handful of runtimes at most; a process that grades with many
    // depths keeps the last few.
    if shared.len() >= 4 {
        drop(shared.remove(0));
    }
    shared.push((id, stack_depth, program.clone()));
    program
}

/// Modules above this size are shared between loads ([`load`]).
const SHARED_ABOVE: usize = 1 << 20;

/// What a static check needs to know about a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// `(module, name)` of every import.
    pub imports: Vec<(String, String)>,
    /// Functions defined by the module (imports not counted).
    pub functions: u32,
}

/// Reads imports and the function count from a module binary; whatever does
/// not parse is left out (validation reports it elsewhere).
pub fn inspect(bytes: &[u8]) -> ModuleInfo {
    let mut info = ModuleInfo::default();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload {
            Ok(wasmparser::Payload::ImportSection(reader)) => {
                for import in reader.into_iter().flatten() {
                    info.imports
                        .push((import.module.to_string(), import.name.to_string()));
                }
            }
            Ok(wasmparser::Payload::FunctionSection(reader)) => info.functions = reader.count(),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    info
}

fn locate(binary: &Binary, error: ModuleError) -> CompileError {
    let message = error.message.clone();
    let position = match (&binary.source, error.offset) {
        (Some(source), Some(offset)) => source_position(&binary.bytes, source, offset),
        _ => None,
    };
    match position {
        Some((line, column)) => CompileError {
            message,
            line: Some(line),
            column: Some(column),
        },
        None => CompileError {
            message: error.to_string(),
            line: None,
            column: None,
        },
    }
}

/// Finds the WAT position of the instruction at `offset` in the binary: the
/// function body holding it, then the operator's index within that body.
fn source_position(bytes: &[u8], source: &SourceMap, offset: usize) -> Option<(u32, u32)> {
    let mut func_index = 0usize;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let wasmparser::Payload::CodeSectionEntry(body) = payload.ok()? else {
            continue;
        };
        let range = body.range();
        if offset < range.start || offset >= range.end {
            func_index += 1;
            continue;
        }
        let (header, spans) = source.funcs.get(func_index)?;
        let mut at = *header;
        if let (Some(spans), Ok(mut reader)) = (spans, body.get_operators_reader()) {
            let mut index = 0usize;
            while !reader.eof() {
                let Ok((_, op_offset)) = reader.read_with_offset() else {
                    break;
                };
                if op_offset > offset {
                    break;
                }
                // The final `end` has no span of its own: keep the last one.
                if let Some(span) = spans.get(index) {
                    at = *span;
                }
                index += 1;
            }
        }
        return Some(line_col(&source.text, at));
    }
    None
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
    (line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(src: &str) -> CompileError {
        wat_binary(src)
            .and_then(|b| load(&b, 100))
            .expect_err("should not compile")
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = error("(module\n  (func (export \"f\")\n    i32.const 1\n    drop))\n)");
        assert_eq!(e.line, Some(5), "{e}");
        assert_eq!(e.column, Some(1), "{e}");
    }

    #[test]
    fn unknown_instruction_is_located() {
        let e = error("(module\n  (func\n    i32.konst 1\n    drop))");
        assert_eq!((e.line, e.column), (Some(3), Some(5)), "{e}");
        assert!(
            e.message.contains("i32.konst") || e.message.contains("unknown"),
            "{e}"
        );
    }

    #[test]
    fn type_error_points_at_the_instruction() {
        let src = "(module\n  (func (result i32)\n    i32.const 1\n    i64.const 2\n    i32.add))";
        let e = error(src);
        assert_eq!(e.line, Some(5), "{e}");
        assert_eq!(e.column, Some(5), "{e}");
        assert!(e.message.contains("type mismatch"), "{e}");
    }

    #[test]
    fn type_error_in_second_function_is_located() {
        let src = "(module\n (func (export \"a\"))\n (func $b (param i32)\n   local.get 0\n   f32.neg\n   drop))";
        let e = error(src);
        assert_eq!(e.line, Some(5), "{e}");
    }

    #[test]
    fn bad_binaries_say_what_they_are() {
        let empty = module_binary(&[]).unwrap_err();
        assert!(empty.message.contains("empty"));
        let text = module_binary(b"(module)").unwrap_err();
        assert!(text.message.contains("WebAssembly text"), "{text}");
        let component = module_binary(b"\0asm\x0d\0\x01\0").unwrap_err();
        assert!(component.message.contains("component"), "{component}");
        let truncated = module_binary(b"\0asm\x01\0\0\0\x01\x05")
            .and_then(|b| load(&b, 100))
            .unwrap_err();
        assert!(!truncated.message.is_empty());
    }
}

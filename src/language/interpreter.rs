//! An interpreter a course brings: a WASI preview 1 command in the course
//! folder (Lua, a teaching language, a domain-specific language…), named
//! in course.toml's `[interpreter]`, which runs the learner's program.
//!
//! sandlab knows nothing of its language: it validates the module as it
//! validates an upload, meters it like any module, runs it under the lab's
//! limits, and grades what it does (`run` and `budget` checks: output,
//! exit code, files, fuel). Its labs say `language = "<its name>"`; inside
//! sandlab they are [`super::Language::Custom`], and the interpreter's
//! details travel with the lab and its [`super::Runtime`].

use super::{Runnable, Runtime, Source, Submission};
use crate::compile::{Binary, CompileError};
use crate::vocab::Limits;
use std::collections::BTreeMap;

/// What course.toml says of its interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpreter {
    /// What its labs write as their `language` (`lua`).
    pub name: String,
    /// How learners know the language (`Lua 5.4`).
    pub title: String,
    /// The module, relative to the course folder.
    pub file: String,
    /// The name of the learner's file in the run's folder (`main.lua`).
    pub main: String,
    /// Arguments before the learner's (file or code).
    pub args: Vec<String>,
    /// How the learner's code reaches the interpreter.
    pub pass: Pass,
    /// The editor's highlighting: one of [`MODES`].
    pub mode: String,
}

/// How the learner's code reaches the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// As a file in the run's folder, named by its path after `args`
    /// (`lua main.lua`).
    File,
    /// As an argument after `args` (`lua -e CODE`).
    Argv,
    /// As standard input, before the check's own (`bc < main.bc`).
    Stdin,
}

impl Pass {
    pub const NAMES: [&'static str; 3] = ["file", "argv", "stdin"];

    pub fn parse(name: &str) -> Option<Pass> {
        match name {
            "file" => Some(Pass::File),
            "argv" => Some(Pass::Argv),
            "stdin" => Some(Pass::Stdin),
            _ => None,
        }
    }
}

/// The editor's highlighting modes (`web/editor/editor.js` knows these).
pub const MODES: &[&str] = &[
    "plain",
    "javascript",
    "python",
    "wat",
    "lua",
    "ruby",
    "scheme",
    "shell",
    "brainfuck",
    "commonlisp",
    "haskell",
    "forth",
];

/// The limits of a brought interpreter's labs unless they set their own:
/// Python's (an interpreter spends thousands of instructions a line).
pub(super) const LIMITS: Limits = super::python::LIMITS;

pub(super) fn build(
    submission: &Submission,
    runtime: Option<&Runtime>,
) -> Result<Runnable, CompileError> {
    let error = |message: String| CompileError {
        message,
        line: None,
        column: None,
    };
    let Some((runtime, interpreter)) = runtime.and_then(|r| Some((r, r.interpreter.as_ref()?)))
    else {
        return Err(error(
            "the course's interpreter is not loaded, so nothing can run (tell the instructor)"
                .into(),
        ));
    };
    let Source::Text(source) = &submission.source else {
        return Err(error(format!(
            "a {} lab takes source text, not a compiled module",
            interpreter.title
        )));
    };
    let mut runnable = Runnable {
        binary: runtime.binary.clone(),
        files: BTreeMap::new(),
        args: interpreter.args.clone(),
        program_name: Some(interpreter.name.clone()),
        stdin: Vec::new(),
    };
    match interpreter.pass {
        Pass::File => {
            runnable
                .files
                .insert(interpreter.main.clone(), source.clone().into_bytes());
            runnable.args.push(interpreter.main.clone());
        }
        Pass::Argv => runnable.args.push(source.clone()),
        Pass::Stdin => runnable.stdin = source.clone().into_bytes(),
    }
    Ok(runnable)
}

/// Whether `bytes` is a module sandlab can run as an interpreter: a valid
/// WASI command importing only what the sandbox provides.
///
/// # Errors
///
/// Why not, for the instructor.
pub fn check_module(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"\0asm") {
        return Err("it is not a WebAssembly module (it does not start with \\0asm)".into());
    }
    let program = crate::compile::load(&Binary::new(bytes.to_vec()), LIMITS.stack_depth)
        .map_err(|e| e.message)?;
    if let Some(why) = program.link_error() {
        return Err(why.to_string());
    }
    match program.export_sig("_start") {
        Some(Ok(sig)) if sig.params.is_empty() && sig.results.is_empty() => Ok(()),
        Some(_) => Err("its `_start` is not a function of no arguments and no results".into()),
        None => Err(
            "it exports no `_start`: build it as a WASI command (wasm32-wasip1), not a library"
                .into(),
        ),
    }
}

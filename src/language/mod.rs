//! The languages learners hand code in, as data: for each, how a
//! submission becomes a module the sandbox runs and what it adds to every
//! run's WASI world, which check kinds its labs may use, how the learner
//! hands code in (the editor and its mode, or an upload), and the default
//! names of a lab's starter and solution.
//!
//! Adding a language is: a variant of [`Language`], its [`Spec`] in
//! [`Language::spec`], and a file here with its `build` function.
//!
//! Nothing else matches on the language: the loader, the grader, the
//! records and the app read its spec.

pub mod harness;
pub mod interpreter;
pub mod javascript;
mod module;
pub mod python;
mod submission;

pub use submission::{Source, Submission};

use crate::compile::{Binary, CompileError};
use crate::vocab::Limits;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A language a lab is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// WebAssembly text, written in the browser.
    Wat,
    /// A compiled module the learner uploads (built from Rust, C, Zig…).
    Wasm,
    /// Python, run by CPython compiled to WebAssembly (a [`Runtime`]).
    Python,
    /// JavaScript, run by QuickJS-NG compiled to WebAssembly (a [`Runtime`]).
    JavaScript,
    /// The language of an interpreter a course brings
    /// ([`interpreter::Interpreter`]): its labs name it, records say `custom`.
    Custom,
}

/// Everything sandlab knows of a language.
#[derive(Debug)]
pub struct Spec {
    /// Its name in lab files (`language = "wat"`) and records.
    pub name: &'static str,
    /// How learners know it.
    pub title: &'static str,
    /// How the learner hands code in.
    pub input: Input,
    /// The default starter file; `None`: a lab needs none unless it names one.
    pub starter: Option<&'static str>,
    /// The default reference solution file.
    pub solution: &'static str,
    /// The check kinds its labs may use.
    pub kinds: &'static [&'static str],
    /// The languages whose submissions a lab in this one accepts (for
    /// example an uploaded module for a WAT lab: both are modules).
    pub accepts: &'static [Language],
    /// Whether the learner's code is a module of its own or a script an
    /// interpreter (the language's [`Runtime`]) runs.
    pub family: Family,
    /// A lab's limits unless it sets its own.
    pub limits: Limits,
    /// The file the learner's code is placed in, for a script language.
    pub main: Option<&'static str>,
    /// How a line defining a function starts (`def `), for finding a test
    /// function in a test file.
    pub definitions: &'static [&'static str],
    /// Makes a submission runnable (with the language's runtime, if it has one).
    build: fn(&Submission, Option<&Runtime>) -> Result<Runnable, CompileError>,
    /// Whether a runtime file was built for this sandlab (a language with
    /// a runtime).
    runtime_check: Option<RuntimeCheck>,
    /// A short program the browser runs a few times when the runtime
    /// arrives, before any check: the engine compiles the interpreter's
    /// hot code for speed only once it has run for a while, and a run
    /// already under way keeps the slower code to its end.
    pub warm_up: Option<&'static str>,
}

/// Says why a runtime file cannot be used, if it cannot.
type RuntimeCheck = fn(&[u8]) -> Result<(), String>;

/// How a language's code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// The learner's code is the module the sandbox runs.
    Module,
    /// An interpreter (a [`Runtime`]) runs the learner's script: checks
    /// reach into it through the runtime's harness.
    Script,
}

/// How a learner hands code in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Typed in the editor, highlighted in this CodeMirror mode.
    Editor { mode: &'static str },
    /// A file uploaded from the learner's machine; `how` says how to make it.
    Upload {
        extension: &'static str,
        how: &'static str,
    },
}

/// The check kinds of labs whose submission is a module of its own.
const MODULE_KINDS: &[&str] = &["call", "memory", "run", "module", "random", "budget"];

const WAT: Spec = Spec {
    name: "wat",
    title: "WebAssembly text",
    input: Input::Editor { mode: "wat" },
    starter: Some("starter.wat"),
    solution: "solution.wat",
    kinds: MODULE_KINDS,
    accepts: &[Language::Wat, Language::Wasm],
    family: Family::Module,
    limits: MODULE_LIMITS,
    main: None,
    definitions: &[],
    build: module::build,
    runtime_check: None,
    warm_up: None,
};

const WASM: Spec = Spec {
    name: "wasm",
    title: "a compiled WebAssembly module",
    input: Input::Upload {
        extension: ".wasm",
        how: "Build your program for wasm32-wasip1 (for Rust: cargo build --release --target wasm32-wasip1) and upload the .wasm file.",
    },
    starter: None,
    solution: "solution.wasm",
    kinds: MODULE_KINDS,
    accepts: &[Language::Wasm, Language::Wat],
    family: Family::Module,
    limits: MODULE_LIMITS,
    main: None,
    definitions: &[],
    build: module::build,
    runtime_check: None,
    warm_up: None,
};

/// The default limits of module languages (`Limits::default()`).
const MODULE_LIMITS: Limits = Limits {
    fuel: 10_000_000,
    memory_pages: 256,
    stack_depth: 10_000,
    output_bytes: 64 * 1024,
};

const PYTHON: Spec = Spec {
    name: "python",
    title: "Python",
    input: Input::Editor { mode: "python" },
    starter: Some("starter.py"),
    solution: "solution.py",
    kinds: &["run", "call", "random", "budget", "test"],
    accepts: &[Language::Python],
    family: Family::Script,
    limits: python::LIMITS,
    main: Some(python::MAIN),
    definitions: &["def ", "async def "],
    build: python::build,
    runtime_check: Some(python::check_runtime),
    warm_up: Some(python::WARM_UP),
};

const JAVASCRIPT: Spec = Spec {
    name: "javascript",
    title: "JavaScript",
    input: Input::Editor { mode: "javascript" },
    starter: Some("starter.js"),
    solution: "solution.js",
    kinds: &["run", "call", "random", "budget", "test"],
    accepts: &[Language::JavaScript],
    family: Family::Script,
    limits: javascript::LIMITS,
    main: Some(javascript::MAIN),
    definitions: &["function ", "async function "],
    build: javascript::build,
    runtime_check: Some(javascript::check_runtime),
    warm_up: Some(javascript::WARM_UP),
};

/// An interpreter's language: what the course's `[interpreter]` says of it
/// (title, editor mode, file name) overrides this wherever a lab is at hand.
const CUSTOM: Spec = Spec {
    name: "custom",
    title: "the course's language",
    input: Input::Editor { mode: "plain" },
    starter: Some("starter.txt"),
    solution: "solution.txt",
    kinds: &["run", "budget"],
    accepts: &[Language::Custom],
    family: Family::Script,
    limits: interpreter::LIMITS,
    main: None,
    definitions: &[],
    build: interpreter::build,
    runtime_check: None,
    warm_up: None,
};

impl Language {
    /// Every language a lab file may name, in the order messages list them
    /// (a course's own interpreter is named by its course).
    pub const ALL: [Language; 4] = [
        Language::Wat,
        Language::Wasm,
        Language::Python,
        Language::JavaScript,
    ];

    pub fn spec(self) -> &'static Spec {
        match self {
            Language::Wat => &WAT,
            Language::Wasm => &WASM,
            Language::Python => &PYTHON,
            Language::JavaScript => &JAVASCRIPT,
            Language::Custom => &CUSTOM,
        }
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The language named `name` in a record (`custom` included) or a
    /// lab file (where the loader refuses `custom`).
    pub fn parse(name: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .chain([Language::Custom])
            .find(|l| l.name() == name)
    }

    /// Whether the learner types code in the browser (otherwise they upload it).
    pub fn has_editor(self) -> bool {
        matches!(self.spec().input, Input::Editor { .. })
    }

    /// `"wat" (WebAssembly text), … or "python" (Python)`: the choices, for
    /// messages.
    pub fn choices() -> String {
        let names: Vec<String> = Language::ALL
            .iter()
            .map(|l| format!("\"{}\" ({})", l.name(), l.spec().title))
            .collect();
        match names.split_last() {
            Some((last, init)) if !init.is_empty() => format!("{} or {last}", init.join(", ")),
            _ => names.join(""),
        }
    }

    /// Whether the language's code runs in an interpreter sandlab must be
    /// given (see [`Runtime`]).
    pub fn needs_runtime(self) -> bool {
        self.spec().family == Family::Script
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A submission made runnable: the module every run of it instantiates
/// (the learner's own, or an interpreter every learner shares), and what
/// each run adds to its WASI world.
#[derive(Clone, Debug)]
pub struct Runnable {
    pub binary: Binary,
    /// Files placed in every run's preopened directory, under the check's own.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Arguments before the check's own (`argv[1..]`).
    pub args: Vec<String>,
    /// `argv[0]`, when the language names it (the interpreter's name).
    pub program_name: Option<String>,
    /// Standard input before the run's own (a program an interpreter
    /// reads from stdin).
    pub stdin: Vec<u8>,
}

/// An interpreter every learner of a language shares: a module that starts
/// where the interpreter's start-up ended (`crate::snapshot`), ready to run
/// a script. The same bytes everywhere; records name them by `id`.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub language: Language,
    pub binary: Binary,
    /// `sha256:` of the module.
    pub id: String,
    /// How to run it, for an interpreter a course brings.
    pub interpreter: Option<Arc<interpreter::Interpreter>>,
}

impl Runtime {
    /// A runtime read from a file someone installed: checked to be one
    /// this sandlab's grader can talk to.
    ///
    /// # Errors
    ///
    /// Why it is not.
    pub fn load(language: Language, bytes: Vec<u8>) -> Result<Arc<Runtime>, String> {
        if let Some(check) = language.spec().runtime_check {
            check(&bytes)?;
        }
        Ok(Runtime::new(language, bytes))
    }

    /// The runtime of `bytes` whose SHA-256 the caller has computed
    /// (`sha256:` and hex; the browser's own is faster than ours).
    pub fn hashed(language: Language, bytes: Vec<u8>, id: String) -> Arc<Runtime> {
        Arc::new(Runtime {
            language,
            binary: Binary::hashed(bytes, id.clone()),
            id,
            interpreter: None,
        })
    }

    /// The runtime of `bytes`, which the caller knows to be right (the
    /// browser checks them against the bundle's hash).
    pub fn new(language: Language, bytes: Vec<u8>) -> Arc<Runtime> {
        let binary = Binary::new(bytes);
        Arc::new(Runtime {
            language,
            id: binary.id(),
            binary,
            interpreter: None,
        })
    }

    /// The interpreter a course brings, in `bytes` (checked by the caller
    /// with [`interpreter::check_module`]).
    pub fn brought(bytes: Vec<u8>, interpreter: Arc<interpreter::Interpreter>) -> Arc<Runtime> {
        let binary = Binary::new(bytes);
        Arc::new(Runtime {
            language: Language::Custom,
            id: binary.id(),
            binary,
            interpreter: Some(interpreter),
        })
    }

    /// This runtime, told how its course runs it (the browser downloads
    /// the bytes; the lab knows the rest).
    pub fn with_interpreter(&self, interpreter: Arc<interpreter::Interpreter>) -> Arc<Runtime> {
        Arc::new(Runtime {
            language: self.language,
            binary: self.binary.clone(),
            id: self.id.clone(),
            interpreter: Some(interpreter),
        })
    }
}

impl Runnable {
    /// Lays what the language adds to every run under the run's own world:
    /// its files beneath the run's, its arguments before the run's.
    pub fn add_world(&self, request: &mut crate::sandbox::Request) {
        if !self.files.is_empty() {
            let mut files = self.files.clone();
            files.append(&mut request.world.files);
            request.world.files = files;
        }
        if !self.args.is_empty() {
            let mut args = self.args.clone();
            args.append(&mut request.world.args);
            request.world.args = args;
        }
        if let Some(name) = &self.program_name {
            request.world.program_name = name.clone();
        }
        if !self.stdin.is_empty() {
            let mut stdin = self.stdin.clone();
            stdin.append(&mut request.world.stdin);
            request.world.stdin = stdin;
        }
    }
}

/// A script made runnable: the language's runtime, run as `program` with
/// the learner's file (the language's [`Spec::main`]) as its argument.
fn script_runnable(
    submission: &Submission,
    runtime: Option<&Runtime>,
    program: &str,
) -> Result<Runnable, CompileError> {
    let spec = submission.language.spec();
    let error = |message: String| CompileError {
        message,
        line: None,
        column: None,
    };
    let Source::Text(source) = &submission.source else {
        return Err(error(format!(
            "a {} lab takes {} source text, not a compiled module",
            spec.title, spec.title
        )));
    };
    let Some(runtime) = runtime else {
        return Err(error(format!(
            "the {} runtime is not loaded, so nothing can run (tell the instructor)",
            spec.title
        )));
    };
    let main = spec.main.unwrap_or("main");
    Ok(Runnable {
        binary: runtime.binary.clone(),
        files: BTreeMap::from([(main.to_string(), source.clone().into_bytes())]),
        args: vec![main.to_string()],
        program_name: Some(program.into()),
        stdin: Vec::new(),
    })
}

/// Makes `submission` runnable for a lab written in `lab`.
///
/// # Errors
///
/// The submission is in a language the lab does not take, or it does not
/// compile.
pub fn build(
    lab: Language,
    submission: &Submission,
    runtime: Option<&Runtime>,
) -> Result<Runnable, CompileError> {
    if !lab.spec().accepts.contains(&submission.language) {
        return Err(CompileError {
            message: format!(
                "this lab takes {} ({}), and this is {}",
                lab.spec().title,
                lab.name(),
                submission.language.spec().title
            ),
            line: None,
            column: None,
        });
    }
    (submission.language.spec().build)(submission, runtime).map_err(|mut e| {
        // Text uploaded where a module was wanted: say where text goes here.
        if e.message.ends_with(crate::compile::TEXT_HINT) {
            e.message.pop();
            e.message.push_str(match lab.has_editor() {
                true => ": paste it into the editor instead)",
                false => ": this lab takes a compiled module, so compile it first, for example with `sandlab compile FILE.wat --out FILE.wasm`)",
            });
        }
        e
    })
}

/// Makes a module language's `submission` runnable and compiles it with a
/// call depth cap: for tools and tests that run a file with no lab.
///
/// # Errors
///
/// The submission does not compile (a script language needs its runtime:
/// use [`build`]).
pub fn compile(
    submission: &Submission,
    stack_depth: u32,
) -> Result<crate::sandbox::Program, CompileError> {
    let runnable = build(submission.language, submission, None)?;
    crate::compile::load(&runnable.binary, stack_depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_is_found_by_its_name() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.name()), Some(language));
            assert!(language.spec().accepts.contains(&language), "{language}");
        }
        assert_eq!(Language::parse("cobol"), None);
    }

    #[test]
    fn files_are_classified_by_bytes_then_name() {
        let module = Submission::from_file("x.txt", b"\0asm\x01\0\0\0".to_vec()).unwrap();
        assert_eq!(module.language, Language::Wasm);
        let named = Submission::from_file("x.wasm", b"garbage".to_vec()).unwrap();
        assert_eq!(named.language, Language::Wasm);
        let text = Submission::from_file("x.wat", b"(module)".to_vec()).unwrap();
        assert_eq!(text, Submission::wat("(module)"));
    }

    #[test]
    fn module_languages_take_each_other() {
        let wat = Submission::wat("(module)");
        assert!(
            build(Language::Wasm, &wat, None).is_ok(),
            "a module either way"
        );
        let wasm = Submission::wasm(b"\0asm\x01\0\0\0".to_vec());
        assert!(build(Language::Wat, &wasm, None).is_ok());
    }

    #[test]
    fn text_uploaded_for_a_module_is_told_where_text_goes() {
        let text = Submission::wasm(b"(module)".to_vec());
        let upload = build(Language::Wasm, &text, None).unwrap_err();
        assert!(upload.message.contains("compile it first"), "{upload}");
        assert!(!upload.message.contains("editor"), "{upload}");
        let editor = build(Language::Wat, &text, None).unwrap_err();
        assert!(
            editor.message.contains("paste it into the editor"),
            "{editor}"
        );
    }

    #[test]
    fn non_utf8_text_is_reported_with_position() {
        let e = Submission::from_file("x.wat", b"(module)\n  \xff".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)), "{e}");
    }
}

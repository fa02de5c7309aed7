//! The properties the fuzzers check, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`) and the replay test (`tests/fuzz_corpus.rs`), so a
//! corpus input means the same thing in both. Each function panics when a
//! property fails; any other return means the input was handled.
//!
//! Both includers must also have `support` (tests/support.rs) at their root.

use crate::support::read_tree;
use sandlab::compile;
use sandlab::grade::{self, Grading, Report};
use sandlab::lab::{self, CallCheck, Check, CheckKind, Course, Expect, Files, Lab};
use sandlab::language::{self, Language, Submission};
use sandlab::record;
use sandlab::sandbox::{self, Execution, Program, Request};
use sandlab::vocab::{Limits, ValType, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// The limits fuzzed modules run under: small, so an iteration is quick, and
/// different from the defaults, so hitting each cap is common.
const LIMITS: Limits = Limits {
    fuel: 30_000,
    memory_pages: 32,
    stack_depth: 500,
    output_bytes: 2_048,
};

/// Fuel slices for the differential: one instruction at a time is too slow
/// for a fuzzer, so odd sizes that cut runs at unaligned points instead.
const SLICES: [u64; 3] = [7, 331, 4_999];

/// A lab file: as `lab.toml` of a lab folder and as a `course.toml`. Loading
/// never panics, every diagnostic points inside the file it names, and a lab
/// that loads can be prepared for grading.
pub fn lab_file(data: &[u8]) {
    let mut files = lab_folder();
    files.insert("course/l/lab.toml", data.to_vec());
    let lines = line_count(data);
    match lab::load_lab(&files, "course/l") {
        Ok(mut lab) => {
            // Random checks run the reference solution here.
            let _ = grade::compute_expected(&mut lab);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "an error with no diagnostic");
            for d in &diagnostics {
                assert!(!d.message.is_empty(), "an empty message: {d:?}");
                if d.file == "course/l/lab.toml" {
                    assert!(d.line <= lines, "{d} is past line {lines}");
                }
            }
        }
    }
    let mut files = lab_folder();
    files.insert("course/course.toml", data.to_vec());
    for d in lab::load_courses(&files).diagnostics {
        assert!(!d.message.is_empty(), "an empty message: {d:?}");
        if d.file == "course/course.toml" {
            assert!(d.line <= lines, "{d} is past line {lines}");
        }
    }
}

/// What a lab folder holds besides lab.toml, under the names the built-in
/// labs use, so fuzzed lab files that name them get past the file checks.
fn lab_folder() -> Files {
    let solution = b"(module (func (export \"add\") (param i32 i32) (result i32)\n  local.get 0 local.get 1 i32.add))\n";
    let mut files = Files::default();
    for name in ["README.md", "INSTRUCTIONS.md"] {
        files.insert(format!("course/l/{name}"), b"# A lab\n\nAdd.\n".to_vec());
    }
    for name in ["starter.wat", "begin.wat"] {
        files.insert(format!("course/l/{name}"), b"(module)\n".to_vec());
    }
    for name in ["solution.wat", "answer.wat"] {
        files.insert(format!("course/l/{name}"), solution.to_vec());
    }
    files.insert("course/l/input.txt", b"one\ntwo\n".to_vec());
    files
}

fn line_count(data: &[u8]) -> u32 {
    data.iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

/// WAT source (or any bytes a learner could upload as text). Compiling never
/// panics, a compile error points inside the text, and a module that
/// compiles runs its exports identically however its fuel is sliced.
pub fn wat(data: &[u8]) {
    let lines = line_count(data);
    let submission = match Submission::from_file("main.wat", data.to_vec()) {
        Ok(s) => s,
        Err(e) => {
            assert!(e.line.is_some_and(|l| l <= lines), "{e}");
            return;
        }
    };
    match language::build(submission.language, &submission, None) {
        Ok(runnable) => slices_agree(&runnable.binary.bytes, data),
        Err(e) => {
            assert!(!e.message.is_empty());
            if let Some(line) = e.line {
                assert!(line <= lines, "line {line} of {lines}: {e}");
            }
        }
    }
}

/// A module from wasm-smith, built from the fuzzer's bytes, run through the
/// sandbox and the grader.
pub fn module(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
        return;
    };
    slices_agree(&module.to_bytes(), data);
}

/// The runs grading `data`'s module makes (as [`module`] grades it), each
/// with the outcome wasmi gives: what `examples/engine_jobs.rs` hands the
/// browser's engine to compare against.
#[allow(dead_code)] // used by the example only; the fuzz targets include this file too
pub fn jobs(data: &[u8]) -> Vec<(grade::Job, sandbox::Outcome)> {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
        return Vec::new();
    };
    let wasm = module.to_bytes();
    let Ok(program) = Program::new(&wasm, LIMITS.stack_depth) else {
        return Vec::new();
    };
    let lab = lab_calling(&program, &wasm, data);
    let submission = Submission::wasm(wasm);
    let mut grading = Grading::by_jobs(&lab, &submission);
    let mut jobs = Vec::new();
    while let Some(job) = grading.next_job() {
        let outcome = sandbox::run(&program, job.request.clone());
        grading.complete(outcome.clone());
        jobs.push((job, outcome));
    }
    jobs
}

/// Modules of the WebAssembly features the sandbox's engine accepts, with
/// every item exported (so there is something to call) and free use of the
/// WASI functions the sandbox offers, called with whatever pointers and
/// lengths the generator picks.
fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        available_imports: Some(wasi_imports().to_vec()),
        export_everything: true,
        max_funcs: 12,
        max_instructions: 120,
        max_memories: 2,
        max_tables: 2,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        ..wasm_smith::Config::default()
    }
}

fn wasi_imports() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        compile::wat(
            r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func (param i32) (result i32))))"#,
        )
        .expect("the WASI import list compiles")
    })
}

/// The differential and the limits: every exported function of `wasm`,
/// graded as a lab's checks in one slice and in many small ones, gives the
/// same report, and no run uses more than its limits.
fn slices_agree(wasm: &[u8], seed: &[u8]) {
    let Ok(program) = Program::new(wasm, LIMITS.stack_depth) else {
        return;
    };
    let lab = lab_calling(&program, wasm, seed);
    let submission = Submission::wasm(wasm.to_vec());
    let whole = grade::grade(&lab, &submission);
    for check in &whole.checks {
        assert!(
            check.fuel <= LIMITS.fuel,
            "{}: fuel {} over the limit",
            check.name,
            check.fuel
        );
        let output = check.stdout.len() + check.stderr.len();
        // Lossy UTF-8 may widen a byte to three; the cap is on bytes written.
        assert!(
            output as u64 <= 3 * LIMITS.output_bytes,
            "{}: {output} bytes of output",
            check.name
        );
    }
    for slice in SLICES {
        assert_eq!(sliced(&lab, &submission, slice), whole, "slice {slice}");
    }
    // The sandbox alone, including the output a report does not keep.
    if let Some(check) = lab.checks.first() {
        let CheckKind::Call(call) = &check.kind else {
            return;
        };
        let request = || Request {
            limits: LIMITS,
            ..Request::call(&call.function, call.args.clone())
        };
        let whole = sandbox::run(&program, request());
        assert!(whole.fuel_used <= LIMITS.fuel);
        let written = whole.stdout.len()
            + whole.stderr.len()
            + whole.files.values().map(Vec::len).sum::<usize>();
        assert!(
            written as u64 <= LIMITS.output_bytes,
            "{written} bytes written"
        );
        let mut exec = Execution::start(&program, request());
        while !exec.advance(SLICES[0]) {}
        assert_eq!(exec.finish(), whole, "the sandbox, sliced");
    }
}

fn sliced(lab: &Lab, submission: &Submission, slice: u64) -> Report {
    let mut grading = Grading::new(lab, submission);
    while !grading.step(slice) {}
    grading.report()
}

/// A lab whose checks call each exported function that takes and returns
/// numbers (at most eight), with arguments drawn from `seed`.
fn lab_calling(program: &Program, wasm: &[u8], seed: &[u8]) -> Lab {
    let mut exports = BTreeMap::new();
    let mut checks = Vec::new();
    let mut bytes = seed.iter().copied().cycle();
    for name in exported_functions(wasm).into_iter().take(8) {
        let Some(Ok(sig)) = program.export_sig(&name) else {
            continue;
        };
        let args = sig
            .params
            .iter()
            .map(|ty| {
                let b = bytes.next().unwrap_or(0);
                match ty {
                    ValType::I32 => Value::I32(i32::from(b as i8)),
                    ValType::I64 => Value::I64(i64::from(b) << 33),
                    ValType::F32 => Value::F32(f32::from(b) / 3.0),
                    ValType::F64 => Value::F64(-f64::from(b) / 7.0),
                }
            })
            .collect();
        checks.push(Check {
            name: format!("call {name}"),
            line: 0,
            points: 1,
            hidden: false,
            feedback: None,
            limits: LIMITS,
            budget: None,
            kind_name: "call",
            kind: CheckKind::Call(CallCheck {
                function: name.clone(),
                show: sandlab::vocab::Show::Auto,
                args,
                expect: Expect::Anything,
                tolerance: 0.0,
                memory_before: Vec::new(),
                memory_after: Vec::new(),
            }),
        });
        exports.insert(name, sig);
    }
    Lab {
        id: "fuzz".into(),
        title: "fuzz".into(),
        minutes: 1,
        language: Language::Wasm,
        dir: "fuzz".into(),
        instructions: String::new(),
        starter: None,
        solution: None,
        files: Vec::new(),
        content_hash: String::new(),
        hints: Vec::new(),
        exports,
        limits: LIMITS,
        checks,
        questions: Vec::new(),
        requires: Vec::new(),
        requires_line: 0,
        runtime: None,
        interpreter: None,
    }
}

fn exported_functions(wasm: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ExportSection(reader)) = payload {
            for export in reader.into_iter().flatten() {
                if export.kind == wasmparser::ExternalKind::Func {
                    names.push(export.name.to_string());
                }
            }
        }
    }
    names
}

/// A completion record as an instructor receives it: reading never panics,
/// what reads writes back to the same record, and re-grading it against
/// the built-in course, its CSV and its xAPI statements never panic.
pub fn record(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = record::read(text) else {
        return;
    };
    assert_eq!(
        record::read(&record::write(&parsed)).as_ref(),
        Ok(&parsed),
        "write then read"
    );
    let courses = built_in_courses();
    // A hostile record's submissions are re-graded here, under the labs'
    // limits: the instructor's machine is where they would do harm.
    let _ = record::verify(&parsed, courses);
    let _ = record::csv(&parsed);
    if let Ok(statements) = record::xapi::statements(&parsed, courses) {
        for s in &statements {
            let _ = record::xapi::validate(s);
        }
    }
}

fn built_in_courses() -> &'static [Course] {
    static COURSES: OnceLock<Vec<Course>> = OnceLock::new();
    COURSES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let labs = if root.join("labs").is_dir() {
            root.join("labs")
        } else {
            root.join("../labs")
        };
        let mut loaded = lab::load_courses(&read_tree(&labs));
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        // Courses in a language with a runtime (Python) need the runtime
        // built, and each grading costs a second in an interpreter: records
        // are fuzzed on the module courses, which share all the record code.
        loaded
            .courses
            .retain(|c| c.labs.iter().all(|l| !l.language.needs_runtime()));
        for course in &mut loaded.courses {
            for lab in &mut course.labs {
                grade::compute_expected(lab).expect("built-in labs prepare");
            }
        }
        loaded.courses
    })
}

//! `sandlab run`: one module run in the sandbox, its output passed
//! through and its exit code made ours.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use sandlab::compile;
use sandlab::language::{self, Submission};
use sandlab::sandbox::{self, End, Program, Request};
use sandlab::vocab::{FuncSig, Limits, ValType, Value};
use std::io::{Read as _, Write as _};
use std::path::PathBuf;

/// Run a program in the sandbox with its language's default limits: a
/// WASI command's `_start` (a Python or JavaScript script's code), or the function named
/// by --invoke with ARGS as its arguments. Prints its stdout and stderr as they are, then the exit
/// code and fuel on stderr. Exits with the program's exit code, 125 if
/// it trapped or hit a limit, 2 if the file could not be used.
#[derive(clap::Args)]
pub struct Args {
    /// The program: .wat, .wasm, .py or .js.
    file: PathBuf,
    /// A file to use as stdin (default: this tool's own stdin).
    #[arg(long)]
    stdin: Option<PathBuf>,
    /// Call this exported function instead of `_start`.
    #[arg(long, value_name = "FUNCTION")]
    invoke: Option<String>,
    /// Instruction budget [default: the language's, 10000000 for a module,
    /// 10000000000 for Python].
    #[arg(long)]
    fuel: Option<u64>,
    /// Memory cap in 64 KiB pages [default: the language's, 256 for a
    /// module, 1024 for Python].
    #[arg(long)]
    memory_pages: Option<u32>,
    /// Command-line arguments for the program (after `--`), or the
    /// function's arguments with --invoke.
    #[arg(last = true)]
    args: Vec<String>,
}

pub fn exec(args: Args) -> CliResult {
    let bytes = io::read_submission(&args.file)?;
    let name = args.file.to_string_lossy().into_owned();
    let submission = Submission::from_file(&name, bytes)
        .map_err(|e| CliError::Unusable(format!("{name}: {e}")))?;
    let defaults = submission.language.spec().limits;
    let limits = Limits {
        fuel: args.fuel.unwrap_or(defaults.fuel),
        memory_pages: args.memory_pages.unwrap_or(defaults.memory_pages),
        ..defaults
    };
    let runtime = io::runtime(submission.language)?;
    if submission.language.needs_runtime() && runtime.is_none() {
        return Err(CliError::Unusable(format!(
            "{name}: the {} runtime is not installed: run scripts/{}-runtime",
            submission.language.spec().title,
            submission.language.name()
        )));
    }
    let runnable = language::build(submission.language, &submission, runtime.as_deref())
        .map_err(|e| CliError::Unusable(format!("{name}: {e}")))?;
    let program = compile::load(&runnable.binary, limits.stack_depth)
        .map_err(|e| CliError::Unusable(format!("{name}: {e}")))?;
    let mut request = match &args.invoke {
        Some(function) => call(&program, &name, function, &args.args)?,
        None => {
            let mut r = Request::command();
            r.world.args = args.args;
            r.world.stdin = read_stdin(args.stdin)?;
            r
        }
    };
    request.limits = limits;
    request.world.program_name = args
        .file
        .file_name()
        .map_or("main.wasm".into(), |n| n.to_string_lossy().into_owned());
    runnable.add_world(&mut request);
    let outcome = sandbox::run(&program, request);
    // Passed on byte for byte, as the program wrote it. Our stdout closing
    // early is not the program's failure, so it leaves the exit code alone.
    let _ = std::io::stdout().write_all(&outcome.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&outcome.stderr);
    let fuel = outcome.fuel_used;
    match &outcome.end {
        End::Returned(values) => {
            if !values.is_empty() {
                out!("{}", sandbox::join_values(values));
            }
            eprintln!("[sandlab] exit code 0, fuel {fuel}");
            Ok(())
        }
        End::Exited(code) => {
            eprintln!("[sandlab] exit code {code}, fuel {fuel}");
            // As a shell sees it: the low byte.
            match (*code & 0xff) as u8 {
                0 => Ok(()),
                code => Err(CliError::Exited(code)),
            }
        }
        other => {
            eprintln!("[sandlab] {other} (fuel {fuel})");
            Err(CliError::Stopped)
        }
    }
}

/// The request to call `function` with `args`, each parsed as its
/// parameter's type.
fn call(
    program: &Program,
    name: &str,
    function: &str,
    args: &[String],
) -> Result<Request, CliError> {
    let sig: FuncSig = match program.export_sig(function) {
        Some(Ok(sig)) => sig,
        Some(Err(e)) => return Err(CliError::Unusable(e)),
        None => {
            return Err(CliError::Unusable(format!(
                "{name} does not export `{function}`"
            )));
        }
    };
    if sig.params.len() != args.len() {
        return Err(CliError::Unusable(format!(
            "`{function}` has signature {sig}: give {} argument(s) after --",
            sig.params.len()
        )));
    }
    let values = args
        .iter()
        .zip(&sig.params)
        .map(|(a, t)| parse_arg(a, *t))
        .collect::<Result<Vec<Value>, String>>()
        .map_err(CliError::Unusable)?;
    Ok(Request::call(function, values))
}

fn parse_arg(text: &str, ty: ValType) -> Result<Value, String> {
    let bad = || format!("`{text}` is not an {ty}");
    Ok(match ty {
        ValType::I32 => Value::I32(
            text.parse::<i32>()
                .or_else(|_| text.parse::<u32>().map(|u| u as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Value::I64(
            text.parse::<i64>()
                .or_else(|_| text.parse::<u64>().map(|u| u as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Value::F32(text.parse().map_err(|_| bad())?),
        ValType::F64 => Value::F64(text.parse().map_err(|_| bad())?),
    })
}

/// The program's stdin: the file given, or ours.
fn read_stdin(file: Option<PathBuf>) -> Result<Vec<u8>, CliError> {
    match file {
        Some(path) => std::fs::read(&path).map_err(|error| CliError::Io { path, error }),
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|error| CliError::Io {
                    path: "stdin".into(),
                    error,
                })?;
            Ok(buf)
        }
    }
}

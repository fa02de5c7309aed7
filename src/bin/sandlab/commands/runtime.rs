//! `sandlab runtime`: a script language's runtime built from its
//! interpreter and standard library (for developers; `scripts/python-runtime`
//! calls it with what `scripts/build-python` made).

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use sandlab::language::python;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// Build the Python runtime: the interpreter that `scripts/build-python`
/// made in DIR (python-sandlab.wasm and lib/python3.11), started once in
/// the sandbox with sandlab's harness and the course's standard library,
/// and snapshotted there. Prints the runtime's id.
#[derive(clap::Args)]
pub struct Args {
    /// The folder `scripts/build-python` printed.
    dir: PathBuf,
    /// Where to write the runtime (a .wasm module).
    #[arg(long, short)]
    out: PathBuf,
    /// Another harness than the built-in one (to measure a change).
    #[arg(long)]
    harness: Option<PathBuf>,
    /// Another list of standard modules than the built-in one.
    #[arg(long)]
    stdlib: Option<PathBuf>,
}

pub fn exec(args: Args) -> CliResult {
    let reactor_path = args.dir.join("python-sandlab.wasm");
    let reactor = std::fs::read(&reactor_path).map_err(|error| CliError::Io {
        path: reactor_path,
        error,
    })?;
    let lib = args.dir.join("lib/python3.11");
    let files = io::read_tree(&lib)?;
    let library: BTreeMap<String, Vec<u8>> = files.0;
    let started = Instant::now();
    let read = |path: &Option<PathBuf>, default: &str| match path {
        Some(path) => std::fs::read_to_string(path).map_err(|error| CliError::Io {
            path: path.clone(),
            error,
        }),
        None => Ok(default.to_string()),
    };
    let harness = read(&args.harness, python::HARNESS)?;
    let modules = read(&args.stdlib, python::STDLIB)?;
    let runtime = python::make_runtime_with(&reactor, &library, &harness, &modules)
        .map_err(|e| CliError::Unusable(format!("the Python runtime: {e}")))?;
    let id = sandlab::record::sha256(&runtime);
    std::fs::write(&args.out, &runtime).map_err(|error| CliError::Io {
        path: args.out.clone(),
        error,
    })?;
    out!(
        "{id} {} bytes, built in {:.1} s",
        runtime.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

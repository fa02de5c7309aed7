//! `sandlab runtime`: a script language's runtime built from its
//! interpreter (and standard library) (for developers; `scripts/python-runtime`
//! and `scripts/javascript-runtime` call it with what `scripts/build-python`
//! and `scripts/build-javascript` made).

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use sandlab::language::{javascript, python};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// Build a script language's runtime: the interpreter that
/// `scripts/build-python` (or `scripts/build-javascript`) made in DIR,
/// started once in the sandbox with sandlab's harness (and, for Python, the
/// course's standard library), and snapshotted there. Prints the runtime's id.
#[derive(clap::Args)]
pub struct Args {
    /// The folder `scripts/build-python` or `scripts/build-javascript` printed.
    dir: PathBuf,
    /// The language: python (DIR holds python-sandlab.wasm and
    /// lib/python3.11) or javascript (DIR holds javascript-sandlab.wasm).
    #[arg(long, default_value = "python", value_parser = ["python", "javascript"])]
    language: String,
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
    let reactor_path = args.dir.join(format!("{}-sandlab.wasm", args.language));
    let reactor = std::fs::read(&reactor_path).map_err(|error| CliError::Io {
        path: reactor_path,
        error,
    })?;
    let started = Instant::now();
    let read = |path: &Option<PathBuf>, default: &str| match path {
        Some(path) => std::fs::read_to_string(path).map_err(|error| CliError::Io {
            path: path.clone(),
            error,
        }),
        None => Ok(default.to_string()),
    };
    let runtime = if args.language == "javascript" {
        let harness = read(&args.harness, javascript::HARNESS)?;
        javascript::make_runtime(&reactor, &harness)
            .map_err(|e| CliError::Unusable(format!("the JavaScript runtime: {e}")))?
    } else {
        let lib = args.dir.join("lib/python3.11");
        let library: BTreeMap<String, Vec<u8>> = io::read_tree(&lib)?.0;
        let harness = read(&args.harness, python::HARNESS)?;
        let modules = read(&args.stdlib, python::STDLIB)?;
        python::make_runtime_with(&reactor, &library, &harness, &modules)
            .map_err(|e| CliError::Unusable(format!("the Python runtime: {e}")))?
    };
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

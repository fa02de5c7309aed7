//! `sandlab compile`: WebAssembly text to a binary module, validated
//! first, for authors of `wasm` labs.

use crate::error::{CliError, CliResult};
use crate::io;
use sandlab::compile;
use sandlab::vocab::Limits;
use std::path::PathBuf;

/// Compile WebAssembly text to a binary module (for authors preparing
/// `wasm` labs, whose reference solutions are binaries).
#[derive(clap::Args)]
pub struct Args {
    /// The .wat file.
    file: PathBuf,
    /// Where to write the .wasm.
    #[arg(long, short)]
    out: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let Args { file, out } = args;
    let bytes = io::read_submission(&file)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::Unusable(format!("{} is not UTF-8 text", file.display())))?;
    let unusable =
        |e: compile::CompileError| CliError::Unusable(format!("{}: {e}", file.display()));
    // Validate too, so a module that would not load is never written.
    compile::wat_binary(&text)
        .and_then(|binary| compile::load(&binary, Limits::default().stack_depth))
        .map_err(unusable)?;
    let wasm = compile::wat(&text).map_err(unusable)?;
    std::fs::write(&out, &wasm).map_err(|error| CliError::Io { path: out, error })
}

//! The `sandlab` command-line tool: check labs, grade submissions, run
//! modules. All I/O lives here; the library does none.
//!
//! Each subcommand is a file in `commands/` (its arguments and `exec`);
//! `commands/mod.rs` is the table of them. What they read and write is in
//! `io.rs`; a command that fails returns a `CliError` (`error.rs`), which
//! `report` below prints, the one place an error reaches the person.

#[cfg(not(target_arch = "wasm32"))]
mod app;
#[cfg(not(target_arch = "wasm32"))]
mod commands;
#[cfg(not(target_arch = "wasm32"))]
mod error;
#[cfg(not(target_arch = "wasm32"))]
mod io;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
#[cfg(not(target_arch = "wasm32"))]
mod site;
#[cfg(not(target_arch = "wasm32"))]
mod zip;

/// Hands-on programming labs in the browser: write courses, check and
/// preview them, build the site, grade and verify learners' work.
#[cfg(not(target_arch = "wasm32"))]
#[derive(clap::Parser)]
#[command(name = "sandlab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser as _;
    let cli = Cli::parse();
    match cli.command.exec() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => report(&e).into(),
    }
}

/// Tells the person what went wrong, unless the command already has, and
/// gives the exit code for it.
#[cfg(not(target_arch = "wasm32"))]
fn report(error: &error::CliError) -> u8 {
    if !error.is_reported() {
        eprintln!("error: {error}");
    }
    error.exit_code()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

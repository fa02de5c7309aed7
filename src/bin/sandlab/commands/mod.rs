//! The table of subcommands. Each lives in its own file with its
//! arguments (`Args`, whose doc comments are its help) and an `exec` that
//! does the work and returns a `CliResult`; this file names them, in the
//! order `sandlab --help` lists them. To add one: a file here, a `mod`
//! line, a variant and its arm in `exec`.

use crate::error::CliResult;

mod build;
mod bundle;
mod check;
mod compile;
mod grade;
mod gradebook;
mod list;
mod new;
mod package;
mod record;
mod report;
mod run;
mod runtime;
mod serve;
mod verify;
mod xapi;

#[derive(clap::Subcommand)]
pub enum Command {
    New(new::Args),
    Serve(serve::Args),
    Build(build::Args),
    Package(package::Args),
    Check(check::Args),
    Grade(grade::Args),
    Run(run::Args),
    Bundle(bundle::Args),
    Compile(compile::Args),
    Record(record::Args),
    Verify(verify::Args),
    Gradebook(gradebook::Args),
    Report(report::Args),
    Xapi(xapi::Args),
    List(list::Args),
    Runtime(runtime::Args),
}

impl Command {
    pub fn exec(self) -> CliResult {
        match self {
            Command::New(args) => new::exec(args),
            Command::Serve(args) => serve::exec(args),
            Command::Build(args) => build::exec(args),
            Command::Package(args) => package::exec(args),
            Command::Check(args) => check::exec(args),
            Command::Grade(args) => grade::exec(args),
            Command::Run(args) => run::exec(args),
            Command::Bundle(args) => bundle::exec(args),
            Command::Compile(args) => compile::exec(args),
            Command::Record(args) => record::exec(args),
            Command::Verify(args) => verify::exec(args),
            Command::Gradebook(args) => gradebook::exec(args),
            Command::Report(args) => report::exec(args),
            Command::Xapi(args) => xapi::exec(args),
            Command::List(args) => list::exec(args),
            Command::Runtime(args) => runtime::exec(args),
        }
    }
}

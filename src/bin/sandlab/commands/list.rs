//! `sandlab list`: the courses and labs under a folder, one line each.

use crate::error::{CliError, CliResult};
use crate::io::{self, out, prefixed};
use sandlab::lab;
use std::path::PathBuf;

/// List the courses and labs under DIR.
#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "labs")]
    dir: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let dir = &args.dir;
    let files = io::read_tree(dir)?;
    let loaded = lab::load_courses(&files);
    for course in &loaded.courses {
        out!(
            "{} — {} ({} labs)",
            course.id,
            course.title,
            course.labs.len()
        );
        for lab in &course.labs {
            out!(
                "  {:<24} {:<40} {:>3} min  {} pts  {}",
                lab.id,
                lab.title,
                lab.minutes,
                lab.max_score(),
                lab.language.name()
            );
        }
    }
    for d in &loaded.diagnostics {
        eprintln!("{}", prefixed(dir, d));
    }
    if loaded.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

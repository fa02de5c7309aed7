//! `sandlab check`: every course and lab under a folder validated, and
//! proved: each reference solution passes every check, each starter
//! compiles, exports what the lab declares and fails a check.

use crate::error::{CliError, CliResult};
use crate::io::{self, out, prefixed};
use sandlab::grade;
use sandlab::lab::{self, Lab};
use std::path::{Path, PathBuf};

/// Validate every course and lab under DIR: report each problem with
/// file:line, prove every reference solution passes every check and every
/// starter fails at least one. Exits 0 only if all is well.
#[derive(clap::Args)]
pub struct Args {
    /// The labs folder.
    #[arg(default_value = "labs")]
    dir: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let dir = &args.dir;
    let files = io::read_tree(dir)?;
    let mut loaded = lab::load_courses(&files);
    io::attach_runtimes(loaded.courses.iter_mut().flat_map(|c| c.labs.iter_mut()))?;
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| prefixed(dir, d))
        .collect();
    let mut labs = 0;
    for course in &loaded.courses {
        for lab in &course.labs {
            labs += 1;
            problems.extend(prove(dir, lab));
        }
    }
    for p in &problems {
        out!("{p}");
    }
    let courses = loaded.courses.len();
    if problems.is_empty() {
        out!(
            "checked {courses} course(s), {labs} lab(s): every solution passes, every starter fails"
        );
        Ok(())
    } else {
        out!(
            "{} problem(s) in {courses} course(s), {labs} lab(s)",
            problems.len()
        );
        Err(CliError::Failed)
    }
}

/// Proves a lab ([`grade::prove`]): each problem at lab.toml, with the
/// line of the check it concerns.
fn prove(root: &Path, lab: &Lab) -> Vec<String> {
    let toml = root.join(&lab.dir).join("lab.toml");
    grade::prove(lab)
        .into_iter()
        .map(|p| match p.line {
            Some(line) => format!("{}:{line}:1: {p}", toml.display()),
            None => format!("{}: {p}", toml.display()),
        })
        .collect()
}

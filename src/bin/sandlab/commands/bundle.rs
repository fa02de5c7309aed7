//! `sandlab bundle`: the labs as the browser gets them (no reference
//! solutions; random checks' expected values computed here from them).

use crate::error::{CliError, CliResult};
use crate::io::{self, prefixed};
use sandlab::{grade, lab};
use std::path::PathBuf;

/// Write the browser bundle: the labs under DIR without their reference
/// solutions, with random checks' expected values computed from them.
#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "labs")]
    dir: PathBuf,
    /// Where to write the bundle (JSON).
    #[arg(long, short)]
    out: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let Args { dir, out } = args;
    let files = io::read_tree(&dir)?;
    let mut loaded = lab::load_courses(&files);
    io::attach_runtimes(loaded.courses.iter_mut().flat_map(|c| c.labs.iter_mut()))?;
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| prefixed(&dir, d))
        .collect();
    for course in &mut loaded.courses {
        for lab in &mut course.labs {
            if let Err(e) = grade::compute_expected(lab) {
                problems.push(format!(
                    "{}: {e}",
                    dir.join(&lab.dir).join("lab.toml").display()
                ));
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        return Err(CliError::LabsHaveProblems);
    }
    let text = lab::make_bundle(&files, &loaded.courses);
    if let Some(parent) = out.parent() {
        // A folder that cannot be made shows up as the write's error below.
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(&out, &text).map_err(|error| CliError::Io {
        path: out.clone(),
        error,
    })?;
    let labs: usize = loaded.courses.iter().map(|c| c.labs.len()).sum();
    eprintln!(
        "wrote {} ({} course(s), {labs} lab(s), {} bytes)",
        out.display(),
        loaded.courses.len(),
        text.len()
    );
    Ok(())
}

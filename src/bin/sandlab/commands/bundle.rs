//! `sandlab bundle`: the labs as the browser gets them (no reference
//! solutions; random checks' expected values computed here from them).

use crate::error::{CliError, CliResult};
use crate::io::{self, prefixed};
use crate::site;
use sandlab::lab::RuntimeFile;
use sandlab::{grade, lab};
use std::path::{Path, PathBuf};

/// Write the browser bundle: the labs under DIR without their reference
/// solutions, with random checks' expected values computed from them.
#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "labs")]
    dir: PathBuf,
    /// Where to write the bundle (JSON).
    #[arg(long, short)]
    out: PathBuf,
    /// Where to write the language runtimes the labs need (gzipped, named
    /// by their hash: `python-0123abcd….wasm.gz`); the bundle names them as
    /// `runtimes/…`, beside the app.
    #[arg(long)]
    runtimes: Option<PathBuf>,
}

pub fn exec(args: Args) -> CliResult {
    let Args { dir, out, runtimes } = args;
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
    let files_of_runtimes = match &runtimes {
        Some(folder) => write_runtimes(folder, &loaded.courses)?,
        None => Vec::new(),
    };
    let text = lab::make_bundle(&files, &loaded.courses, &files_of_runtimes);
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

/// Writes, gzipped, the runtime every lab of the courses uses (its
/// language's, or its course's own interpreter), into `folder` (whose old
/// runtimes are left alone: a page still open may want them).
fn write_runtimes(folder: &Path, courses: &[lab::Course]) -> Result<Vec<RuntimeFile>, CliError> {
    std::fs::create_dir_all(folder).map_err(|error| CliError::Io {
        path: folder.to_path_buf(),
        error,
    })?;
    let mut out = Vec::new();
    for (file, runtime) in site::runtimes(courses)? {
        let name = file.file.rsplit('/').next().unwrap_or(&file.file);
        let path = folder.join(name);
        if !path.is_file() {
            let bytes = site::runtime_bytes(&file, &runtime)?;
            std::fs::write(&path, bytes).map_err(|error| CliError::Io {
                path: path.clone(),
                error,
            })?;
        }
        out.push(file);
    }
    Ok(out)
}

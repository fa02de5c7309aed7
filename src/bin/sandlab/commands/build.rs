//! `sandlab build`: the website of an author's courses, for any web server
//! or folder.

use crate::error::{CliError, CliResult};
use crate::io::out;
use crate::site::{self, Sources};
use crate::{app, io};
use std::path::{Path, PathBuf};

/// Write the website of the courses in DIR… to OUT: the app, the courses
/// (checked as `sandlab check` checks them: any problem stops the build),
/// the language runtimes their labs download and the images their
/// instructions show. Never a reference solution. Any web server serves
/// OUT as it is.
#[derive(clap::Args)]
pub struct Args {
    /// Course folders (or folders of courses).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The site's folder: new, empty, or a site this command wrote before
    /// (which it replaces).
    #[arg(long, short)]
    out: PathBuf,
}

/// The file that marks a folder as a site `sandlab build` wrote, which a
/// later build may replace.
const MARKER: &str = ".sandlab-site";

pub fn exec(args: Args) -> CliResult {
    app::files()?;
    let sources = Sources::new(&args.dirs)?;
    let out_dir = &args.out;
    refuse_unsafe_out(out_dir, &sources)?;
    let files = sources.read()?;
    let courses = site::prepare_all_or_nothing(
        &sources,
        &files,
        "nothing was written (`sandlab serve` shows them as you fix them)",
    )?;
    let site_files = site::site_files(&files, &courses, &[])?;

    // Written beside, then swapped in: a reader never sees half a site, and
    // a failed build leaves the last one.
    let partial = sibling(out_dir, "partial");
    let _ = std::fs::remove_dir_all(&partial);
    let mut written = 0u64;
    let mut write = |rel: &str, bytes: &[u8]| -> Result<(), CliError> {
        let path = partial.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io::io_error(parent))?;
        }
        written += bytes.len() as u64;
        std::fs::write(&path, bytes).map_err(io::io_error(&path))
    };
    for (name, bytes) in &site_files {
        write(name, bytes)?;
    }
    let images = site_files
        .iter()
        .filter(|(n, _)| n.starts_with("files/"))
        .count();
    write(
        MARKER,
        b"Written by `sandlab build`, which replaces this folder when it builds again.\n",
    )?;
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir).map_err(io::io_error(out_dir))?;
    }
    std::fs::rename(&partial, out_dir).map_err(io::io_error(out_dir))?;

    let labs: usize = courses.iter().map(|c| c.labs.len()).sum();
    out!(
        "wrote {}: {} course(s), {labs} lab(s), {} image(s), {:.1} MB. Any web server serves it as it is, e.g.:",
        out_dir.display(),
        courses.len(),
        images,
        written as f64 / 1e6
    );
    out!(
        "  python3 -m http.server --bind 127.0.0.1 --directory {} 8000",
        out_dir.display()
    );
    Ok(())
}

/// Refuses an OUT inside a course folder (the next read would take the site
/// for course files) or holding anything this command did not write.
fn refuse_unsafe_out(out_dir: &Path, sources: &Sources) -> Result<(), CliError> {
    let absolute = absolute(out_dir);
    for dir in sources.dirs() {
        let dir = absolute_existing(dir);
        if absolute.starts_with(&dir) || dir.starts_with(&absolute) {
            return Err(CliError::Unusable(format!(
                "--out {} is inside the course folder {} (or holds it): put the site somewhere else",
                out_dir.display(),
                dir.display()
            )));
        }
    }
    if out_dir.is_file() {
        return Err(CliError::Unusable(format!(
            "--out {} is a file: give a folder",
            out_dir.display()
        )));
    }
    let has_files = std::fs::read_dir(out_dir).is_ok_and(|mut e| e.next().is_some());
    if has_files && !out_dir.join(MARKER).is_file() {
        return Err(CliError::Unusable(format!(
            "--out {} has files `sandlab build` did not write: give a new or empty folder",
            out_dir.display()
        )));
    }
    Ok(())
}

fn absolute_existing(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

/// `path` made absolute, its existing part with links resolved.
fn absolute(path: &Path) -> PathBuf {
    let full = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path));
    let mut existing = full.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return full,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    out
}

/// `site` → `site.partial` beside it.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!("{name}.{suffix}"))
}

//! `sandlab new`: a course to start from, with one lab, that passes
//! `sandlab check` as written and whose comments teach the format.

use crate::error::{CliError, CliResult};
use crate::io::out;
use std::path::{Path, PathBuf};

/// Write a new course into DIR (which must not exist, or be empty): a
/// course.toml and one Python lab (instructions, starter, solution, checks),
/// commented. Then `sandlab serve DIR` previews it as you edit.
#[derive(clap::Args)]
pub struct Args {
    /// The course's folder.
    dir: PathBuf,
    /// The course's id (default: from the folder's name).
    #[arg(long)]
    id: Option<String>,
    /// The course's title (default: from the folder's name).
    #[arg(long)]
    title: Option<String>,
}

/// The template, file by file (`src/bin/sandlab/template/`).
const TEMPLATE: &[(&str, &str)] = &[
    ("course.toml", include_str!("../template/course.toml")),
    (
        "first-lab/lab.toml",
        include_str!("../template/first-lab/lab.toml"),
    ),
    (
        "first-lab/README.md",
        include_str!("../template/first-lab/README.md"),
    ),
    (
        "first-lab/starter.py",
        include_str!("../template/first-lab/starter.py"),
    ),
    (
        "first-lab/solution.py",
        include_str!("../template/first-lab/solution.py"),
    ),
];

pub fn exec(args: Args) -> CliResult {
    let dir = &args.dir;
    // Nothing of the author's is overwritten: only a new or empty folder.
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(CliError::Unusable(format!(
            "{} already has files in it: give `sandlab new` a new folder",
            dir.display()
        )));
    }
    if dir.is_file() {
        return Err(CliError::Unusable(format!(
            "{} is a file: give `sandlab new` a new folder",
            dir.display()
        )));
    }
    let name = folder_name(dir);
    let id = args.id.unwrap_or_else(|| slug(&name));
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(CliError::Unusable(format!(
            "`{id}` cannot be a course id: use letters, digits and `-` (--id)"
        )));
    }
    let title = args.title.unwrap_or_else(|| title(&name));
    for (path, text) in TEMPLATE {
        let text = text
            .replace("COURSE_ID", &id)
            .replace("COURSE_TITLE", &title.replace('"', "'"));
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|error| CliError::Io {
                path: parent.to_path_buf(),
                error,
            })?;
        }
        std::fs::write(&file, text).map_err(|error| CliError::Io { path: file, error })?;
    }
    let shown = dir.display();
    out!("wrote the course `{id}` in {shown}, with one lab (first-lab). Next:");
    out!("  sandlab serve {shown}                 # preview it; the page follows your edits");
    out!("  sandlab check {shown}                 # every solution passes, every starter fails");
    out!("  sandlab build {shown} --out site      # the website to publish");
    Ok(())
}

/// The last part of `dir` as given (or of the working folder for `.`).
fn folder_name(dir: &Path) -> String {
    let named = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..");
    named
        .or_else(|| {
            std::env::current_dir()
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "course".into())
}

/// `My Course 2` → `my-course-2`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `intro-to-python` → `Intro to python`.
fn title(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My course".into(),
    }
}

//! A site: the web app inside this binary, the courses of an author's
//! folders as its bundle, the language runtimes their labs download, and
//! the images their instructions show. `sandlab build` writes one to a
//! folder; `sandlab serve` serves one from memory and follows the folders.

use crate::error::CliError;
use crate::io::{self, located};
use sandlab::grade;
use sandlab::lab::{self, Course, Files, Lab, Preview, RuntimeFile};
use sandlab::language::Runtime;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::app::app_file;

/// The author's folders, each a course or a folder of courses. One folder
/// is read as it is; several each go under their own name, so two courses'
/// files cannot collide.
pub struct Sources {
    dirs: Vec<(String, PathBuf)>,
}

impl Sources {
    pub fn new(dirs: &[PathBuf]) -> Result<Sources, CliError> {
        if dirs.is_empty() {
            return Err(CliError::Unusable("give at least one course folder".into()));
        }
        let mut out: Vec<(String, PathBuf)> = Vec::new();
        for dir in dirs {
            if !dir.is_dir() {
                return Err(CliError::Unusable(format!(
                    "{} is not a folder",
                    dir.display()
                )));
            }
            let prefix = if dirs.len() == 1 {
                String::new()
            } else {
                let name = std::fs::canonicalize(dir)
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "course".into());
                let mut unique = name.clone();
                let mut n = 2;
                while out.iter().any(|(p, _)| *p == format!("{unique}/")) {
                    unique = format!("{name}-{n}");
                    n += 1;
                }
                format!("{unique}/")
            };
            out.push((prefix, dir.clone()));
        }
        Ok(Sources { dirs: out })
    }

    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.dirs.iter().map(|(_, d)| d.as_path())
    }

    /// Every file of every folder, under its prefix.
    pub fn read(&self) -> Result<Files, CliError> {
        let mut files = Files::default();
        for (prefix, dir) in &self.dirs {
            for (path, bytes) in io::read_tree(dir)?.0 {
                files.insert(format!("{prefix}{path}"), bytes);
            }
        }
        Ok(files)
    }

    /// Where a file of [`Sources::read`] is on disk.
    pub fn path_of(&self, file: &str) -> PathBuf {
        for (prefix, dir) in &self.dirs {
            if !prefix.is_empty()
                && let Some(rest) = file.strip_prefix(prefix.as_str())
            {
                return dir.join(rest);
            }
        }
        self.dirs[0].1.join(file)
    }

    /// A problem found in the files, with its path on disk.
    pub fn problem(&self, d: &lab::Diagnostic) -> String {
        located(&self.path_of(&d.file), d)
    }
}

/// The courses of some files, checked as `sandlab check` does and
/// prepared for the browser, or every problem found.
pub struct Prepared {
    pub courses: Vec<Course>,
    pub problems: Vec<String>,
}

/// The courses of `files`, ready to publish: any lab with a problem stops
/// it, each problem printed, then how many and that `nothing` (what was not
/// written, and what to do).
pub fn prepare_all_or_nothing(
    sources: &Sources,
    files: &Files,
    nothing: &str,
) -> Result<Vec<Course>, CliError> {
    let prepared = prepare(sources, files, &mut Proved::default())?;
    if prepared.problems.is_empty() {
        return Ok(prepared.courses);
    }
    for p in &prepared.problems {
        eprintln!("{p}");
    }
    eprintln!("{} problem(s): {nothing}", prepared.problems.len());
    Err(CliError::LabsHaveProblems)
}

/// Labs already proved, by the hash of everything they are made of, so a
/// preview re-proves only the labs an edit touched.
#[derive(Default)]
pub struct Proved(BTreeMap<String, (Lab, Vec<String>)>);

/// Loads, checks and prepares the courses of `files` (from `sources`),
/// reusing what `proved` holds for labs that did not change.
pub fn prepare(
    sources: &Sources,
    files: &Files,
    proved: &mut Proved,
) -> Result<Prepared, CliError> {
    let mut loaded = lab::load_courses(files);
    io::attach_runtimes(loaded.courses.iter_mut().flat_map(|c| c.labs.iter_mut()))?;
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| sources.problem(d))
        .collect();
    let mut seen = BTreeMap::new();
    for course in &mut loaded.courses {
        let course_toml = files
            .get(&join(&course.dir, "course.toml"))
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        for lab in &mut course.labs {
            let key = lab_hash(
                files,
                &lab.dir,
                &course_toml,
                lab.runtime.as_ref().map(|r| r.id.as_str()),
            );
            let (prepared, found) = match proved.0.get(&key) {
                Some((prepared, found)) => (prepared.clone(), found.clone()),
                None => {
                    let toml = sources.path_of(&join(&lab.dir, "lab.toml"));
                    let mut found: Vec<String> = grade::prove(lab)
                        .into_iter()
                        .map(|p| match p.line {
                            Some(line) => format!("{}:{line}:1: {p}", toml.display()),
                            None => format!("{}: {p}", toml.display()),
                        })
                        .collect();
                    let mut prepared = lab.clone();
                    if let Err(e) = grade::compute_expected(&mut prepared) {
                        found.push(format!("{}: {e}", toml.display()));
                    }
                    (prepared, found)
                }
            };
            problems.extend(found.iter().cloned());
            seen.insert(key, (prepared.clone(), found));
            *lab = prepared;
        }
    }
    // Forget labs that are gone, so the cache does not grow with every edit.
    proved.0 = seen;
    Ok(Prepared {
        courses: loaded.courses,
        problems,
    })
}

/// A hash of a lab's files (solution included: its values feed random
/// checks), its course's file and its runtime.
fn lab_hash(files: &Files, dir: &str, course_toml: &[u8], runtime: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    let inside = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    for (path, bytes) in &files.0 {
        if path.starts_with(&inside) {
            hash.update(path.as_bytes());
            hash.update([0]);
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        }
    }
    hash.update(course_toml);
    hash.update(runtime.unwrap_or_default().as_bytes());
    sandlab::record::sha256(&hash.finalize())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The runtimes the courses' labs download, as the app has them, each
/// with the runtime itself (the labs have them attached).
///
/// # Errors
///
/// A lab needs a runtime that is not installed.
pub fn runtimes(courses: &[Course]) -> Result<Vec<(RuntimeFile, Arc<Runtime>)>, CliError> {
    let mut out: Vec<(RuntimeFile, Arc<Runtime>)> = Vec::new();
    for lab in courses.iter().flat_map(|c| &c.labs) {
        let Some(runtime) = &lab.runtime else {
            if lab.language.needs_runtime() && lab.interpreter.is_none() {
                return Err(CliError::Unusable(format!(
                    "the {} runtime is not installed: run scripts/{}-runtime",
                    lab.language.spec().title,
                    lab.language.name()
                )));
            }
            continue;
        };
        let key = lab.runtime_key();
        if out.iter().any(|(r, _)| r.language == key) {
            continue;
        }
        out.push((
            RuntimeFile {
                file: RuntimeFile::path(lab.language.name(), &runtime.id),
                language: key,
                id: runtime.id.clone(),
            },
            runtime.clone(),
        ));
    }
    Ok(out)
}

/// The gzipped runtime a [`RuntimeFile`] names: the app's own copy when it
/// is that one, else `runtime` gzipped here.
pub fn runtime_bytes(file: &RuntimeFile, runtime: &Runtime) -> Result<Vec<u8>, CliError> {
    if let Some(bytes) = app_file(&file.file) {
        return Ok(bytes.to_vec());
    }
    // Gzipping 11 MB takes a second or two: once per process (a preview
    // asks again on every save).
    static GZIPPED: std::sync::Mutex<BTreeMap<String, Vec<u8>>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut gzipped = GZIPPED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(bytes) = gzipped.get(&file.id) {
        return Ok(bytes.clone());
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let bytes = std::io::Write::write_all(&mut gz, &runtime.binary.bytes)
        .and_then(|()| gz.finish())
        .map_err(|error| CliError::Io {
            path: file.file.clone().into(),
            error,
        })?;
    gzipped.insert(file.id.clone(), bytes.clone());
    Ok(bytes)
}

/// The files of the site of `courses` (read from `files`), by path: the
/// app, its page (whose CSP lets it connect to the courses' LRSs and to
/// `connect`), `courses.json`, the runtimes the labs use, the images.
pub fn site_files(
    files: &Files,
    courses: &[Course],
    connect: &[String],
) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let app = crate::app::files()?;
    let runtimes = runtimes(courses)?;
    let listed: Vec<RuntimeFile> = runtimes.iter().map(|(f, _)| f.clone()).collect();
    let bundle = bundle(files, courses, &listed, None);
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in app {
        // Runtimes go in only for the languages the courses use.
        if name.starts_with("runtimes/") || *name == "index.html" {
            continue;
        }
        out.push((name.to_string(), bytes.to_vec()));
    }
    let mut origins = connect_origins(&bundle);
    origins.extend(connect.iter().cloned());
    out.push(("index.html".into(), index_html(&origins)));
    for (file, runtime) in &runtimes {
        out.push((file.file.clone(), runtime_bytes(file, runtime)?));
    }
    for (path, bytes) in course_files(files, courses) {
        out.push((format!("files/{path}"), bytes));
    }
    out.push(("courses.json".into(), bundle.into_bytes()));
    Ok(out)
}

/// The bundle of `courses`, with `preview`'s fields when serving.
pub fn bundle(
    files: &Files,
    courses: &[Course],
    runtimes: &[RuntimeFile],
    preview: Option<&Preview>,
) -> String {
    let text = lab::make_bundle(files, courses, runtimes);
    match preview {
        Some(p) => lab::with_preview(&text, p),
        None => text,
    }
}

/// The app's page with its Content-Security-Policy allowing `connect` (the
/// courses' LRS origins) besides the site itself, and nothing else: the
/// app's own build may have named other courses' origins.
pub fn index_html(connect: &[String]) -> Vec<u8> {
    let page = String::from_utf8_lossy(app_file("index.html").unwrap_or_default()).into_owned();
    let Some(start) = page.find("connect-src ") else {
        return page.into_bytes();
    };
    let end = page[start..].find(';').map_or(page.len(), |e| start + e);
    let mut directive = String::from("connect-src 'self'");
    for origin in connect {
        // The bundle's origins are checked URLs; anything that could end
        // the directive is refused all the same.
        if !origin.is_empty() && !origin.contains([';', ',', '\'', '"', ' ']) {
            directive.push(' ');
            directive.push_str(origin);
        }
    }
    format!("{}{directive}{}", &page[..start], &page[end..]).into_bytes()
}

/// The LRS origins a bundle names.
pub fn connect_origins(bundle: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(bundle).unwrap_or_default();
    json["connect"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Files of the courses a site serves beside the bundle, for instructions
/// to show: images, by their path in the sources. Never a solution, and
/// nothing but the image types a page may show.
pub fn course_files(files: &Files, courses: &[Course]) -> Vec<(String, Vec<u8>)> {
    let solutions: Vec<String> = courses
        .iter()
        .flat_map(|c| &c.labs)
        .map(|l| join(&l.dir, l.language.spec().solution))
        .collect();
    files
        .0
        .iter()
        .filter(|(path, _)| is_image(path) && !solutions.contains(path))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Whether a file is an image instructions may show.
pub fn is_image(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The content type of a site's file.
pub fn content_type(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    match lower.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

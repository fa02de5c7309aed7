//! What the commands read and write, in one place: lab folders, one lab,
//! the prepared courses, submissions, answers and records from disk; the
//! clock; and stdout through `out!`. Each failure becomes a `CliError`
//! that names the file.

use crate::error::{CliError, RecordError};
use sandlab::compile::CompileError;
use sandlab::grade;
use sandlab::lab::{self, Files, Lab};
use sandlab::language::{Language, Runtime, Submission};
use sandlab::record::{self, Record};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// `println!` for the CLI's output: when the reader has gone away (`sandlab
/// gradebook … | head`), exit quietly as Unix tools do, instead of the
/// panic `println!` gives on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::io::write_out(format_args!($($arg)*))
    };
}
pub(crate) use out;

pub fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // Commands print from deep inside; rather than a `?` on every `out!`,
        // this one failure is reported here, by the same `report` as the
        // others, and ends the process.
        std::process::exit(crate::report(&CliError::Output(e)).into());
    }
}

/// Largest file read into a lab: larger ones are almost surely a mistake.
const MAX_LAB_FILE: u64 = 16 * 1024 * 1024;
/// Largest submission accepted, the same cap the browser applies.
const MAX_SUBMISSION: u64 = 16 * 1024 * 1024;

/// Turns a failure to read or write `path` into the error that names it.
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |error| CliError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Reads every file under `root` into a [`Files`] map keyed by relative path.
pub fn read_tree(root: &Path) -> Result<Files, CliError> {
    let mut files = Files::default();
    let meta = std::fs::metadata(root).map_err(io_error(root))?;
    if !meta.is_dir() {
        return Err(CliError::Unusable(format!(
            "{} is not a folder",
            root.display()
        )));
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io_error(&dir))? {
            let entry = entry.map_err(io_error(&dir))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            let meta = entry.metadata().map_err(io_error(&path))?;
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && meta.len() <= MAX_LAB_FILE {
                let rel = path
                    .strip_prefix(root)
                    .map_err(|e| CliError::Unusable(e.to_string()))?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(&path).map_err(io_error(&path))?;
                files.insert(rel, bytes);
            }
        }
    }
    Ok(files)
}

/// A lab file's problem, named by its path under `root`.
pub fn prefixed(root: &Path, d: &lab::Diagnostic) -> String {
    located(&root.join(&d.file), d)
}

/// A lab file's problem, its file at `file`.
pub fn located(file: &Path, d: &lab::Diagnostic) -> String {
    if d.line == 0 {
        format!("{}: {}", file.display(), d.message)
    } else {
        format!("{}:{}:{}: {}", file.display(), d.line, d.column, d.message)
    }
}

/// The lab in folder `dir`, with random checks prepared.
///
/// # Errors
///
/// [`CliError::Lab`], saying why: the folder cannot be read or holds no
/// lab.toml, the lab's files have problems (all of them), or its expected
/// values cannot be computed.
pub fn load_lab(dir: &Path) -> Result<Lab, CliError> {
    let load = || {
        if !dir.join("lab.toml").is_file() {
            return Err(CliError::Unusable(format!(
                "{} holds no lab.toml: give the folder of a lab",
                dir.display()
            )));
        }
        // Read with its course when it has one: the course may bring the
        // interpreter the lab's language runs in.
        let (root, name) = match (dir.parent(), dir.file_name().and_then(|n| n.to_str())) {
            (Some(course), Some(name)) if course.join("course.toml").is_file() => {
                (course.to_path_buf(), name.to_string())
            }
            _ => (dir.to_path_buf(), String::new()),
        };
        let files = read_tree(&root)?;
        let mut lab = lab::load_lab(&files, &name).map_err(|ds| {
            CliError::Unusable(
                ds.iter()
                    .map(|d| prefixed(&root, d))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
        attach_runtimes(std::iter::once(&mut lab))?;
        grade::compute_expected(&mut lab)
            .map_err(|e| CliError::Unusable(format!("{}: {e}", dir.join("lab.toml").display())))?;
        Ok(lab)
    };
    load().map_err(|why| CliError::Lab(Box::new(why)))
}

/// Every course under `dir`, with random checks prepared: what records are
/// graded and verified against.
///
/// # Errors
///
/// The folder cannot be read, or any lab has a problem (all are listed).
pub fn load_prepared(dir: &Path) -> Result<Vec<lab::Course>, CliError> {
    let files = read_tree(dir)?;
    let mut loaded = lab::load_courses(&files);
    if !loaded.diagnostics.is_empty() {
        let problems: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| prefixed(dir, d))
            .collect();
        return Err(CliError::Unusable(format!(
            "the labs have problems (see `sandlab check`):\n{}",
            problems.join("\n")
        )));
    }
    attach_runtimes(loaded.courses.iter_mut().flat_map(|c| c.labs.iter_mut()))?;
    for course in &mut loaded.courses {
        for lab in &mut course.labs {
            grade::compute_expected(lab).map_err(|e| {
                CliError::Unusable(format!(
                    "{}: {e}",
                    dir.join(&lab.dir).join("lab.toml").display()
                ))
            })?;
        }
    }
    Ok(loaded.courses)
}

/// The interpreter `language` runs in, as `scripts/<language>-runtime` installs
/// it: `$SANDLAB_RUNTIMES/<language>.wasm`, else
/// `~/.cache/sandlab/runtimes/<language>.wasm`. `None` when there is none:
/// the language's labs then say so in every check. Read once per process.
///
/// # Errors
///
/// The file is there but cannot be read.
pub fn runtime(language: Language) -> Result<Option<Arc<Runtime>>, CliError> {
    static LOADED: Mutex<BTreeMap<Language, Option<Arc<Runtime>>>> = Mutex::new(BTreeMap::new());
    if !language.needs_runtime() {
        return Ok(None);
    }
    let mut loaded = LOADED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = loaded.get(&language) {
        return Ok(found.clone());
    }
    let dir = std::env::var_os("SANDLAB_RUNTIMES")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/sandlab/runtimes"))
        });
    let path = dir.map(|d| d.join(format!("{}.wasm", language.name())));
    let found = match path.filter(|p| p.is_file()) {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(io_error(&path))?;
            let runtime = Runtime::load(language, bytes).map_err(|why| {
                CliError::Unusable(format!(
                    "the {} runtime {} cannot be used: {why}; rebuild it with scripts/{}-runtime",
                    language.spec().title,
                    path.display(),
                    language.name()
                ))
            })?;
            Some(runtime)
        }
        // An instructor with only this binary grades with the runtime the
        // app inside it carries.
        None => match crate::app::runtime(language) {
            Some(bytes) => Some(Runtime::load(language, bytes).map_err(|why| {
                CliError::Unusable(format!(
                    "the {} runtime inside this sandlab cannot be used: {why}",
                    language.spec().title
                ))
            })?),
            None => None,
        },
    };
    loaded.insert(language, found.clone());
    Ok(found)
}

/// Gives each lab the runtime its language runs in, where one is installed.
pub fn attach_runtimes<'l>(labs: impl Iterator<Item = &'l mut Lab>) -> Result<(), CliError> {
    // A course's own interpreter came with the course.
    for lab in labs.filter(|l| l.interpreter.is_none()) {
        if let Some(runtime) = runtime(lab.language)? {
            lab.attach(&runtime);
        }
    }
    Ok(())
}

/// The bytes of a submission file, refused above the browser's size cap.
pub fn read_submission(file: &Path) -> Result<Vec<u8>, CliError> {
    let meta = std::fs::metadata(file).map_err(io_error(file))?;
    if meta.len() > MAX_SUBMISSION {
        return Err(CliError::Unusable(format!(
            "{} is {} MB; submissions are limited to {} MB",
            file.display(),
            meta.len() / 1_000_000,
            MAX_SUBMISSION / 1_000_000
        )));
    }
    std::fs::read(file).map_err(io_error(file))
}

/// The submission in `file`, or the empty one a lab of questions alone
/// takes. The inner error is the submission's compile error (a text that
/// is not UTF-8, say): that is a grade, not a failure to run.
///
/// # Errors
///
/// A lab with code checks and no file, or a file that cannot be read.
pub fn submission_for(
    lab: &Lab,
    file: Option<&Path>,
) -> Result<Result<Submission, CompileError>, CliError> {
    match file {
        None if lab.has_code() => Err(CliError::Unusable(format!(
            "the lab `{}` has code checks: give the submission FILE",
            lab.id
        ))),
        None => Ok(Ok(Submission::text(lab.language, String::new()))),
        Some(file) => {
            let bytes = read_submission(file)?;
            Ok(Submission::for_lab(
                lab.language,
                &file.to_string_lossy(),
                bytes,
            ))
        }
    }
}

/// Answers from a JSON file, or none.
///
/// # Errors
///
/// The file cannot be read or is not answers.
pub fn read_answers(path: Option<&Path>) -> Result<grade::Answers, CliError> {
    let Some(path) = path else {
        return Ok(grade::Answers::new());
    };
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::Unusable(format!(
            "{}: not answers ({e}); write a JSON object by question name, like {{\"q1\": {{\"choices\": [0]}}, \"q2\": {{\"text\": \"8\"}}}}",
            path.display()
        ))
    })
}

/// Reads a completion record file.
///
/// # Errors
///
/// [`CliError::Record`]: the file cannot be read, or is not a record this
/// sandlab reads.
pub fn read_record(path: &Path) -> Result<Record, CliError> {
    let error = |error| CliError::Record {
        path: path.to_path_buf(),
        error,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(RecordError::Io(e)))?;
    record::read(&text).map_err(|e| error(RecordError::Read(e)))
}

/// Seconds since the Unix epoch (the CLI is an edge: it may read the clock).
pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Now as RFC 3339 in UTC.
pub fn now_rfc3339() -> String {
    let secs = now_seconds();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

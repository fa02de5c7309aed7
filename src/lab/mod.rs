//! The lab format: courses of labs, each with instructions, a starter, a
//! reference solution, hints, limits and checks.
//!
//! A course is a folder with `course.toml` listing its lab folders in order;
//! a lab is a folder with `lab.toml`, its instructions (`README.md`) and its
//! starter and solution files. [`load_courses`] and [`load_lab`] read them
//! from an in-memory [`Files`] map (the CLI fills it from disk, the web build
//! embeds it), so this module does no I/O. Every problem in every file is
//! reported at once as a [`Diagnostic`] with file, line and column.

//!
//! Code map: `raw.rs` mirrors the files exactly; `load.rs` reads courses
//! and labs; `reader/` turns positions and values into messages; the model
//! is here, in `course.rs`, `question.rs` and `check/` (one file per kind of
//! check, with its table of kinds); `bundle.rs` is what the browser gets.

mod bundle;
mod check;
mod course;
mod interpreter;
mod load;
mod question;
mod raw;
mod reader;

#[cfg(test)]
mod tests;

pub use bundle::{
    BUNDLE_FORMAT, BundleError, Preview, RuntimeFile, bundle_preview, bundle_runtimes, make_bundle,
    read_bundle, value_from_text, value_text, with_preview,
};
pub use check::{
    CallCheck, Check, CheckKind, Compare, Data, Expect, ExportExpect, Literal, MemoryData,
    ModuleCheck, RandomCheck, RunCheck, ScriptCall, ScriptExpect, ScriptRandom, ScriptTest,
    TextExpect, float,
};
pub use course::{
    Course, Credentials, DEFAULT_HOME_PAGE, Help, Schedule, Xapi, day_number, deadline_seconds,
};
pub use load::{Catalog, load_courses, load_lab};
pub use question::{Accept, Choice, Question, QuestionKind, TextQuestion};

use crate::language::{Language, Runtime, Submission};
use crate::vocab::{FuncSig, Limits};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The lab format version this build reads.
pub const FORMAT: i64 = 1;

/// Lab files by path relative to the labs root, `/`-separated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files(pub BTreeMap<String, Vec<u8>>);

impl Files {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.0.get(path).map(Vec::as_slice)
    }

    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.0.insert(path.into(), bytes.into());
    }
}

/// A problem in a lab file, where it is, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem concerns the file as a whole.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// One lab, validated.
#[derive(Clone, Debug)]
pub struct Lab {
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub language: Language,
    /// The lab folder, relative to the labs root.
    pub dir: String,
    /// Markdown.
    pub instructions: String,
    pub starter: Option<Submission>,
    /// The reference solution; absent from the browser bundle.
    pub solution: Option<Submission>,
    /// The lab's files a learner may see (lab.toml, instructions, starter,
    /// input files), by path: what the browser bundle holds.
    pub files: Vec<String>,
    /// SHA-256 of those files (paths relative to the lab folder): the same
    /// whether the lab was read from disk or from the browser bundle, so a
    /// record names exactly the lab it was graded against.
    pub content_hash: String,
    pub hints: Vec<String>,
    /// Signatures of the functions the checks call.
    pub exports: BTreeMap<String, FuncSig>,
    pub limits: Limits,
    pub checks: Vec<Check>,
    /// Knowledge checks, answered beside (or instead of) the code.
    pub questions: Vec<Question>,
    /// Ids of labs of the same course to pass first (earlier in its list).
    pub requires: Vec<String>,
    /// Line of `requires` in lab.toml, for messages to the author.
    pub requires_line: u32,
    /// The interpreter a lab in a script language runs in: not a lab file,
    /// so the edge that has it attaches it ([`Catalog::attach`]); a course's
    /// own, the loader attaches from the course folder.
    pub runtime: Option<Arc<Runtime>>,
    /// Its course's interpreter, for a lab in that interpreter's language
    /// ([`Language::Custom`]): its title, editor mode and how it runs.
    pub interpreter: Option<Arc<crate::language::interpreter::Interpreter>>,
}

impl Lab {
    /// How learners know the lab's language (`Python`, or the title of its
    /// course's interpreter).
    pub fn language_title(&self) -> &str {
        match &self.interpreter {
            Some(i) => &i.title,
            None => self.language.spec().title,
        }
    }

    /// The editor's highlighting mode for the lab's code, if typed.
    pub fn editor_mode(&self) -> Option<&str> {
        match (&self.interpreter, self.language.spec().input) {
            (Some(i), _) => Some(&i.mode),
            (None, crate::language::Input::Editor { mode }) => Some(mode),
            (None, crate::language::Input::Upload { .. }) => None,
        }
    }

    /// The name the bundle lists the lab's runtime under: its language's
    /// (`python`), or for a course's own interpreter `custom:` and the
    /// course folder, for each course brings its own.
    pub fn runtime_key(&self) -> String {
        match self.language {
            Language::Custom => format!("custom:{}", reader::parent(&self.dir)),
            language => language.name().to_string(),
        }
    }

    /// The most points a submission can score.
    pub fn max_score(&self) -> u32 {
        self.checks.iter().map(|c| c.points).sum::<u32>()
            + self.questions.iter().map(|q| q.points).sum::<u32>()
    }

    /// Whether the learner writes or uploads code here; a lab of questions
    /// only has no editor.
    pub fn has_code(&self) -> bool {
        !self.checks.is_empty()
    }
}

/// The content hash of a lab: SHA-256 over its files, in path order, each as
/// its path relative to the lab folder, a NUL, its length, a NUL and its bytes.
pub(crate) fn content_hash(files: &Files, dir: &str, paths: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut sorted: Vec<&String> = paths.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut hasher = Sha256::new();
    for path in sorted {
        let bytes = files.get(path).unwrap_or_default();
        let rel = path.strip_prefix(&prefix).unwrap_or(path);
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(bytes.len().to_string().as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    format!("sha256:{}", hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! The lab format: courses of labs, each with instructions, a starter, a
//! reference solution, hints, limits and checks.
//!
//! A course is a folder with `course.toml` listing its lab folders in order;
//! a lab is a folder with `lab.toml`, its instructions (`README.md`) and its
//! starter and solution files. [`load_courses`] and [`load_lab`] read them
//! from an in-memory [`Files`] map (the CLI fills it from disk, the web build
//! embeds it), so this module does no I/O. Every problem in every file is
//! reported at once as a [`Diagnostic`] with file, line and column.

mod bundle;
mod load;
mod raw;

#[cfg(test)]
mod tests;

pub use bundle::{BUNDLE_FORMAT, make_bundle, read_bundle, value_from_text, value_text};
pub use load::{Loaded, load_courses, load_lab};

use crate::compile::Submission;
use crate::sandbox::{FuncSig, Limits, TrapKind, ValType, Value};
use std::collections::BTreeMap;
use std::fmt;

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

/// A course: an ordered list of labs.
#[derive(Clone, Debug)]
pub struct Course {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Where the catalog lists the course: lower first (default 100).
    pub order: i64,
    /// The course folder, relative to the labs root.
    pub dir: String,
    pub labs: Vec<Lab>,
    /// How the course reports to a Learning Record Store.
    pub xapi: Xapi,
}

/// Account home page for learners who gave no email, when the course sets
/// none: `.invalid` is reserved, so it can never collide with a real site.
pub const DEFAULT_HOME_PAGE: &str = "https://sandlab.invalid";

/// The `[xapi]` table of course.toml, with its defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xapi {
    /// The course's activity IRI; a lab's is this, `/`, and the lab id.
    pub activity_id: String,
    /// The account home page for learners identified by name or id.
    pub home_page: String,
    /// The LRS the app's Send button posts to (ends with `/`).
    pub endpoint: Option<String>,
    pub credentials: Credentials,
}

/// Where the app gets the LRS credentials. Never from the course files,
/// which every learner's browser receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The learner types the key and secret their instructor gave them.
    Learner,
    /// The endpoint needs none (a proxy that authenticates otherwise).
    None,
}

impl Xapi {
    pub fn defaults(course_id: &str) -> Xapi {
        Xapi {
            activity_id: format!("urn:sandlab:course:{course_id}"),
            home_page: DEFAULT_HOME_PAGE.into(),
            endpoint: None,
            credentials: Credentials::Learner,
        }
    }
}

/// What a learner hands in for a lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// WebAssembly text, written in the browser.
    Wat,
    /// A compiled module the learner uploads.
    Wasm,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Wat => "wat",
            Language::Wasm => "wasm",
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
}

impl Lab {
    /// The most points a submission can score.
    pub fn max_score(&self) -> u32 {
        self.checks.iter().map(|c| c.points).sum()
    }
}

/// One check of a lab.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    /// Line of the check's `name` in lab.toml, for messages to the author.
    pub line: u32,
    pub points: u32,
    /// Shown to the learner by name and pass/fail only.
    pub hidden: bool,
    /// Said to the learner when the check fails.
    pub feedback: Option<String>,
    pub limits: Limits,
    /// Pass only within this much fuel (a `budget` check).
    pub budget: Option<u64>,
    pub kind: CheckKind,
}

impl Check {
    /// The `kind` as written in lab files.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            _ if self.budget.is_some() => "budget",
            CheckKind::Call(c) if !c.memory_after.is_empty() => "memory",
            CheckKind::Call(_) => "call",
            CheckKind::Run(_) => "run",
            CheckKind::Module(_) => "module",
            CheckKind::Random(_) => "random",
        }
    }
}

#[derive(Clone, Debug)]
pub enum CheckKind {
    /// Call an export (also `memory` and function `budget` checks).
    Call(CallCheck),
    /// Run a WASI command (also command `budget` checks).
    Run(RunCheck),
    /// Inspect the module without running it.
    Module(ModuleCheck),
    /// Call with seeded random inputs, expecting what the solution returns.
    Random(RandomCheck),
}

#[derive(Clone, Debug)]
pub struct CallCheck {
    pub function: String,
    pub args: Vec<Value>,
    pub expect: Expect,
    pub tolerance: f64,
    pub memory_before: Vec<MemoryData>,
    pub memory_after: Vec<MemoryData>,
}

/// What a call must produce.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// Results are not checked (a memory check of a function that returns
    /// something incidental).
    Anything,
    Values(Vec<Value>),
    /// A trap, of this kind if given.
    Trap(Option<TrapKind>),
}

/// Data at an address in linear memory.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryData {
    pub at: u32,
    pub data: Data,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    String(String),
    Bytes(Vec<u8>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Data {
    /// The little-endian bytes, as they sit in memory.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Data::String(s) => s.as_bytes().to_vec(),
            Data::Bytes(b) => b.clone(),
            Data::I32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        }
    }

    /// Size of one element in bytes.
    pub fn unit(&self) -> usize {
        match self {
            Data::String(_) | Data::Bytes(_) => 1,
            Data::I32(_) | Data::F32(_) => 4,
            Data::I64(_) | Data::F64(_) => 8,
        }
    }

    /// Reads bytes back in this data's own shape, for showing a learner.
    pub fn describe_bytes(&self, bytes: &[u8]) -> String {
        fn list<T: fmt::Display, const N: usize>(bytes: &[u8], f: fn([u8; N]) -> T) -> String {
            let items: Vec<String> = bytes
                .chunks_exact(N)
                .map(|c| {
                    let mut a = [0u8; N];
                    a.copy_from_slice(c);
                    f(a).to_string()
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        match self {
            Data::String(_) => format!("{:?}", String::from_utf8_lossy(bytes)),
            Data::Bytes(_) => format!("{bytes:?}"),
            Data::I32(_) => list(bytes, i32::from_le_bytes),
            Data::I64(_) => list(bytes, i64::from_le_bytes),
            Data::F32(_) => list(bytes, f32::from_le_bytes),
            Data::F64(_) => list(bytes, f64::from_le_bytes),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RunCheck {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    pub files: BTreeMap<String, Vec<u8>>,
    pub stdout: Option<TextExpect>,
    pub stderr: Option<TextExpect>,
    pub exit_code: i32,
    pub files_after: BTreeMap<String, TextExpect>,
}

/// Expected text and how to compare it.
#[derive(Clone, Debug)]
pub struct TextExpect {
    pub text: String,
    pub compare: Compare,
}

#[derive(Clone, Debug)]
pub enum Compare {
    /// Byte for byte.
    Exact,
    /// Ignoring trailing whitespace on each line and trailing blank lines.
    Trim,
    /// The whole output must match the regular expression.
    Regex(regex_lite::Regex),
}

impl Compare {
    pub fn name(&self) -> &'static str {
        match self {
            Compare::Exact => "exact",
            Compare::Trim => "trim",
            Compare::Regex(_) => "regex",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ModuleCheck {
    pub exports: Vec<(String, ExportExpect)>,
    /// `module.name` patterns; `*` as the name matches any.
    pub forbid_imports: Vec<String>,
    pub max_bytes: Option<u64>,
    pub max_functions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExportExpect {
    Func(FuncSig),
    Memory,
}

#[derive(Clone, Debug)]
pub struct RandomCheck {
    pub function: String,
    pub count: u32,
    pub seed: u64,
    /// Inclusive range per parameter.
    pub ranges: Vec<(Value, Value)>,
    pub tolerance: f64,
    /// What the reference solution produced for each input; filled in by
    /// [`crate::grade::prepare`] before grading.
    pub expected: Option<Vec<Expect>>,
}

impl RandomCheck {
    /// The inputs, generated from the seed: the same on every machine.
    pub fn inputs(&self) -> Vec<Vec<Value>> {
        let mut state = self.seed ^ 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            // xorshift64*: small and portable; quality is plenty for tests.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        (0..self.count)
            .map(|_| {
                self.ranges
                    .iter()
                    .map(|(lo, hi)| random_in(*lo, *hi, next()))
                    .collect()
            })
            .collect()
    }
}

fn random_in(lo: Value, hi: Value, r: u64) -> Value {
    match (lo, hi) {
        (Value::I32(a), Value::I32(b)) => {
            let span = (b as i64 - a as i64 + 1) as u64;
            Value::I32((a as i64 + (r % span) as i64) as i32)
        }
        (Value::I64(a), Value::I64(b)) => {
            let span = (b as i128 - a as i128 + 1) as u128;
            Value::I64((a as i128 + (r as u128 % span) as i128) as i64)
        }
        (Value::F32(a), Value::F32(b)) => {
            let t = (r >> 11) as f64 / (1u64 << 53) as f64;
            Value::F32((a as f64 + (b as f64 - a as f64) * t) as f32)
        }
        (Value::F64(a), Value::F64(b)) => {
            let t = (r >> 11) as f64 / (1u64 << 53) as f64;
            Value::F64(a + (b - a) * t)
        }
        _ => lo,
    }
}

/// The default inclusive range of random arguments of a type.
pub(crate) fn default_range(ty: ValType) -> (Value, Value) {
    match ty {
        ValType::I32 => (Value::I32(-1000), Value::I32(1000)),
        ValType::I64 => (Value::I64(-1000), Value::I64(1000)),
        ValType::F32 => (Value::F32(-1000.0), Value::F32(1000.0)),
        ValType::F64 => (Value::F64(-1000.0), Value::F64(1000.0)),
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

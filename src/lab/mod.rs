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
use crate::vocab::{FuncSig, Limits, TrapKind, ValType, Value};
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
    /// Where a learner who is stuck can turn.
    pub help: Help,
    /// Pace, due dates and whether prerequisites lock labs.
    pub schedule: Schedule,
}

/// The `[schedule]` table of course.toml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// When the course starts (`YYYY-MM-DD`).
    pub start: Option<String>,
    /// The weekly time the course suggests, in minutes.
    pub weekly_minutes: Option<u32>,
    /// A lab opens only once its prerequisites pass (otherwise they are
    /// only shown).
    pub lock: bool,
    /// Due dates by lab id, and `course` for the whole course: a date
    /// (`YYYY-MM-DD`, due at the end of that day anywhere on Earth) or an
    /// RFC 3339 time.
    pub due: BTreeMap<String, String>,
}

impl Schedule {
    /// When `lab` (or `"course"`) is due, in seconds since the Unix epoch.
    pub fn due_at(&self, lab: &str) -> Option<i64> {
        self.due.get(lab).and_then(|d| deadline_seconds(d))
    }
}

/// Seconds since the Unix epoch of a due date: a plain date is due at the
/// end of that day anywhere on Earth (UTC−12), so no learner loses a day to
/// their time zone; an RFC 3339 time is due then.
pub fn deadline_seconds(text: &str) -> Option<i64> {
    let day = day_number(text.get(..10)?)?;
    if text.len() == 10 {
        return Some((day + 1) * 86_400 + 12 * 3_600 - 1);
    }
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let hms: Vec<i64> = rest
        .get(..8)?
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms[..] else { return None };
    let zone = rest
        .get(8..)?
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hh: i64 = z.get(1..3)?.parse().ok()?;
            let mm: i64 = z.get(4..6)?.parse().ok()?;
            sign * (hh * 3_600 + mm * 60)
        }
        _ => return None,
    };
    ((0..24).contains(&h) && (0..60).contains(&m) && (0..61).contains(&s))
        .then(|| day * 86_400 + h * 3_600 + m * 60 + s - offset)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=days).contains(&d) || date.len() != 10 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The `[help]` table of course.toml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Help {
    /// The Help panel offers an email to this address, filled in.
    pub email: Option<String>,
    /// The course's discussion board (http or https), linked from each lab.
    pub discussion: Option<String>,
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
    /// Knowledge checks, answered beside (or instead of) the code.
    pub questions: Vec<Question>,
    /// Ids of labs of the same course to pass first (earlier in its list).
    pub requires: Vec<String>,
    /// Line of `requires` in lab.toml, for messages to the author.
    pub requires_line: u32,
}

impl Lab {
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

/// A knowledge check: a question with its right answers.
#[derive(Clone, Debug)]
pub struct Question {
    /// Unique within the lab; names the question in reports and records.
    pub name: String,
    /// Line of the question's `name` in lab.toml.
    pub line: u32,
    /// Markdown.
    pub prompt: String,
    pub points: u32,
    /// Markdown, shown once the question has been answered.
    pub explanation: Option<String>,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug)]
pub enum QuestionKind {
    /// Pick from the choices: exactly one is right, or, when `multiple`,
    /// tick every right one and no other.
    Choice {
        multiple: bool,
        choices: Vec<Choice>,
    },
    /// Type the answer.
    Text(TextQuestion),
}

#[derive(Clone, Debug)]
pub struct Choice {
    /// Markdown.
    pub text: String,
    pub correct: bool,
    /// Said when this choice is picked wrongly.
    pub feedback: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TextQuestion {
    pub answer: Accept,
    /// Said for any wrong answer without feedback of its own.
    pub feedback: Option<String>,
    /// Wrong answers worth their own feedback, matched like the answer.
    pub wrong: Vec<(Accept, String)>,
}

/// How a typed answer is compared. Leading and trailing whitespace never
/// counts.
#[derive(Clone, Debug)]
pub enum Accept {
    Exact(String),
    /// Ignoring case and runs of whitespace.
    CaseInsensitive(String),
    Number {
        value: f64,
        tolerance: f64,
    },
    /// The whole answer must match (the loader anchors the pattern).
    Regex(regex_lite::Regex),
}

impl Accept {
    pub fn matches(&self, given: &str) -> bool {
        let given = given.trim();
        match self {
            Accept::Exact(want) => given == want.trim(),
            Accept::CaseInsensitive(want) => fold(given) == fold(want),
            Accept::Number { value, tolerance } => readings(given)
                .iter()
                .any(|x| (x - value).abs() <= *tolerance),
            Accept::Regex(re) => re.is_match(given),
        }
    }

    /// The `match` name in lab files.
    pub fn name(&self) -> &'static str {
        match self {
            Accept::Exact(_) => "exact",
            Accept::CaseInsensitive(_) => "case-insensitive",
            Accept::Number { .. } => "number",
            Accept::Regex(_) => "regex",
        }
    }
}

/// The numbers someone typing `text` may have meant: `65536`, `65 536`,
/// `65_536`, and a comma read both ways, as a thousands separator (`65,536`)
/// and as a decimal comma (`3,14`). An answer matches if any reading does:
/// the two readings are a thousand times apart, so no real answer is
/// ambiguous.
fn readings(text: &str) -> Vec<f64> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    let mut out = Vec::new();
    let mut push = |t: &str| {
        if let Ok(x) = t.parse::<f64>()
            && x.is_finite()
        {
            out.push(x);
        }
    };
    push(&compact);
    if compact.contains(',') {
        push(&compact.replace(',', ""));
        if compact.matches(',').count() == 1 && !compact.contains('.') {
            push(&compact.replace(',', "."));
        }
    }
    out
}

fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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

//! The lab file format exactly as written: strict serde structs with spans.
//!
//! These types exist only to read `course.toml` and `lab.toml`; the loader
//! turns them into the validated model in [`super`]. Keeping the two apart
//! lets the model change without changing what authors write, and unknown
//! keys are errors (`deny_unknown_fields`), so a typo never passes silently.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub(super) type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Course {
    pub format: S<i64>,
    pub id: S<String>,
    pub title: S<String>,
    #[serde(default)]
    pub summary: Option<S<String>>,
    pub order: Option<S<i64>>,
    pub labs: S<Vec<S<String>>>,
    pub xapi: Option<Xapi>,
    pub help: Option<Help>,
    pub schedule: Option<Schedule>,
    pub interpreter: Option<Interpreter>,
}

/// `[interpreter]`: a course's own interpreter (see
/// [`crate::language::interpreter`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Interpreter {
    pub name: S<String>,
    pub title: Option<S<String>>,
    pub file: S<String>,
    pub main: Option<S<String>>,
    #[serde(default)]
    pub args: Vec<S<String>>,
    pub pass: Option<S<String>>,
    pub mode: Option<S<String>>,
}

/// A course.toml read for its `[interpreter]` alone (by a lab, which needs
/// to know its course's language; the course's own load reports problems).
#[derive(Deserialize)]
pub(super) struct CourseInterpreter {
    pub interpreter: Option<Interpreter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Schedule {
    pub start: Option<S<toml::Value>>,
    pub weekly_minutes: Option<S<i64>>,
    pub prerequisites: Option<S<String>>,
    #[serde(default)]
    pub due: BTreeMap<String, S<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Help {
    pub email: Option<S<String>>,
    pub discussion: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Xapi {
    pub activity_id: Option<S<String>>,
    pub home_page: Option<S<String>>,
    pub endpoint: Option<S<String>>,
    pub credentials: Option<S<String>>,
    /// Read only to refuse them with a reason (see the loader).
    pub user: Option<S<toml::Value>>,
    pub password: Option<S<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Lab {
    pub format: S<i64>,
    pub id: S<String>,
    pub title: S<String>,
    pub minutes: Option<S<i64>>,
    /// Required when the lab has checks; a questions-only lab may omit it.
    pub language: Option<S<String>>,
    pub instructions: Option<S<String>>,
    pub starter: Option<S<String>>,
    pub solution: Option<S<String>>,
    #[serde(default)]
    pub hints: Vec<S<String>>,
    #[serde(default)]
    pub exports: BTreeMap<String, S<String>>,
    pub limits: Option<Limits>,
    /// Lab ids of the same course to pass first.
    pub requires: Option<S<Vec<S<String>>>>,
    /// How each export's integers are shown, by export name.
    #[serde(default)]
    pub show: BTreeMap<String, S<String>>,
    /// What every check takes unless it says otherwise.
    pub defaults: Option<Defaults>,
    #[serde(default, rename = "check")]
    pub checks: Vec<S<Check>>,
    #[serde(default, rename = "question")]
    pub questions: Vec<S<Question>>,
}

/// One `[[question]]`: a knowledge check. As with checks, each kind's fields
/// live here and the loader rejects the ones that do not apply.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Question {
    pub name: S<String>,
    pub kind: S<String>,
    pub prompt: S<String>,
    pub points: Option<S<i64>>,
    pub explanation: Option<S<String>>,
    // choice, choices
    pub choices: Option<S<Vec<S<Choice>>>>,
    // text
    pub answer: Option<S<toml::Value>>,
    #[serde(rename = "match")]
    pub matching: Option<S<String>>,
    pub tolerance: Option<S<f64>>,
    pub feedback: Option<S<String>>,
    pub wrong: Option<S<Vec<S<Wrong>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Choice {
    pub text: S<String>,
    pub correct: Option<S<bool>>,
    pub feedback: Option<S<String>>,
}

/// A wrong answer worth its own feedback.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Wrong {
    pub answer: S<toml::Value>,
    pub feedback: S<String>,
}

/// `[defaults]`: check fields that are usually the same across a lab.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Defaults {
    pub compare: Option<S<toml::Value>>,
    pub tolerance: Option<S<f64>>,
    pub points: Option<S<i64>>,
    pub show: Option<S<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Limits {
    pub fuel: Option<S<i64>>,
    pub memory_pages: Option<S<i64>>,
    pub stack_depth: Option<S<i64>>,
    pub output_bytes: Option<S<i64>>,
}

/// Declares [`Check`] with the fields every check has and, once each, the
/// fields of its kinds: each becomes an optional spanned field and an entry
/// of [`Check::present`], which the loader checks against the kind's
/// fields (`lab::check::KINDS`).
macro_rules! check_fields {
    ($($field:ident: $ty:ty => $name:literal,)*) => {
        /// One `[[check]]`. Every kind's fields live here; the loader rejects
        /// the ones that do not apply to the check's `kind`, naming the field.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        pub(super) struct Check {
            pub name: S<String>,
            pub kind: S<String>,
            pub points: Option<S<i64>>,
            pub hidden: Option<S<bool>>,
            pub feedback: Option<S<String>>,
            pub limits: Option<S<Limits>>,
            $(pub $field: Option<S<$ty>>,)*
        }

        impl Check {
            /// Every kind-specific field that is present, by its name in the
            /// file, with where it starts.
            pub fn present(&self) -> Vec<(&'static str, usize)> {
                let mut out = Vec::new();
                $(if let Some(v) = &self.$field {
                    out.push(($name, v.span().start));
                })*
                out
            }
        }
    };
}

check_fields! {
    // call, memory, budget, random
    function: String => "function",
    args: Vec<S<toml::Value>> => "args",
    expect: toml::Value => "expect",
    trap: String => "trap",
    tolerance: f64 => "tolerance",
    memory_before: Vec<S<Memory>> => "memory-before",
    memory_after: Vec<S<Memory>> => "memory-after",
    show: String => "show",
    // call (scripts)
    raises: String => "raises",
    // test (scripts)
    file: String => "file",
    test: String => "test",
    // budget
    budget: i64 => "budget",
    // random
    count: i64 => "count",
    seed: i64 => "seed",
    ranges: Vec<S<Vec<S<toml::Value>>>> => "ranges",
    // run
    stdin: String => "stdin",
    env: BTreeMap<String, String> => "env",
    files: BTreeMap<String, S<toml::Value>> => "files",
    stdout: String => "stdout",
    stderr: String => "stderr",
    compare: toml::Value => "compare",
    exit_code: i64 => "exit-code",
    files_after: BTreeMap<String, S<toml::Value>> => "files-after",
    // module
    exports: BTreeMap<String, S<String>> => "exports",
    forbid_imports: Vec<S<String>> => "forbid-imports",
    max_bytes: i64 => "max-bytes",
    max_functions: i64 => "max-functions",
}

/// A region of linear memory: an address and exactly one kind of data.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Memory {
    pub at: S<i64>,
    pub string: Option<String>,
    pub bytes: Option<Vec<i64>>,
    pub i32: Option<Vec<i64>>,
    pub i64: Option<Vec<i64>>,
    pub f32: Option<Vec<f64>>,
    pub f64: Option<Vec<f64>>,
}

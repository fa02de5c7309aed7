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

/// `[[low, high], ...]`, one pair per parameter.
pub(super) type Ranges = S<Vec<S<Vec<S<toml::Value>>>>>;

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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Limits {
    pub fuel: Option<S<i64>>,
    pub memory_pages: Option<S<i64>>,
    pub stack_depth: Option<S<i64>>,
    pub output_bytes: Option<S<i64>>,
}

/// One `[[check]]`. Every kind's fields live here; the loader rejects the
/// ones that do not apply to the check's `kind`, naming the field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Check {
    pub name: S<String>,
    pub kind: S<String>,
    pub points: Option<S<i64>>,
    pub hidden: Option<S<bool>>,
    pub feedback: Option<S<String>>,
    pub limits: Option<S<Limits>>,

    // call, memory, budget, random
    pub function: Option<S<String>>,
    pub args: Option<S<Vec<S<toml::Value>>>>,
    pub expect: Option<S<toml::Value>>,
    pub trap: Option<S<String>>,
    pub tolerance: Option<S<f64>>,
    pub memory_before: Option<S<Vec<S<Memory>>>>,
    pub memory_after: Option<S<Vec<S<Memory>>>>,
    // budget
    pub budget: Option<S<i64>>,
    // random
    pub count: Option<S<i64>>,
    pub seed: Option<S<i64>>,
    pub ranges: Option<Ranges>,

    // run
    pub stdin: Option<S<String>>,
    pub env: Option<S<BTreeMap<String, String>>>,
    pub files: Option<S<BTreeMap<String, S<toml::Value>>>>,
    pub stdout: Option<S<String>>,
    pub stderr: Option<S<String>>,
    pub compare: Option<S<String>>,
    pub exit_code: Option<S<i64>>,
    pub files_after: Option<S<BTreeMap<String, S<String>>>>,

    // module
    pub exports: Option<S<BTreeMap<String, S<String>>>>,
    pub forbid_imports: Option<S<Vec<S<String>>>>,
    pub max_bytes: Option<S<i64>>,
    pub max_functions: Option<S<i64>>,
}

impl Check {
    /// Every optional field that is present, by its name in the file, with
    /// where it starts: what the loader checks against the kind.
    pub fn present(&self) -> Vec<(&'static str, usize)> {
        let mut out = Vec::new();
        macro_rules! field {
            ($($f:ident => $name:literal),* $(,)?) => {
                $( if let Some(v) = &self.$f { out.push(($name, v.span().start)); } )*
            };
        }
        field!(
            function => "function", args => "args", expect => "expect", trap => "trap",
            tolerance => "tolerance", memory_before => "memory-before",
            memory_after => "memory-after", budget => "budget", count => "count",
            seed => "seed", ranges => "ranges", stdin => "stdin", env => "env",
            files => "files", stdout => "stdout", stderr => "stderr", compare => "compare",
            exit_code => "exit-code", files_after => "files-after", exports => "exports",
            forbid_imports => "forbid-imports", max_bytes => "max-bytes",
            max_functions => "max-functions",
        );
        out
    }
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

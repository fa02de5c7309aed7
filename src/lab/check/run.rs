//! `run` checks: run a WASI command with arguments, stdin and files, and
//! compare its exit code, output and the files it wrote.

use super::{Build, CheckKind, Kind};
use crate::lab::raw::{self, S};
use crate::lab::reader::{Reporter, clean_path, describe};
use std::collections::BTreeMap;

/// The fields of a run, besides those every check takes.
pub(super) const FIELDS: &[&str] = &[
    "args",
    "stdin",
    "env",
    "files",
    "stdout",
    "stderr",
    "compare",
    "exit-code",
    "files-after",
];

pub(super) const RUN: Kind = Kind {
    name: "run",
    family: None,
    fields: |_| FIELDS.to_vec(),
    build: |b, c| build(b, c).map(CheckKind::Run),
};

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

pub(super) fn build(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<RunCheck> {
    let (files, dir, r) = (b.files, b.dir, &mut *b.r);
    let args = string_args(c, r);
    let compare = match &c.compare {
        Some(v) => compares(v, r).unwrap_or_default(),
        None => b.defaults.compare.unwrap_or_default(),
    };
    let stdout = c
        .stdout
        .as_ref()
        .and_then(|t| expected_text(compare.stdout, t, r));
    let stderr = c
        .stderr
        .as_ref()
        .and_then(|t| expected_text(compare.stderr, t, r));
    let files_after = files_after(c, compare.files, files, dir, r);
    let exit_code = match &c.exit_code {
        Some(e) => r
            .int_in(e, i32::MIN as i64, i32::MAX as i64, "exit-code")
            .unwrap_or(0) as i32,
        None => 0,
    };
    let input_files = input_files(c, files, dir, r);
    if c.stdout.is_none()
        && c.stderr.is_none()
        && c.files_after.is_none()
        && c.exit_code.is_none()
        && c.kind.get_ref() == "run"
    {
        r.at(
            c.kind.span().start,
            "this run check checks nothing: give `stdout`, `stderr`, `exit-code` or `files-after`",
        );
    }
    Some(RunCheck {
        args,
        env: c
            .env
            .as_ref()
            .map(|e| {
                e.get_ref()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        stdin: c
            .stdin
            .as_ref()
            .map(|s| s.get_ref().clone().into_bytes())
            .unwrap_or_default(),
        files: input_files,
        stdout,
        stderr,
        exit_code,
        files_after,
    })
}

/// `args`: command-line arguments are strings.
fn string_args(c: &raw::Check, r: &mut Reporter<'_>) -> Vec<String> {
    let mut args = Vec::new();
    for a in c.args.iter().flat_map(|list| list.get_ref()) {
        match a.get_ref() {
            toml::Value::String(s) => args.push(s.clone()),
            other => r.at(
                a.span().start,
                format!(
                    "command-line arguments are strings; found {}",
                    describe(other)
                ),
            ),
        }
    }
    args
}

/// How each output of a run is compared: `compare = "exact"` for all of
/// them, or `compare = { stdout = "exact", stderr = "regex" }` (the others
/// `trim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Compares {
    pub stdout: &'static str,
    pub stderr: &'static str,
    pub files: &'static str,
}

impl Default for Compares {
    fn default() -> Compares {
        Compares {
            stdout: "trim",
            stderr: "trim",
            files: "trim",
        }
    }
}

const COMPARE_NAMES: [&str; 3] = ["exact", "trim", "regex"];
const STREAMS: [&str; 3] = ["stdout", "stderr", "files"];

/// Reads `compare` (of a check or of `[defaults]`).
pub(crate) fn compares(v: &S<toml::Value>, r: &mut Reporter<'_>) -> Option<Compares> {
    let name = |value: &toml::Value, r: &mut Reporter<'_>| -> Option<&'static str> {
        let found = value
            .as_str()
            .and_then(|s| COMPARE_NAMES.iter().find(|n| **n == s).copied());
        if found.is_none() {
            let written = match value {
                toml::Value::String(s) => format!("\"{s}\""),
                other => describe(other),
            };
            r.at(
                v.span().start,
                format!(
                    "`compare = {written}` is not known: use \"exact\", \"trim\" or \"regex\" (or a table like {{ stdout = \"exact\", stderr = \"regex\" }})"
                ),
            );
        }
        found
    };
    match v.get_ref() {
        toml::Value::Table(table) => {
            let mut out = Compares::default();
            for (stream, value) in table {
                let Some(how) = name(value, r) else { continue };
                match stream.as_str() {
                    "stdout" => out.stdout = how,
                    "stderr" => out.stderr = how,
                    "files" => out.files = how,
                    other => r.at(
                        v.span().start,
                        format!(
                            "`compare.{other}`: there is no output `{other}`: use {}",
                            STREAMS.join(", ")
                        ),
                    ),
                }
            }
            Some(out)
        }
        value => name(value, r).map(|how| Compares {
            stdout: how,
            stderr: how,
            files: how,
        }),
    }
}

/// Expected text, compared as `compare` says (a regex must match it whole,
/// a final newline aside).
fn expected_text(compare: &str, t: &S<String>, r: &mut Reporter<'_>) -> Option<TextExpect> {
    let compare = match compare {
        "exact" => Compare::Exact,
        // The whole text, but for one newline at its end: what `print`
        // and `println!` leave after the last line.
        "regex" => match regex_lite::Regex::new(&format!("^(?:{})\n?$", t.get_ref())) {
            Ok(re) => Compare::Regex(re),
            Err(e) => {
                r.at(
                    t.span().start,
                    format!("not a valid regular expression: {e}"),
                );
                return None;
            }
        },
        _ => Compare::Trim,
    };
    Some(TextExpect {
        text: t.get_ref().clone(),
        compare,
    })
}

/// `files-after`: what files must hold once the program ends, as text or
/// `{ from = PATH }` (a file in the lab folder, which must be UTF-8).
fn files_after(
    c: &raw::Check,
    compare: &str,
    files: &crate::lab::Files,
    dir: &str,
    r: &mut Reporter<'_>,
) -> BTreeMap<String, TextExpect> {
    let mut out = BTreeMap::new();
    for (name, v) in c.files_after.iter().flat_map(|m| m.get_ref()) {
        let Some(clean) = clean_path(name) else {
            r.at(
                v.span().start,
                format!("`{name}` is not a plain relative path"),
            );
            continue;
        };
        let Some(content) = file_content(v, files, dir, "expected file", r) else {
            continue;
        };
        let Ok(text) = String::from_utf8(content) else {
            r.at(
                v.span().start,
                format!("the expected `{name}` is not UTF-8 text"),
            );
            continue;
        };
        if let Some(expect) = expected_text(compare, &S::new(v.span(), text), r) {
            out.insert(clean, expect);
        }
    }
    out
}

/// A file's content as a lab gives it: its text, or `{ from = PATH }`
/// naming a file in the lab folder.
fn file_content(
    v: &S<toml::Value>,
    files: &crate::lab::Files,
    dir: &str,
    what: &str,
    r: &mut Reporter<'_>,
) -> Option<Vec<u8>> {
    match v.get_ref() {
        toml::Value::String(s) => Some(s.clone().into_bytes()),
        toml::Value::Table(t) if t.len() == 1 && t.get("from").is_some_and(toml::Value::is_str) => {
            let from = t
                .get("from")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            let spanned = S::new(v.span(), from.to_string());
            r.lab_file(files, dir, Some(&spanned), "", what, true)
        }
        _ => {
            r.at(
                v.span().start,
                format!("an {what} is its text, or `{{ from = \"PATH\" }}` naming a file in the lab folder"),
            );
            None
        }
    }
}

/// `files`: the program's input files, given as text or `{ from = PATH }`.
fn input_files(
    c: &raw::Check,
    files: &crate::lab::Files,
    dir: &str,
    r: &mut Reporter<'_>,
) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (name, v) in c.files.iter().flat_map(|m| m.get_ref()) {
        let Some(clean) = clean_path(name) else {
            r.at(
                v.span().start,
                format!("`{name}` is not a plain relative path"),
            );
            continue;
        };
        let content = file_content(v, files, dir, "input file", r);
        if let Some(content) = content {
            out.insert(clean, content);
        }
    }
    out
}

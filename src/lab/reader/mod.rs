//! Reading lab files: positions for every problem, values typed by the
//! signatures they meet, and paths that stay inside the lab folder. Shared
//! by everything that reads course.toml and lab.toml.

mod values;

pub(crate) use values::{
    describe, signature, trap_kind, typed_args, typed_results, value_of, written_unsigned,
};

use super::raw::{self, S};
use super::{Diagnostic, FORMAT, Files};
use crate::vocab::Limits;

/// Collects diagnostics for one file, turning byte offsets into positions.
pub(crate) struct Reporter<'a> {
    file: String,
    text: &'a str,
    found: Vec<Diagnostic>,
    /// Files the lab uses that a learner may see (everything but the
    /// solution): what goes into the browser bundle.
    pub(crate) public: Vec<String>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(file: &str, text: &'a str) -> Reporter<'a> {
        Reporter {
            file: file.to_string(),
            text,
            found: Vec::new(),
            public: vec![file.to_string()],
        }
    }

    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count() as u32
            + 1
    }

    pub(crate) fn at(&mut self, offset: usize, message: impl Into<String>) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = self.line_of(offset);
        let column = before.chars().rev().take_while(|c| *c != '\n').count() as u32 + 1;
        self.found.push(Diagnostic {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        });
    }

    pub(crate) fn whole(&mut self, message: impl Into<String>) {
        self.found.push(whole(&self.file, message));
    }

    pub(crate) fn count(&self) -> usize {
        self.found.len()
    }

    pub(crate) fn is_clean(&self) -> bool {
        self.found.is_empty()
    }

    pub(crate) fn done(self) -> Vec<Diagnostic> {
        self.found
    }

    pub(crate) fn toml_error(&mut self, e: &toml::de::Error) {
        let mut message = e.message().trim().to_string();
        if message == "u64 value was too large" || message.contains("number too large") {
            // TOML integers stop at i64; an author writing an unsigned i64
            // needs the way round it, not the parser's type name.
            message = "this number is too large for a TOML integer (the largest is 9223372036854775807): write it as a string, like \"18446744073709551615\"".into();
        }
        match e.span() {
            Some(span) => self.at(span.start, message),
            None => self.whole(message),
        }
    }

    pub(crate) fn format(&mut self, format: &S<i64>) {
        if *format.get_ref() != FORMAT {
            self.at(
                format.span().start,
                format!(
                    "format {} is not supported: this sandlab reads format {FORMAT}",
                    format.get_ref()
                ),
            );
        }
    }

    pub(crate) fn id(&mut self, id: &S<String>) {
        let s = id.get_ref();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if !ok {
            self.at(
                id.span().start,
                format!("id `{s}` must be 1–64 lowercase letters, digits and dashes (it names progress and records, so keep it stable)"),
            );
        }
    }

    pub(crate) fn non_empty(&mut self, s: &S<String>, what: &str) {
        if s.get_ref().trim().is_empty() {
            self.at(s.span().start, format!("{what} is empty"));
        }
    }

    pub(crate) fn int_in(&mut self, v: &S<i64>, lo: i64, hi: i64, what: &str) -> Option<i64> {
        let x = *v.get_ref();
        if (lo..=hi).contains(&x) {
            Some(x)
        } else {
            self.at(
                v.span().start,
                format!("{what} must be between {lo} and {hi}, not {x}"),
            );
            None
        }
    }

    pub(crate) fn limits(&mut self, raw: Option<&raw::Limits>, base: Limits) -> Limits {
        let Some(raw) = raw else {
            return base;
        };
        let mut limits = base;
        if let Some(v) = &raw.fuel {
            limits.fuel = self
                .int_in(v, 1, 100_000_000_000, "limits.fuel")
                .map_or(base.fuel, |x| x as u64);
        }
        if let Some(v) = &raw.memory_pages {
            limits.memory_pages = self
                .int_in(v, 0, 65_536, "limits.memory-pages")
                .map_or(base.memory_pages, |x| x as u32);
        }
        if let Some(v) = &raw.stack_depth {
            limits.stack_depth = self
                .int_in(v, 1, 100_000, "limits.stack-depth")
                .map_or(base.stack_depth, |x| x as u32);
        }
        if let Some(v) = &raw.output_bytes {
            limits.output_bytes = self
                .int_in(v, 0, 64 * 1024 * 1024, "limits.output-bytes")
                .map_or(base.output_bytes, |x| x as u64);
        }
        limits
    }

    /// Reads a file the lab names, relative to the lab folder.
    pub(crate) fn lab_file(
        &mut self,
        files: &Files,
        dir: &str,
        named: Option<&S<String>>,
        default: &str,
        what: &str,
        public: bool,
    ) -> Option<Vec<u8>> {
        let (name, at) = match named {
            Some(n) => (n.get_ref().as_str(), Some(n.span().start)),
            None => (default, None),
        };
        let report = |r: &mut Self, message: String| match at {
            Some(at) => r.at(at, message),
            None => r.whole(message),
        };
        let Some(clean) = clean_path(name) else {
            report(
                self,
                format!("the {what} `{name}` is outside the lab folder: name a file inside it"),
            );
            return None;
        };
        let path = join(dir, &clean);
        match files.get(&path) {
            Some(bytes) => {
                if public {
                    self.public.push(path.clone());
                }
                Some(bytes.to_vec())
            }
            None => {
                let hint = if named.is_none() {
                    format!(" (the default; set `{what} = \"FILE\"` to use another name)")
                } else {
                    String::new()
                };
                report(self, format!("the {what} file {path} does not exist{hint}"));
                None
            }
        }
    }
}

pub(crate) fn whole(file: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 0,
        column: 0,
        message: message.into(),
    }
}

pub(crate) fn read_text(files: &Files, path: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    let Some(bytes) = files.get(path) else {
        out.push(whole(path, "the file does not exist"));
        return None;
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) => {
            out.push(whole(
                path,
                format!(
                    "the file is not UTF-8 text (byte {} is not valid UTF-8)",
                    e.valid_up_to()
                ),
            ));
            None
        }
    }
}

/// A relative path with no `..`, no absolute root and no empty parts;
/// `None` if it would leave the folder.
pub(crate) fn clean_path(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

pub(crate) fn parent(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

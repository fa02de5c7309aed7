//! What a learner hands in: code in a language, as text or a compiled
//! module, and how a file becomes one.

use super::Language;
use crate::compile::CompileError;

/// What a learner hands in: code in a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub language: Language,
    pub source: Source,
}

/// A submission's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Text(String),
    Binary(Vec<u8>),
}

impl Submission {
    /// WebAssembly text.
    pub fn wat(text: impl Into<String>) -> Submission {
        Submission {
            language: Language::Wat,
            source: Source::Text(text.into()),
        }
    }

    /// A compiled module.
    pub fn wasm(bytes: impl Into<Vec<u8>>) -> Submission {
        Submission {
            language: Language::Wasm,
            source: Source::Binary(bytes.into()),
        }
    }

    /// Source text in `language`.
    pub fn text(language: Language, text: impl Into<String>) -> Submission {
        Submission {
            language,
            source: Source::Text(text.into()),
        }
    }

    /// Classifies a file by its bytes (a binary module starts with `\0asm`)
    /// and, failing that, by its name (`.py` is Python, `.js` JavaScript,
    /// other text WAT).
    ///
    /// # Errors
    ///
    /// Text that is not UTF-8.
    pub fn from_file(name: &str, bytes: Vec<u8>) -> Result<Submission, CompileError> {
        if bytes.starts_with(b"\0asm") || name.ends_with(".wasm") {
            return Ok(Submission::wasm(bytes));
        }
        match String::from_utf8(bytes) {
            Ok(text) if name.ends_with(".py") => Ok(Submission::text(Language::Python, text)),
            Ok(text) if name.ends_with(".js") => Ok(Submission::text(Language::JavaScript, text)),
            Ok(text) => Ok(Submission::wat(text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(&e.into_bytes()[..at]).into_owned();
                let line = text.matches('\n').count() + 1;
                let column = text.len() - text.rfind('\n').map_or(0, |i| i + 1) + 1;
                Err(CompileError {
                    message: format!(
                        "the file is not UTF-8 text (byte {at} is not valid UTF-8); \
                         save it as UTF-8, or upload a compiled .wasm"
                    ),
                    line: Some(line as u32),
                    column: Some(column as u32),
                })
            }
        }
    }

    /// A file handed in for a lab in `lab`: a module's bytes stay a module;
    /// text is in the lab's language, or WAT for a lab of uploads (whose
    /// modules authors may write as text).
    ///
    /// # Errors
    ///
    /// Text that is not UTF-8.
    pub fn for_lab(lab: Language, name: &str, bytes: Vec<u8>) -> Result<Submission, CompileError> {
        let read = Submission::from_file(name, bytes)?;
        Ok(match read.source {
            Source::Text(text) if lab.has_editor() => Submission::text(lab, text),
            _ => read,
        })
    }

    /// The bytes that identify this submission in a record.
    pub fn bytes(&self) -> &[u8] {
        match &self.source {
            Source::Text(text) => text.as_bytes(),
            Source::Binary(bytes) => bytes,
        }
    }

    /// The source text, for a language written as text.
    pub fn as_text(&self) -> Option<&str> {
        match &self.source {
            Source::Text(text) => Some(text),
            Source::Binary(_) => None,
        }
    }
}

//! `CliError`: why a command did not succeed, what to tell the person, and
//! the exit code that says which kind of failure it was. Commands return it
//! (`CliResult`); `main` prints it, once.

use sandlab::record::{self, xapi};
use std::fmt;
use std::io;
use std::path::PathBuf;

/// What every command's `exec` returns.
pub type CliResult = Result<(), CliError>;

/// Exit codes: 2 when something given could not be used (a lab, a file, a
/// record, the output), 1 when it was checked and failed, and for `run`
/// the program's own code, or 125 when it trapped or hit a limit.
#[derive(Debug)]
pub enum CliError {
    /// A file or folder could not be read or written.
    Io { path: PathBuf, error: io::Error },
    /// Something given cannot be used as it is: labs with problems, a
    /// submission too large or that does not compile, a missing argument,
    /// an argument of the wrong type… The message says what and where.
    Unusable(String),
    /// The lab given to `grade` cannot be used, and why.
    Lab(Box<CliError>),
    /// A completion record cannot be read.
    Record { path: PathBuf, error: RecordError },
    /// A statement made from a record breaks a rule of xAPI: sandlab's
    /// fault, so nothing is sent.
    Statement {
        id: serde_json::Value,
        invalid: xapi::Invalid,
    },
    /// Checked, and something failed or differs; the command has printed
    /// what.
    Failed,
    /// `bundle`: the labs have problems (printed above).
    LabsHaveProblems,
    /// `xapi`: some records do not verify (printed above), so nothing was
    /// sent.
    NotVerified,
    /// `xapi --post`: the LRS refused a batch or could not be reached.
    Lrs {
        error: String,
        posted: usize,
        total: usize,
    },
    /// Some records could not be read; the command said which and went on
    /// with the others.
    Unreadable,
    /// `run`: the program exited with this code (not 0).
    Exited(u8),
    /// `run`: the program trapped or hit a limit (said on stderr already).
    Stopped,
    /// Writing to stdout failed, other than by the reader going away.
    Output(io::Error),
}

/// Why a record file cannot be read.
#[derive(Debug)]
pub enum RecordError {
    Io(io::Error),
    Read(record::ReadError),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed
            | CliError::LabsHaveProblems
            | CliError::NotVerified
            | CliError::Lrs { .. } => 1,
            CliError::Exited(code) => *code,
            CliError::Stopped => 125,
            CliError::Io { .. }
            | CliError::Unusable(_)
            | CliError::Lab(_)
            | CliError::Record { .. }
            | CliError::Statement { .. }
            | CliError::Unreadable
            | CliError::Output(_) => 2,
        }
    }

    /// Whether the command has already told the person everything, so
    /// only the exit code is left to give.
    pub fn is_reported(&self) -> bool {
        matches!(
            self,
            CliError::Failed | CliError::Unreadable | CliError::Exited(_) | CliError::Stopped
        )
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            CliError::Unusable(message) => f.write_str(message),
            CliError::Lab(why) => write!(f, "the lab cannot be used:\n{why}"),
            CliError::Record { path, error } => {
                write!(f, "{}: cannot be read: {error}", path.display())
            }
            CliError::Statement { id, invalid } => write!(
                f,
                "statement {id} is not valid xAPI {}:\n    {}",
                xapi::VERSION,
                invalid.problems.join("\n    ")
            ),
            CliError::Failed => f.write_str("checked, and something failed"),
            CliError::LabsHaveProblems => f.write_str(
                "the labs have problems; fix them (see `sandlab check`) before bundling",
            ),
            CliError::NotVerified => f.write_str(
                "some records do not verify, so no statements were made (--trust sends what they claim)",
            ),
            CliError::Lrs {
                error,
                posted,
                total,
            } => write!(
                f,
                "{error}\n{posted} of {total} statements were posted before this; posting again is safe, the LRS keeps one copy of each"
            ),
            CliError::Unreadable => f.write_str("some records cannot be read"),
            CliError::Exited(code) => write!(f, "the program exited with code {code}"),
            CliError::Stopped => f.write_str("the program trapped or hit a limit"),
            CliError::Output(error) => write!(f, "writing the output failed: {error}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Io { error, .. } | CliError::Output(error) => Some(error),
            CliError::Lab(why) => Some(why.as_ref()),
            CliError::Record { error, .. } => Some(error),
            CliError::Statement { invalid, .. } => Some(invalid),
            _ => None,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Io(e) => fmt::Display::fmt(e, f),
            RecordError::Read(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecordError::Io(e) => Some(e),
            RecordError::Read(e) => Some(e),
        }
    }
}

//! Verdicts: what happened to one check, and why, in words a learner can act on.

use crate::compile::CompileError;
use crate::sandbox::End;
use crate::vocab::thousands;
use std::fmt;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Passed,
    /// Ran fine, but a result, output or memory differs.
    WrongAnswer(Mismatch),
    /// The submission did not compile.
    CompileError(CompileError),
    /// The run ended otherwise than the check wanted: a trap, a limit, a
    /// missing or mistyped export, an import the sandbox lacks, or Stop.
    /// Decided before running too, where the module shows how a run would
    /// end (a missing export).
    Ended(End),
    /// Correct, but used more fuel than the check's budget allows.
    OverBudget {
        used: u64,
        budget: u64,
    },
    /// The learner's code raised an exception nothing caught (a script).
    Exception {
        /// Its type: `ZeroDivisionError`.
        kind: String,
        message: String,
        /// The line of the learner's code it came from.
        line: Option<u32>,
        /// As the language prints it, without the harness's frames.
        traceback: String,
    },
    /// A WASI program exited with an unexpected code.
    ExitCode {
        expected: i32,
        actual: i32,
    },
    /// The lab itself is broken: never the learner's fault.
    LabError {
        message: String,
    },
}

/// Expected against actual, for a wrong answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// What was compared: `add(2, 3)`, `stdout`, `memory at 16`…
    pub what: String,
    pub expected: String,
    pub actual: String,
    /// A line diff, for text.
    pub diff: Option<String>,
}

impl Verdict {
    /// The stable name used in reports and records.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::WrongAnswer(_) => "wrong answer",
            Verdict::CompileError(_) => "compile error",
            Verdict::Ended(end) => end.verdict_name(),
            Verdict::OverBudget { .. } => "over budget",
            Verdict::Exception { .. } => "exception",
            Verdict::ExitCode { .. } => "exit code",
            Verdict::LabError { .. } => "lab error",
        }
    }

    pub fn is_pass(&self) -> bool {
        matches!(self, Verdict::Passed)
    }

    /// Whether the learner is to blame; a lab error never counts against them.
    pub fn is_lab_error(&self) -> bool {
        matches!(self, Verdict::LabError { .. })
    }

    /// Whether grading was stopped before the check finished.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Verdict::Ended(End::Cancelled))
    }

    /// A check stopped by Stop, or never reached.
    pub fn cancelled() -> Verdict {
        Verdict::Ended(End::Cancelled)
    }
}

impl fmt::Display for Verdict {
    /// One or more lines explaining the verdict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Passed => f.write_str("passed"),
            Verdict::WrongAnswer(m) => {
                write!(
                    f,
                    "wrong answer: {}\n  expected: {}\n  actual:   {}",
                    m.what, m.expected, m.actual
                )?;
                if let Some(diff) = &m.diff {
                    write!(f, "\n  diff (- expected, + actual):\n")?;
                    for line in diff.lines() {
                        writeln!(f, "    {line}")?;
                    }
                }
                Ok(())
            }
            Verdict::CompileError(e) => write!(f, "compile error: {e}"),
            Verdict::Ended(end) => end.verdict_text(f),
            Verdict::OverBudget { used, budget } => write!(
                f,
                "over budget: correct, but used {} fuel where the budget is {}; find a faster way",
                thousands(*used),
                thousands(*budget)
            ),
            Verdict::ExitCode { expected, actual } => write!(
                f,
                "exit code: the program exited with {actual}, expected {expected}"
            ),
            Verdict::Exception {
                kind,
                message,
                line,
                traceback,
            } => {
                write!(f, "exception: {kind}")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                if let Some(line) = line {
                    write!(f, " (line {line})")?;
                }
                for l in traceback.lines() {
                    write!(f, "\n  {l}")?;
                }
                Ok(())
            }
            Verdict::LabError { message } => write!(
                f,
                "lab error (not your fault; tell the instructor): {message}"
            ),
        }
    }
}

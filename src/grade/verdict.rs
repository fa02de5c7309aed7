//! Verdicts: what happened to one check, and why, in words a learner can act on.

use crate::compile::CompileError;
use crate::sandbox::TrapKind;
use std::fmt;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Passed,
    /// Ran fine, but a result, output or memory differs.
    WrongAnswer(Mismatch),
    /// The submission did not compile.
    CompileError(CompileError),
    /// The module lacks what the check calls.
    MissingExport {
        name: String,
        expected: Option<String>,
    },
    /// The export exists with other types.
    WrongSignature {
        name: String,
        expected: String,
        actual: String,
    },
    Trap {
        kind: TrapKind,
        message: String,
    },
    OutOfFuel {
        limit: u64,
    },
    /// Correct, but used more fuel than the check's budget allows.
    OverBudget {
        used: u64,
        budget: u64,
    },
    MemoryLimit {
        limit_pages: u32,
        requested_pages: u64,
    },
    OutputLimit {
        limit: u64,
    },
    StackOverflow {
        limit: u32,
    },
    /// A WASI program exited with an unexpected code.
    ExitCode {
        expected: i32,
        actual: i32,
    },
    /// The module imports something the sandbox does not offer.
    LinkError {
        message: String,
    },
    /// The lab itself is broken: never the learner's fault.
    LabError {
        message: String,
    },
    /// Grading was stopped before this check ran.
    Cancelled,
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
            Verdict::MissingExport { .. } => "missing export",
            Verdict::WrongSignature { .. } => "wrong signature",
            Verdict::Trap { .. } => "trap",
            Verdict::OutOfFuel { .. } => "out of fuel",
            Verdict::OverBudget { .. } => "over budget",
            Verdict::MemoryLimit { .. } => "memory limit",
            Verdict::OutputLimit { .. } => "output limit",
            Verdict::StackOverflow { .. } => "stack overflow",
            Verdict::ExitCode { .. } => "exit code",
            Verdict::LinkError { .. } => "link error",
            Verdict::LabError { .. } => "lab error",
            Verdict::Cancelled => "cancelled",
        }
    }

    pub fn is_pass(&self) -> bool {
        matches!(self, Verdict::Passed)
    }

    /// Whether the learner is to blame; a lab error never counts against them.
    pub fn is_lab_error(&self) -> bool {
        matches!(self, Verdict::LabError { .. })
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
            Verdict::MissingExport { name, expected } => {
                write!(f, "missing export: the module does not export `{name}`")?;
                if let Some(sig) = expected {
                    write!(
                        f,
                        "; add (func (export \"{name}\") ...) with signature {sig}"
                    )?;
                }
                Ok(())
            }
            Verdict::WrongSignature {
                name,
                expected,
                actual,
            } => write!(
                f,
                "wrong signature: `{name}` should be {expected}, but it is {actual}"
            ),
            Verdict::Trap { kind, message } => write!(f, "trap ({kind}): {message}"),
            Verdict::OutOfFuel { limit } => write!(
                f,
                "out of fuel: used all {limit} instructions of the budget without finishing (an endless loop?)"
            ),
            Verdict::OverBudget { used, budget } => write!(
                f,
                "over budget: correct, but used {used} fuel where the budget is {budget}; find a faster way"
            ),
            Verdict::MemoryLimit {
                limit_pages,
                requested_pages,
            } => write!(
                f,
                "memory limit: asked for {requested_pages} pages of 64 KiB; the limit is {limit_pages} pages"
            ),
            Verdict::OutputLimit { limit } => write!(
                f,
                "output limit: wrote more than {limit} bytes (printing in an endless loop?)"
            ),
            Verdict::StackOverflow { limit } => write!(
                f,
                "stack overflow: calls nested deeper than {limit} (recursion without a base case?)"
            ),
            Verdict::ExitCode { expected, actual } => write!(
                f,
                "exit code: the program exited with {actual}, expected {expected}"
            ),
            Verdict::LinkError { message } => write!(f, "link error: {message}"),
            Verdict::LabError { message } => write!(
                f,
                "lab error (not your fault; tell the instructor): {message}"
            ),
            Verdict::Cancelled => f.write_str("cancelled: grading was stopped"),
        }
    }
}

//! How a run ended: the one account every engine gives, every host function
//! and limit stops with, and every verdict about a run that went wrong
//! carries ([`crate::grade::Verdict::Ended`]).

use crate::vocab::{FuncSig, TrapKind, Value, thousands};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum End {
    /// The called function returned these values (a command returned normally: empty).
    Returned(Vec<Value>),
    /// The program called `proc_exit`.
    Exited(i32),
    Trapped {
        kind: TrapKind,
        message: String,
    },
    OutOfFuel {
        limit: u64,
    },
    MemoryLimit {
        limit_pages: u32,
        requested_pages: u64,
    },
    TableLimit {
        limit: u64,
        requested: u64,
    },
    OutputLimit {
        limit: u64,
    },
    StackOverflow {
        limit: u32,
    },
    /// Something the run or the check needs is not exported.
    MissingExport {
        name: String,
        wanted: Wanted,
    },
    /// The export exists with other types than the run or the check needs.
    WrongSignature {
        name: String,
        expected: String,
        actual: String,
    },
    /// The module needs an import the sandbox does not provide.
    LinkError {
        message: String,
    },
    /// The run was stopped from outside (the Stop button).
    Cancelled,
}

/// What a missing export should have been.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Wanted {
    /// A function, of this signature when it is known.
    Function(Option<FuncSig>),
    /// A linear memory.
    Memory,
    Table,
    Global,
    /// A function the learner's Python script should define.
    Definition,
    /// A function the learner's script should define, and how its
    /// language writes one (`function add(...) { ... }`).
    Written {
        how: String,
    },
}

impl Wanted {
    /// `a memory`, `a table`…: what the learner must add.
    fn what(&self) -> &'static str {
        match self {
            Wanted::Function(_) => "a function",
            Wanted::Memory => "a memory",
            Wanted::Table => "a table",
            Wanted::Global => "a global",
            Wanted::Definition | Wanted::Written { .. } => "a function",
        }
    }

    /// How to add it in WAT.
    fn how(&self, name: &str) -> String {
        match self {
            Wanted::Function(_) => format!("(func (export \"{name}\") ...)"),
            Wanted::Memory => format!("(memory (export \"{name}\") 1)"),
            Wanted::Table => format!("(table (export \"{name}\") 1 funcref)"),
            Wanted::Global => format!("(global (export \"{name}\") i32 (i32.const 0))"),
            Wanted::Definition => format!("def {name}(...):"),
            Wanted::Written { how } => how.clone(),
        }
    }
}

impl End {
    /// Whether the run got to the end of its own accord (returned or exited).
    pub fn is_normal(&self) -> bool {
        matches!(self, End::Returned(_) | End::Exited(_))
    }

    /// The stable name of a check's verdict when its run ended this way:
    /// reports and records use it.
    pub fn verdict_name(&self) -> &'static str {
        match self {
            End::Returned(_) | End::Exited(_) => "passed",
            // A table too large is a trap to the learner (records made
            // before the table cap had its own name say so too).
            End::Trapped { .. } | End::TableLimit { .. } => "trap",
            End::OutOfFuel { .. } => "out of fuel",
            End::MemoryLimit { .. } => "memory limit",
            End::OutputLimit { .. } => "output limit",
            End::StackOverflow { .. } => "stack overflow",
            End::MissingExport { .. } => "missing export",
            End::WrongSignature { .. } => "wrong signature",
            End::LinkError { .. } => "link error",
            End::Cancelled => "cancelled",
        }
    }

    /// The verdict's explanation, as a check's result shows it: its name,
    /// then what happened and what to look at.
    pub fn verdict_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Returned(_) | End::Exited(_) => f.write_str("passed"),
            End::Trapped { kind, message } => write!(f, "trap ({kind}): {message}"),
            End::TableLimit { .. } => write!(f, "trap ({}): {self}", TrapKind::Other),
            End::OutOfFuel { limit } => write!(
                f,
                "out of fuel: used all {} fuel the check allows without finishing (an endless loop?)",
                thousands(*limit)
            ),
            End::MemoryLimit {
                limit_pages,
                requested_pages,
            } => write!(
                f,
                "memory limit: asked for {requested_pages} pages of 64 KiB; the limit is {limit_pages} pages"
            ),
            End::OutputLimit { limit } => write!(
                f,
                "output limit: wrote more than {} bytes (printing in an endless loop?)",
                thousands(*limit)
            ),
            End::StackOverflow { limit } => write!(
                f,
                "stack overflow: calls nested deeper than {limit} (recursion without a base case?)"
            ),
            End::MissingExport { name, wanted } => {
                write!(f, "missing export: ")?;
                match wanted {
                    Wanted::Function(None) => {
                        write!(f, "the module does not export `{name}`")
                    }
                    Wanted::Definition | Wanted::Written { .. } => write!(
                        f,
                        "your code defines no function `{name}`: define it ({}) at the top level of your file",
                        wanted.how(name)
                    ),
                    Wanted::Function(Some(sig)) => write!(
                        f,
                        "the module does not export `{name}`; add (func (export \"{name}\") ...) with signature {sig}"
                    ),
                    other => write!(
                        f,
                        "the module does not export {} named `{name}`; add {}",
                        other.what(),
                        other.how(name)
                    ),
                }
            }
            End::WrongSignature {
                name,
                expected,
                actual,
            } => write!(
                f,
                "wrong signature: `{name}` should be {expected}, but it is {actual}"
            ),
            End::LinkError { message } => write!(f, "link error: {message}"),
            End::Cancelled => f.write_str("cancelled: grading was stopped"),
        }
    }
}

impl fmt::Display for End {
    /// What happened, as a sentence about the run (the Run console's words).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Returned(values) if values.is_empty() => f.write_str("returned"),
            End::Returned(values) => write!(f, "returned {}", join_values(values)),
            End::Exited(code) => write!(f, "exited with code {code}"),
            End::Trapped { message, .. } => write!(f, "trapped: {message}"),
            End::OutOfFuel { limit } => write!(
                f,
                "ran out of fuel after {} instructions (an endless loop?)",
                thousands(*limit)
            ),
            End::MemoryLimit {
                limit_pages,
                requested_pages,
            } => write!(
                f,
                "asked for {requested_pages} pages of memory; the limit is {limit_pages} pages ({} KiB)",
                *limit_pages as u64 * 64
            ),
            End::TableLimit { limit, requested } => write!(
                f,
                "asked for a table of {requested} elements; the limit is {limit}"
            ),
            End::OutputLimit { limit } => write!(
                f,
                "wrote more than the output limit of {} bytes (a print in a loop?)",
                thousands(*limit)
            ),
            End::StackOverflow { limit } => write!(
                f,
                "exceeded the call depth limit of {limit} (recursion without a base case?)"
            ),
            End::MissingExport {
                name,
                wanted: Wanted::Function(_),
            } => write!(f, "the module does not export `{name}`"),
            End::MissingExport { name, wanted } => write!(
                f,
                "the module does not export {} named `{name}`",
                wanted.what()
            ),
            End::WrongSignature {
                name,
                expected,
                actual,
            } => write!(
                f,
                "`{name}` has signature {actual}, but it was called as {expected}"
            ),
            End::LinkError { message } => f.write_str(message),
            End::Cancelled => f.write_str("stopped"),
        }
    }
}

/// Values as a comma-separated list, as reports show them.
pub fn join_values(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

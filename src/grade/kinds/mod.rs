//! How each kind of check is graded, one file per kind: what it decides
//! from the module before anything runs, which runs it makes, and the
//! verdict of each. The driver (`super::driver`) does the rest the same for
//! every kind: compiling, link errors, limits, the language's world, fuel
//! and budgets.

mod call;
mod module;
mod random;
mod run;
pub(crate) mod script;

use super::{Mismatch, Verdict};
use crate::compile::Binary;
use crate::lab::{CheckKind, Expect, Lab};
use crate::sandbox::{End, Outcome, Program, Request, Wanted};
use crate::vocab::{FuncSig, Show, TrapKind, Value, join_shown};

pub use run::text_matches;

/// What a check sees of the module before anything runs.
pub(super) struct Module<'a> {
    pub lab: &'a Lab,
    pub program: &'a Program,
    pub binary: &'a Binary,
}

/// How one kind of check is graded.
pub(super) trait Rules {
    /// A verdict decided from the module alone, or `None` to run it.
    fn before_running(&self, module: &Module<'_>) -> Option<Verdict>;

    /// Whether the check runs the module (and so needs it to link).
    fn runs_code(&self) -> bool {
        true
    }

    /// The runs the check makes, in order; grading stops at the first that
    /// does not pass. Limits and the language's world are added by the
    /// driver.
    fn runs(&self) -> Vec<Request>;

    /// The verdict of run `case`, made from `request`.
    fn verdict(&self, case: usize, request: &Request, outcome: &Outcome) -> Verdict;

    /// What run `case` ran and what it wanted, in the learner's terms, for
    /// a verdict that does not say (see [`crate::grade::CheckReport`]).
    fn describe(&self, case: usize, request: &Request) -> Described;
}

/// What a run ran and what its check wanted.
#[derive(Default)]
pub(super) struct Described {
    pub input: Option<String>,
    pub expected: Option<String>,
    /// A wrong answer of this kind already says what was called.
    pub called_in_mismatch: bool,
}

/// The rules of a check's kind.
pub(super) fn rules(kind: &CheckKind) -> &dyn Rules {
    match kind {
        CheckKind::Call(c) => c,
        CheckKind::Run(r) => r,
        CheckKind::Module(m) => m,
        CheckKind::Random(r) => r,
        CheckKind::ScriptCall(c) => c,
        CheckKind::ScriptRandom(r) => r,
        CheckKind::ScriptTest(t) => t,
    }
}

/// `add(2, 3)`: a call as a learner would write it (arguments signed
/// unless the check shows integers in hex or unsigned).
pub(super) fn call_text(function: &str, args: &[Value], show: Show) -> String {
    let show = match show {
        Show::Auto | Show::Char => Show::Signed,
        other => other,
    };
    format!("{function}({})", join_shown(args, show))
}

/// The function and arguments of a call request.
fn called(request: &Request) -> (&str, &[Value]) {
    match &request.entry {
        crate::sandbox::Entry::Call { function, args } => (function, args),
        crate::sandbox::Entry::Command => ("_start", &[]),
    }
}

/// The verdict for a run that did not end normally, or `None` if it did.
fn abnormal(end: &End) -> Option<Verdict> {
    (!end.is_normal()).then(|| Verdict::Ended(end.clone()))
}

fn describe_expect(expect: &Expect, show: Show) -> String {
    match expect {
        Expect::Anything => "anything".into(),
        Expect::Values(v) if v.is_empty() => "to return".into(),
        Expect::Values(v) => join_shown(v, show),
        Expect::Trap(None) => "a trap".into(),
        Expect::Trap(Some(k)) => format!("a trap ({k})"),
    }
}

/// Compares a call's end with what was expected.
fn expect_verdict(what: String, expect: &Expect, end: &End, tolerance: f64, show: Show) -> Verdict {
    let mismatch = |actual: String| {
        Verdict::WrongAnswer(Mismatch {
            what: what.clone(),
            expected: describe_expect(expect, show),
            actual,
            diff: None,
        })
    };
    match (expect, end) {
        (Expect::Trap(want), End::Trapped { kind, .. }) => match want {
            Some(w) if w != kind => mismatch(format!("a trap ({kind})")),
            _ => Verdict::Passed,
        },
        (Expect::Trap(_), End::Returned(values)) => {
            mismatch(format!("returned {}", join_shown(values, show)))
        }
        (_, End::Exited(code)) => Verdict::Ended(End::Trapped {
            kind: TrapKind::Other,
            message: format!("the function called proc_exit({code}) instead of returning"),
        }),
        (Expect::Trap(_), _) | (_, End::Trapped { .. }) => {
            abnormal(end).unwrap_or_else(|| mismatch(end.to_string()))
        }
        (Expect::Values(want), End::Returned(got)) => {
            let same = want.len() == got.len()
                && want.iter().zip(got).all(|(w, g)| w.matches(*g, tolerance));
            if same {
                Verdict::Passed
            } else {
                mismatch(if got.is_empty() {
                    "nothing".into()
                } else {
                    join_shown(got, show)
                })
            }
        }
        (Expect::Anything, End::Returned(_)) => Verdict::Passed,
        (_, other) => abnormal(other).unwrap_or(Verdict::Passed),
    }
}

/// The verdict when the module's export `name` is missing or has other
/// types than `declared`; `None` when it is as declared.
fn signature_verdict(program: &Program, name: &str, declared: Option<&FuncSig>) -> Option<Verdict> {
    let Some(declared) = declared else {
        return Some(Verdict::LabError {
            message: format!("`{name}` has no signature under [exports]"),
        });
    };
    let wrong = |actual: String| {
        Some(Verdict::Ended(End::WrongSignature {
            name: name.to_string(),
            expected: declared.to_string(),
            actual,
        }))
    };
    match program.export_sig(name) {
        None => Some(Verdict::Ended(End::MissingExport {
            name: name.to_string(),
            wanted: Wanted::Function(Some(declared.clone())),
        })),
        Some(Err(actual)) => wrong(actual),
        Some(Ok(actual)) if actual != *declared => wrong(actual.to_string()),
        Some(Ok(_)) => None,
    }
}

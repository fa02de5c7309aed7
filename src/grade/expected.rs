//! The expected values of `random` checks, computed from the lab's
//! reference solution when the lab is built (`sandlab check`, `sandlab
//! bundle`), so the browser never needs the solution.

use super::kinds::call_text;
use crate::compile::{self, CompileError};
use crate::lab::{CheckKind, Expect, Lab};
use crate::language;
use crate::sandbox::{self, End, Request};
use std::fmt;

/// Why the expected values could not be computed: the lab is broken.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectedError {
    /// The lab has random checks but no reference solution.
    NoSolution,
    /// The reference solution does not compile.
    SolutionDoesNotCompile(CompileError),
    /// The reference solution, called on one of the inputs, neither
    /// returned nor trapped.
    SolutionFails {
        check: String,
        call: String,
        end: Box<End>,
    },
}

impl fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedError::NoSolution => {
                f.write_str("random checks need the reference solution, and the lab has none")
            }
            ExpectedError::SolutionDoesNotCompile(e) => {
                write!(f, "the reference solution does not compile: {e}")
            }
            ExpectedError::SolutionFails { check, call, end } => write!(
                f,
                "check `{check}`: the reference solution, called as {call}, {end}"
            ),
        }
    }
}

impl std::error::Error for ExpectedError {}

/// Fills in the expected values of every random check by running the lab's
/// reference solution on the generated inputs.
///
/// # Errors
///
/// The lab has no solution, it does not compile, or it does not return on
/// some input: the lab is broken, and the error says where.
pub fn compute_expected(lab: &mut Lab) -> Result<(), ExpectedError> {
    let needs = lab
        .checks
        .iter()
        .any(|c| matches!(c.kind, CheckKind::Random(_)));
    if !needs {
        return Ok(());
    }
    let Some(solution) = &lab.solution else {
        return Err(ExpectedError::NoSolution);
    };
    let runnable =
        language::build(lab.language, solution).map_err(ExpectedError::SolutionDoesNotCompile)?;
    for check in &mut lab.checks {
        let limits = check.limits;
        let CheckKind::Random(r) = &mut check.kind else {
            continue;
        };
        let program = compile::load(&runnable.binary, limits.stack_depth)
            .map_err(ExpectedError::SolutionDoesNotCompile)?;
        let mut expected = Vec::new();
        for input in r.inputs() {
            let mut request = Request::call(&r.function, input.clone());
            request.limits = limits;
            let outcome = sandbox::run(&program, request);
            expected.push(match outcome.end {
                End::Returned(values) => Expect::Values(values),
                End::Trapped { kind, .. } => Expect::Trap(Some(kind)),
                end => {
                    return Err(ExpectedError::SolutionFails {
                        check: check.name.clone(),
                        call: call_text(&r.function, &input, r.show),
                        end: Box::new(end),
                    });
                }
            });
        }
        r.expected = Some(expected);
    }
    Ok(())
}

//! The expected values of `random` checks, computed from the lab's
//! reference solution when the lab is built (`sandlab check`, `sandlab
//! bundle`), so the browser never needs the solution.

use super::kinds::call_text;
use super::kinds::script::{call_job, job_request, result};
use crate::compile::{self, CompileError};
use crate::lab::{CheckKind, Expect, Lab, ScriptRandom};
use crate::language::{self, Runnable};
use crate::sandbox::{self, End, Program, Request};
use crate::vocab::Limits;
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
    /// The reference solution's result on one of the inputs cannot be an
    /// expected value (it raised, or its value has no literal form).
    SolutionResult {
        check: String,
        call: String,
        problem: String,
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
            ExpectedError::SolutionResult {
                check,
                call,
                problem,
            } => write!(
                f,
                "check `{check}`: the reference solution, called as {call}, {problem}"
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
        .any(|c| matches!(c.kind, CheckKind::Random(_) | CheckKind::ScriptRandom(_)));
    if !needs {
        return Ok(());
    }
    let Some(solution) = &lab.solution else {
        return Err(ExpectedError::NoSolution);
    };
    let runnable = language::build(lab.language, solution, lab.runtime.as_deref())
        .map_err(ExpectedError::SolutionDoesNotCompile)?;
    for check in &mut lab.checks {
        let limits = check.limits;
        if let CheckKind::ScriptRandom(r) = &mut check.kind {
            let program = compile::load(&runnable.binary, limits.stack_depth)
                .map_err(ExpectedError::SolutionDoesNotCompile)?;
            r.expected = Some(script_expected(
                &check.name,
                r,
                &runnable,
                &program,
                limits,
            )?);
            continue;
        }
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

/// What the reference script returns on each input of `r`, as the
/// language writes the values.
fn script_expected(
    check: &str,
    r: &ScriptRandom,
    runnable: &Runnable,
    program: &Program,
    limits: Limits,
) -> Result<Vec<String>, ExpectedError> {
    let mut expected = Vec::new();
    for input in r.inputs() {
        let call = format!(
            "{}({})",
            r.function,
            serde_json::to_string(&input).unwrap_or_default()
        );
        let problem = |problem: String| ExpectedError::SolutionResult {
            check: check.to_string(),
            call: call.clone(),
            problem,
        };
        let mut request = job_request(
            call_job(r.module, &r.function, &input, None, None, r.tolerance),
            Default::default(),
        );
        // Its job (and token), before the learner's world is added.
        let request_for_result = request.clone();
        request.limits = limits;
        runnable.add_world(&mut request);
        let outcome = sandbox::run(program, request);
        let Some(found) = result(&request_for_result, &outcome) else {
            return Err(ExpectedError::SolutionFails {
                check: check.to_string(),
                call,
                end: Box::new(outcome.end),
            });
        };
        if let Some(text) = found["actual"].as_str() {
            expected.push(text.to_string());
        } else if let Some(text) = found["unrepresentable"].as_str() {
            return Err(problem(format!(
                "returned {text}, which has no literal form to compare with"
            )));
        } else if let Some(e) = found.get("exception") {
            return Err(problem(format!(
                "raised {}: {}",
                e["type"].as_str().unwrap_or("an exception"),
                e["message"].as_str().unwrap_or_default()
            )));
        } else {
            return Err(problem(format!("left no value ({found})")));
        }
    }
    Ok(expected)
}

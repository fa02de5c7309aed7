//! The checks of script languages: each run hands the language's harness a
//! job (`.sandlab/job.json`: call this function with these arguments, or
//! run this test), and reads what it found (`.sandlab/result.json`): a
//! value compared there as the language compares, an exception with the
//! learner's own traceback, a failed assertion with its values.

use super::{Described, Module, Rules};
use crate::compile::CompileError;
use crate::grade::{Mismatch, Verdict};
use crate::lab::{Literal, ScriptCall, ScriptExpect, ScriptRandom, ScriptTest};
use crate::sandbox::{End, Outcome, Request, Wanted};
use crate::vocab::TrapKind;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Where the harness finds its job, and leaves what it found.
pub(crate) const JOB: &str = ".sandlab/job.json";
pub(crate) const RESULT: &str = ".sandlab/result.json";

/// A run with `job` for the harness, and `files` beside it.
///
/// The job carries a token the harness copies into its result after it has
/// read the job and deleted its file: a result without it was written by
/// the learner's code, not the harness, and counts for nothing. (Code that
/// digs the token out of the harness's frames can still fool it, as it can
/// any in-process grader; the instructor sees that code in the record.) The
/// token is a hash of the job, so a run is the same on every machine.
pub(crate) fn job_request(mut job: Json, files: BTreeMap<String, Vec<u8>>) -> Request {
    use sha2::{Digest, Sha256};
    let token = crate::lab::hex(&Sha256::digest(job.to_string().as_bytes())[..16]);
    job["token"] = json!(token);
    let mut request = Request::command();
    request.world.files = files;
    request
        .world
        .files
        .insert(JOB.to_string(), job.to_string().into_bytes());
    request
}

/// The job of a call: `expect` absent asks for the value's text instead
/// (how the reference solution's results become random checks').
pub(crate) fn call_job(
    module: &str,
    function: &str,
    args: &[Literal],
    expect: Option<&ScriptExpect>,
    expect_text: Option<&str>,
    tolerance: f64,
) -> Json {
    let mut job = json!({
        "kind": "call",
        "module": module,
        "function": function,
        "args": args,
        "tolerance": tolerance,
    });
    match (expect, expect_text) {
        // Lab files have no null: a budget check that checks only fuel.
        (Some(ScriptExpect::Value(Json::Null)), _) => {}
        (Some(ScriptExpect::Value(v)), _) => job["expect"] = v.clone(),
        (Some(ScriptExpect::Raises(name)), _) => job["raises"] = json!(name),
        (None, Some(text)) => job["expect_text"] = json!(text),
        (None, None) => {}
    }
    job
}

/// What the harness left, if it left anything readable, written by the
/// harness itself: with the job's token (a run without a job, a script's
/// own run, has none).
pub(crate) fn result(request: &Request, outcome: &Outcome) -> Option<Json> {
    let found: Json = serde_json::from_slice(outcome.files.get(RESULT)?).ok()?;
    let token = |json: &Json| json.get("token").and_then(Json::as_str).map(str::to_string);
    let wanted = request
        .world
        .files
        .get(JOB)
        .and_then(|job| serde_json::from_slice::<Json>(job).ok())
        .and_then(|job| token(&job));
    (token(&found) == wanted).then_some(found)
}

/// The fuel the learner's call or test spent, as the harness measured it
/// (the sandbox's CPU clock reads fuel), if the run got that far.
pub(crate) fn learner_fuel(request: &Request, outcome: &Outcome) -> Option<u64> {
    if !outcome.end.is_normal() {
        return None;
    }
    result(request, outcome)?.get("fuel")?.as_u64()
}

/// The verdict of a run that ended normally with no result from the
/// harness: the learner's code ended the interpreter itself (`os._exit`)
/// before the check finished, or wrote a result of its own.
fn no_result(outcome: &Outcome) -> Verdict {
    let message = match &outcome.end {
        End::Exited(code) => format!(
            "the code ended the program (exit code {code}, os._exit?) before the check finished"
        ),
        _ => "the check's result was not written by sandlab's harness \
              (did the code write .sandlab/result.json itself?)"
            .into(),
    };
    Verdict::Ended(End::Trapped {
        kind: TrapKind::Other,
        message,
    })
}

/// The verdict for an exception the harness caught (a `SyntaxError` is a
/// compile error, so the editor marks its line), or `None`.
pub(crate) fn exception(result: &Json) -> Option<Verdict> {
    let e = result.get("exception")?;
    let text = |key: &str| e[key].as_str().unwrap_or_default().to_string();
    let number = |key: &str| e[key].as_u64().map(|n| n as u32);
    let kind = text("type");
    // Python's names say it; a JavaScript harness says so (a SyntaxError
    // can also be thrown as the code runs: `JSON.parse("x")`).
    let compile = e["compile"].as_bool().unwrap_or(matches!(
        kind.as_str(),
        "SyntaxError" | "IndentationError" | "TabError"
    ));
    if compile {
        return Some(Verdict::CompileError(CompileError {
            message: format!("{kind}: {}", text("message")),
            line: number("line"),
            column: number("column"),
        }));
    }
    Some(Verdict::Exception {
        kind,
        message: text("message"),
        line: number("line"),
        traceback: text("traceback"),
    })
}

/// A failed run of a script, as its harness saw it: an uncaught exception
/// says more than the exit code it caused.
pub(crate) fn crash(request: &Request, outcome: &Outcome) -> Option<Verdict> {
    exception(&result(request, outcome)?)
}

/// A verdict about the interpreter's WebAssembly, said in the script's
/// terms. The interpreter's C stack sits below its data with nothing
/// beneath, so when it runs out a load or store goes past the end of
/// memory: that only happens when recursion through the interpreter's own
/// C code (`getattr`, `repr`, a sort's key) goes deeper than the stack
/// holds, which Python stops with a `RecursionError` unless
/// `sys.setrecursionlimit` was raised.
pub(crate) fn in_script_terms(verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::Ended(End::Trapped {
            kind: TrapKind::MemoryOutOfBounds,
            ..
        }) => Verdict::Ended(End::Trapped {
            kind: TrapKind::Other,
            message: "the interpreter's stack ran out: recursion through Python's own \
                      functions went too deep (was sys.setrecursionlimit raised?)"
                .into(),
        }),
        other => other,
    }
}

/// The verdict of a call job's run.
fn call_verdict(
    request: &Request,
    outcome: &Outcome,
    what: impl FnOnce(&Json) -> String,
) -> Verdict {
    if !outcome.end.is_normal() {
        return Verdict::Ended(outcome.end.clone());
    }
    let Some(result) = result(request, outcome) else {
        return no_result(outcome);
    };
    if let Some(v) = exception(&result) {
        return v;
    }
    if let Some(name) = result["missing"].as_str() {
        return Verdict::Ended(End::MissingExport {
            name: name.to_string(),
            // The harness may say how its language writes one.
            wanted: match result["how"].as_str() {
                Some(how) => Wanted::Written {
                    how: how.to_string(),
                },
                None => Wanted::Definition,
            },
        });
    }
    if let Some(code) = result["exit"].as_i64() {
        return Verdict::Ended(End::Trapped {
            kind: TrapKind::Other,
            message: format!(
                "the code called {}({code}) instead of returning",
                result["by"].as_str().unwrap_or("sys.exit")
            ),
        });
    }
    // Without an expectation (a budget check alone) any value passes.
    if result["passed"].as_bool() == Some(true) || result["unrepresentable"].is_string() {
        return Verdict::Passed;
    }
    let text = |key: &str| result[key].as_str().unwrap_or_default().to_string();
    Verdict::WrongAnswer(Mismatch {
        what: what(&result),
        expected: text("expected"),
        actual: text("actual"),
        diff: None,
    })
}

/// `add(2, 3)`, as the harness wrote the call.
fn call_what(result: &Json, function: &str) -> String {
    result["call"]
        .as_str()
        .map_or_else(|| format!("{function}(…)"), str::to_string)
}

impl Rules for ScriptCall {
    fn before_running(&self, _module: &Module<'_>) -> Option<Verdict> {
        None
    }

    fn runs(&self) -> Vec<Request> {
        let job = call_job(
            self.module,
            &self.function,
            &self.args,
            Some(&self.expect),
            None,
            self.tolerance,
        );
        vec![job_request(job, BTreeMap::new())]
    }

    fn verdict(&self, _case: usize, request: &Request, outcome: &Outcome) -> Verdict {
        call_verdict(request, outcome, |r| call_what(r, &self.function))
    }

    fn describe(&self, _case: usize, _request: &Request) -> Described {
        Described {
            called_in_mismatch: true,
            input: Some(format!("{}({})", self.function, literals(&self.args))),
            expected: Some(match &self.expect {
                ScriptExpect::Value(v) => literal_text(v),
                ScriptExpect::Raises(name) => format!("to raise {name}"),
            }),
        }
    }
}

impl Rules for ScriptRandom {
    fn before_running(&self, _module: &Module<'_>) -> Option<Verdict> {
        match &self.expected {
            None => Some(Verdict::LabError {
                message: "the random check's expected values were not computed from the \
                          reference solution (run the lab through `sandlab check`)"
                    .into(),
            }),
            Some(e) if e.len() != self.count as usize => Some(Verdict::LabError {
                message: "the random check's expected values do not match its inputs".into(),
            }),
            Some(_) => None,
        }
    }

    fn runs(&self) -> Vec<Request> {
        let expected = self.expected.clone().unwrap_or_default();
        self.inputs()
            .iter()
            .zip(expected.iter())
            .map(|(input, text)| {
                let job = call_job(
                    self.module,
                    &self.function,
                    input,
                    None,
                    Some(text),
                    self.tolerance,
                );
                job_request(job, BTreeMap::new())
            })
            .collect()
    }

    fn verdict(&self, case: usize, request: &Request, outcome: &Outcome) -> Verdict {
        call_verdict(request, outcome, |r| {
            format!(
                "{} (random input {} of {})",
                call_what(r, &self.function),
                case + 1,
                self.count
            )
        })
    }

    fn describe(&self, case: usize, _request: &Request) -> Described {
        let input = self.inputs().into_iter().nth(case).unwrap_or_default();
        Described {
            called_in_mismatch: true,
            input: Some(format!("{}({})", self.function, literals(&input))),
            expected: self.expected.as_ref().and_then(|e| e.get(case)).cloned(),
        }
    }
}

impl Rules for ScriptTest {
    fn before_running(&self, _module: &Module<'_>) -> Option<Verdict> {
        None
    }

    fn runs(&self) -> Vec<Request> {
        let job = json!({ "kind": "test", "file": self.file, "test": self.test });
        vec![job_request(
            job,
            BTreeMap::from([(self.file.clone(), self.source.clone())]),
        )]
    }

    fn verdict(&self, _case: usize, request: &Request, outcome: &Outcome) -> Verdict {
        if !outcome.end.is_normal() {
            return Verdict::Ended(outcome.end.clone());
        }
        let Some(result) = result(request, outcome) else {
            return no_result(outcome);
        };
        if let Some(v) = exception(&result) {
            return v;
        }
        if result["passed"].as_bool() == Some(true) {
            return Verdict::Passed;
        }
        let failed = &result["failed"];
        let values: Vec<&str> = failed["values"]
            .as_array()
            .map(|v| v.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        Verdict::WrongAnswer(Mismatch {
            what: format!(
                "{} (line {} of {})",
                self.test,
                failed["line"].as_u64().unwrap_or(0),
                self.file
            ),
            // The failing statement as written (Python's harness sends
            // the assertion's expression alone).
            expected: match failed["statement"].as_str() {
                Some(statement) => statement.to_string(),
                None => format!("assert {}", failed["assertion"].as_str().unwrap_or("?")),
            },
            actual: if values.is_empty() {
                "the assertion failed".into()
            } else {
                values.join("; ")
            },
            diff: None,
        })
    }

    fn describe(&self, _case: usize, _request: &Request) -> Described {
        Described {
            called_in_mismatch: true,
            input: Some(format!("{} in {}", self.test, self.file)),
            expected: None,
        }
    }
}

/// Literals as an argument list, the way most languages write them.
fn literals(values: &[Literal]) -> String {
    values
        .iter()
        .map(literal_text)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A literal as JSON writes it, NaN and the infinities as their names.
fn literal_text(v: &Literal) -> String {
    match v.get("$float").and_then(Json::as_str) {
        Some(name) => name.to_string(),
        None => v.to_string(),
    }
}

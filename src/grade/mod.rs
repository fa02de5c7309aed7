//! Grading: (lab, submission) → [`Report`], a verdict per check.
//!
//! The browser and the CLI call this same code, so a verdict is a function of
//! the lab, the submission and the engine version alone. [`Grading`] runs the
//! checks in fuel slices for the browser; [`grade`] runs them to the end.

mod diff;
mod json;
mod quiz;
mod verdict;

pub use diff::line_diff;
pub use json::report_json;
pub use quiz::{Answer, AnswerVerdict, Answers, QuestionReport, grade_answer, grade_answers};
pub use verdict::{Mismatch, Verdict};

use crate::compile::{self, Binary, CompileError, Submission};
use crate::lab::{
    CallCheck, Check, CheckKind, Compare, Data, Expect, ExportExpect, Lab, ModuleCheck,
    RandomCheck, RunCheck, TextExpect,
};
use crate::sandbox::{
    self, End, Execution, MemoryRead, MemoryWrite, Outcome, Program, Request, Wanted, World,
};
use crate::vocab::{FuncSig, TrapKind, Value};

/// The result of grading one submission against one lab.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub lab_id: String,
    /// Every check passed.
    pub passed: bool,
    pub score: u32,
    pub max_score: u32,
    /// Set when the submission did not compile (every check then carries it).
    pub compile_error: Option<CompileError>,
    pub checks: Vec<CheckReport>,
    /// The lab's questions, graded from the answers given (none: unanswered).
    pub questions: Vec<QuestionReport>,
}

impl Report {
    /// The report with `answers` graded into its questions and its score.
    pub fn answered(mut self, lab: &Lab, answers: &Answers) -> Report {
        self.questions = grade_answers(lab, answers);
        self.total();
        self
    }

    /// Score, maximum and `passed` from the checks and questions. A broken
    /// check is the lab's fault: it is left out of the maximum and of
    /// `passed`, so it never counts against the learner.
    fn total(&mut self) {
        let counted = || self.checks.iter().filter(|c| !c.verdict.is_lab_error());
        self.score = self.checks.iter().map(|c| c.score).sum::<u32>()
            + self.questions.iter().map(|q| q.score).sum::<u32>();
        self.max_score = counted().map(|c| c.points).sum::<u32>()
            + self.questions.iter().map(|q| q.points).sum::<u32>();
        self.passed = counted().all(|c| c.verdict.is_pass())
            && self
                .questions
                .iter()
                .all(|q| q.verdict == AnswerVerdict::Correct);
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    pub name: String,
    /// The check's kind as written in lab files.
    pub kind: &'static str,
    pub hidden: bool,
    /// Points this check is worth.
    pub points: u32,
    /// Points awarded.
    pub score: u32,
    /// Fuel used (summed over inputs for a random check).
    pub fuel: u64,
    pub fuel_limit: u64,
    pub budget: Option<u64>,
    pub verdict: Verdict,
    /// The lab's message for this check, shown when it fails.
    pub feedback: Option<String>,
    /// What the program printed (lossy UTF-8).
    pub stdout: String,
    pub stderr: String,
}

/// Grades `submission` against every check of `lab`, to the end.
pub fn grade(lab: &Lab, submission: &Submission) -> Report {
    let mut grading = Grading::new(lab, submission);
    while !grading.step(u64::MAX) {}
    grading.report()
}

/// Grades `submission` and `answers`: the whole lab.
pub fn grade_with(lab: &Lab, submission: &Submission, answers: &Answers) -> Report {
    grade(lab, submission).answered(lab, answers)
}

/// The report for a submission that could not even be read as source (for
/// example text that is not UTF-8): every check carries the compile error.
pub fn compile_failure(lab: &Lab, error: CompileError) -> Report {
    let mut report = Report {
        lab_id: lab.id.clone(),
        passed: false,
        score: 0,
        max_score: 0,
        checks: lab
            .checks
            .iter()
            .map(|c| bare(c, Verdict::CompileError(error.clone())))
            .collect(),
        compile_error: Some(error),
        questions: grade_answers(lab, &Answers::new()),
    };
    report.total();
    report
}

/// Grading in progress: call [`Grading::step`] until it returns `true`, or,
/// to run the programs elsewhere (the browser's engine in a worker), take
/// each run with [`Grading::next_job`] and hand back its outcome with
/// [`Grading::complete`]. Either way the verdicts come from this code.
pub struct Grading<'l> {
    lab: &'l Lab,
    binary: Result<Binary, CompileError>,
    programs: Vec<(u32, Result<Program, CompileError>)>,
    next: usize,
    current: Option<Running>,
    reports: Vec<CheckReport>,
    /// Runs are handed out as jobs rather than run here.
    outside: bool,
}

/// A run for an outside engine: the module, its call depth cap and the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub wasm: Vec<u8>,
    pub stack_depth: u32,
    pub request: Request,
}

/// Where a check's run is.
enum Exec {
    /// Running here, in slices (boxed: an execution holds a whole store).
    Here(Box<Execution>),
    /// Waiting to be handed out as a job.
    Waiting(Box<Request>),
    /// Handed out; its outcome is awaited.
    Away { fuel_limit: u64 },
}

struct Running {
    check: usize,
    exec: Exec,
    /// Index of the random input being run.
    case: usize,
    /// Fuel of the finished inputs of a random check.
    fuel_before: u64,
    /// A random check's inputs, generated once.
    inputs: std::sync::Arc<Vec<Vec<Value>>>,
}

impl<'l> Grading<'l> {
    /// Compiles the submission once; modules are instantiated per check.
    pub fn new(lab: &'l Lab, submission: &Submission) -> Grading<'l> {
        Grading {
            lab,
            binary: compile::to_binary(submission),
            programs: Vec::new(),
            next: 0,
            current: None,
            reports: Vec::new(),
            outside: false,
        }
    }

    /// A grading whose runs are taken with [`Grading::next_job`].
    pub fn outside(lab: &'l Lab, submission: &Submission) -> Grading<'l> {
        Grading {
            outside: true,
            ..Grading::new(lab, submission)
        }
    }

    /// The next run to make, or `None` when every check is done. Checks that
    /// need no run are decided on the way. Each job must be answered with
    /// [`Grading::complete`] before the next is taken.
    pub fn next_job(&mut self) -> Option<Job> {
        loop {
            if let Some(run) = &mut self.current {
                let fuel_limit = match &run.exec {
                    Exec::Waiting(request) => request.limits.fuel,
                    _ => return None,
                };
                let Exec::Waiting(request) =
                    std::mem::replace(&mut run.exec, Exec::Away { fuel_limit })
                else {
                    unreachable!("matched above")
                };
                let check = &self.lab.checks[run.check];
                let wasm = self.binary.as_ref().ok()?.bytes.clone();
                return Some(Job {
                    wasm,
                    stack_depth: check.limits.stack_depth,
                    request: *request,
                });
            }
            if self.next >= self.lab.checks.len() {
                return None;
            }
            let index = self.next;
            self.next += 1;
            self.start_check(index);
        }
    }

    /// Takes the outcome of the job last handed out.
    pub fn complete(&mut self, outcome: Outcome) {
        if let Some(run) = self.current.take() {
            self.finish_run(run, outcome);
        }
    }

    /// Starts a run here or sets it aside as a job.
    fn launch(outside: bool, program: &Program, request: Request) -> Exec {
        if outside {
            Exec::Waiting(Box::new(request))
        } else {
            Exec::Here(Box::new(Execution::start(program, request)))
        }
    }

    /// Checks finished so far.
    pub fn finished(&self) -> usize {
        self.reports.len()
    }

    /// Fuel used by the check now running, and its limit.
    pub fn current_fuel(&self) -> Option<(u64, u64)> {
        self.current.as_ref().map(|r| match &r.exec {
            Exec::Here(exec) => (r.fuel_before + exec.fuel_used(), exec.fuel_limit()),
            Exec::Waiting(request) => (r.fuel_before, request.limits.fuel),
            Exec::Away { fuel_limit } => (r.fuel_before, *fuel_limit),
        })
    }

    /// Stops grading: the running and remaining checks end as cancelled.
    pub fn cancel(&mut self) {
        if let Some(run) = self.current.take() {
            let check = &self.lab.checks[run.check];
            match run.exec {
                Exec::Here(exec) => {
                    let outcome = exec.finish();
                    self.reports.push(report(
                        check,
                        Verdict::cancelled(),
                        run.fuel_before + outcome.fuel_used,
                        &outcome,
                    ));
                }
                Exec::Waiting(_) | Exec::Away { .. } => {
                    let mut cancelled = bare(check, Verdict::cancelled());
                    cancelled.fuel = run.fuel_before;
                    self.reports.push(cancelled);
                }
            }
        }
        while self.next < self.lab.checks.len() {
            let check = &self.lab.checks[self.next];
            self.reports.push(bare(check, Verdict::cancelled()));
            self.next += 1;
        }
    }

    /// Runs for about `slice` fuel; returns `true` when every check is done.
    pub fn step(&mut self, slice: u64) -> bool {
        let mut spent = 0u64;
        loop {
            if let Some(run) = &mut self.current {
                // A grading driven by jobs never runs anything itself.
                let Exec::Here(exec) = &mut run.exec else {
                    return false;
                };
                let before = exec.fuel_used();
                let done = exec.advance(slice.saturating_sub(spent).max(1));
                spent = spent.saturating_add(exec.fuel_used() - before);
                if !done {
                    return false;
                }
                let Some(mut run) = self.current.take() else {
                    continue;
                };
                let Exec::Here(exec) =
                    std::mem::replace(&mut run.exec, Exec::Away { fuel_limit: 0 })
                else {
                    unreachable!("checked above")
                };
                self.finish_run(run, exec.finish());
                if spent >= slice {
                    return self.next >= self.lab.checks.len() && self.current.is_none();
                }
                continue;
            }
            if self.next >= self.lab.checks.len() {
                return true;
            }
            let index = self.next;
            self.next += 1;
            self.start_check(index);
        }
    }

    /// The report; checks not run yet are marked cancelled.
    pub fn report(mut self) -> Report {
        self.cancel();
        // A lab of questions alone compiles nothing.
        let compile_error = self.lab.has_code().then(|| {
            self.binary.as_ref().err().cloned().or_else(|| {
                self.programs
                    .iter()
                    .find_map(|(_, p)| p.as_ref().err().cloned())
            })
        });
        let mut report = Report {
            lab_id: self.lab.id.clone(),
            passed: false,
            score: 0,
            max_score: 0,
            compile_error: compile_error.flatten(),
            checks: self.reports,
            questions: grade_answers(self.lab, &Answers::new()),
        };
        report.total();
        report
    }

    fn start_check(&mut self, index: usize) {
        let lab = self.lab;
        let check = &lab.checks[index];
        let program = match program(&self.binary, &mut self.programs, check.limits.stack_depth) {
            Ok(p) => p,
            Err(e) => {
                self.reports.push(bare(check, Verdict::CompileError(e)));
                return;
            }
        };
        if let (Some(message), false) = (
            program.link_error(),
            matches!(check.kind, CheckKind::Module(_)),
        ) {
            self.reports.push(bare(
                check,
                Verdict::Ended(End::LinkError {
                    message: message.to_string(),
                }),
            ));
            return;
        }
        let request = match &check.kind {
            CheckKind::Module(m) => {
                let bytes = self
                    .binary
                    .as_ref()
                    .map(|b| b.bytes.as_slice())
                    .unwrap_or(&[]);
                let verdict = module_verdict(m, program, bytes);
                self.reports.push(bare(check, verdict));
                return;
            }
            CheckKind::Call(c) => {
                if let Some(v) =
                    signature_verdict(program, &c.function, lab.exports.get(&c.function))
                {
                    self.reports.push(bare(check, v));
                    return;
                }
                call_request(check, c)
            }
            CheckKind::Random(r) => {
                if let Some(v) =
                    signature_verdict(program, &r.function, lab.exports.get(&r.function))
                {
                    self.reports.push(bare(check, v));
                    return;
                }
                let Some(expected) = &r.expected else {
                    self.reports.push(bare(
                        check,
                        Verdict::LabError {
                            message: "the random check's expected values were not computed from \
                                      the reference solution (run the lab through `sandlab check`)"
                                .into(),
                        },
                    ));
                    return;
                };
                if expected.len() != r.count as usize {
                    self.reports.push(bare(
                        check,
                        Verdict::LabError {
                            message: "the random check's expected values do not match its inputs"
                                .into(),
                        },
                    ));
                    return;
                }
                let inputs = std::sync::Arc::new(r.inputs());
                self.current = Some(Running {
                    check: index,
                    exec: Self::launch(self.outside, program, random_request(check, r, &inputs[0])),
                    case: 0,
                    fuel_before: 0,
                    inputs,
                });
                return;
            }
            CheckKind::Run(r) => {
                if program.export_sig("_start").is_none() {
                    self.reports.push(bare(
                        check,
                        Verdict::Ended(End::MissingExport {
                            name: "_start".into(),
                            wanted: Wanted::Function(Some(FuncSig {
                                params: Vec::new(),
                                results: Vec::new(),
                            })),
                        }),
                    ));
                    return;
                }
                run_request(check, r)
            }
        };
        self.current = Some(Running {
            check: index,
            exec: Self::launch(self.outside, program, request),
            case: 0,
            fuel_before: 0,
            inputs: Default::default(),
        });
    }

    fn finish_run(&mut self, run: Running, outcome: Outcome) {
        let lab = self.lab;
        let check = &lab.checks[run.check];
        let fuel = run.fuel_before + outcome.fuel_used;
        let verdict = match &check.kind {
            CheckKind::Call(c) => call_verdict(c, &outcome),
            CheckKind::Run(r) => run_verdict(r, &outcome),
            CheckKind::Random(r) => {
                let inputs = run.inputs.clone();
                let expected = r.expected.as_deref().unwrap_or_default();
                let verdict = random_verdict(
                    r,
                    &inputs[run.case],
                    &expected[run.case],
                    &outcome,
                    run.case,
                );
                if verdict.is_pass() && run.case + 1 < inputs.len() {
                    let case = run.case + 1;
                    if let Ok(program) =
                        program(&self.binary, &mut self.programs, check.limits.stack_depth)
                    {
                        self.current = Some(Running {
                            check: run.check,
                            exec: Self::launch(
                                self.outside,
                                program,
                                random_request(check, r, &inputs[case]),
                            ),
                            case,
                            fuel_before: fuel,
                            inputs: inputs.clone(),
                        });
                        return;
                    }
                }
                verdict
            }
            CheckKind::Module(_) => Verdict::Passed,
        };
        let verdict = match (verdict, check.budget) {
            (Verdict::Passed, Some(budget)) if fuel > budget => {
                Verdict::OverBudget { used: fuel, budget }
            }
            (v, _) => v,
        };
        self.reports.push(report(check, verdict, fuel, &outcome));
    }
}

/// The program for a call depth cap, compiled on first use: the depth is
/// part of the engine's configuration, so each distinct cap needs its own.
fn program<'a>(
    binary: &Result<Binary, CompileError>,
    programs: &'a mut Vec<(u32, Result<Program, CompileError>)>,
    stack_depth: u32,
) -> Result<&'a Program, CompileError> {
    let binary = binary.as_ref().map_err(Clone::clone)?;
    let index = match programs.iter().position(|(d, _)| *d == stack_depth) {
        Some(i) => i,
        None => {
            programs.push((stack_depth, compile::load(binary, stack_depth)));
            programs.len() - 1
        }
    };
    programs[index].1.as_ref().map_err(Clone::clone)
}

fn report(check: &Check, verdict: Verdict, fuel: u64, outcome: &Outcome) -> CheckReport {
    CheckReport {
        stdout: String::from_utf8_lossy(&outcome.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&outcome.stderr).into_owned(),
        fuel,
        ..bare(check, verdict)
    }
}

/// A report for a check that did not run.
fn bare(check: &Check, verdict: Verdict) -> CheckReport {
    let score = if verdict.is_pass() { check.points } else { 0 };
    CheckReport {
        name: check.name.clone(),
        kind: check.kind_name(),
        hidden: check.hidden,
        points: check.points,
        score,
        fuel: 0,
        fuel_limit: check.limits.fuel,
        budget: check.budget,
        verdict,
        feedback: check.feedback.clone(),
        stdout: String::new(),
        stderr: String::new(),
    }
}

fn signature_verdict(program: &Program, name: &str, declared: Option<&FuncSig>) -> Option<Verdict> {
    let Some(declared) = declared else {
        return Some(Verdict::LabError {
            message: format!("`{name}` has no signature under [exports]"),
        });
    };
    match program.export_sig(name) {
        None => Some(Verdict::Ended(End::MissingExport {
            name: name.to_string(),
            wanted: Wanted::Function(Some(declared.clone())),
        })),
        Some(Err(actual)) => Some(Verdict::Ended(End::WrongSignature {
            name: name.to_string(),
            expected: declared.to_string(),
            actual,
        })),
        Some(Ok(actual)) if actual != *declared => Some(Verdict::Ended(End::WrongSignature {
            name: name.to_string(),
            expected: declared.to_string(),
            actual: actual.to_string(),
        })),
        Some(Ok(_)) => None,
    }
}

fn call_request(check: &Check, c: &CallCheck) -> Request {
    let mut request = Request::call(&c.function, c.args.clone());
    request.limits = check.limits;
    request.memory_writes = c
        .memory_before
        .iter()
        .map(|m| MemoryWrite {
            address: m.at,
            bytes: m.data.to_bytes(),
        })
        .collect();
    request.memory_reads = c
        .memory_after
        .iter()
        .map(|m| MemoryRead {
            address: m.at,
            len: m.data.to_bytes().len() as u32,
        })
        .collect();
    request
}

fn random_request(check: &Check, r: &RandomCheck, input: &[Value]) -> Request {
    let mut request = Request::call(&r.function, input.to_vec());
    request.limits = check.limits;
    request
}

fn run_request(check: &Check, r: &RunCheck) -> Request {
    let mut request = Request::command();
    request.limits = check.limits;
    request.world = World {
        program_name: "main.wasm".into(),
        args: r.args.clone(),
        env: r.env.clone(),
        stdin: r.stdin.clone(),
        files: r.files.clone(),
        seed: 0,
    };
    request
}

/// The verdict for a run that did not end normally, or `None` if it did.
fn abnormal(end: &End) -> Option<Verdict> {
    (!end.is_normal()).then(|| Verdict::Ended(end.clone()))
}

fn call_text(function: &str, args: &[Value]) -> String {
    format!("{function}({})", sandbox::join_values(args))
}

fn describe_expect(expect: &Expect) -> String {
    match expect {
        Expect::Anything => "anything".into(),
        Expect::Values(v) if v.is_empty() => "to return".into(),
        Expect::Values(v) => sandbox::join_values(v),
        Expect::Trap(None) => "a trap".into(),
        Expect::Trap(Some(k)) => format!("a trap ({k})"),
    }
}

/// Compares a call's end with what was expected.
fn expect_verdict(what: String, expect: &Expect, end: &End, tolerance: f64) -> Verdict {
    let mismatch = |actual: String| {
        Verdict::WrongAnswer(Mismatch {
            what: what.clone(),
            expected: describe_expect(expect),
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
            mismatch(format!("returned {}", sandbox::join_values(values)))
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
                    sandbox::join_values(got)
                })
            }
        }
        (Expect::Anything, End::Returned(_)) => Verdict::Passed,
        (_, other) => abnormal(other).unwrap_or(Verdict::Passed),
    }
}

fn call_verdict(c: &CallCheck, outcome: &Outcome) -> Verdict {
    let verdict = expect_verdict(
        call_text(&c.function, &c.args),
        &c.expect,
        &outcome.end,
        c.tolerance,
    );
    if !verdict.is_pass() {
        return verdict;
    }
    for (want, got) in c.memory_after.iter().zip(&outcome.memory) {
        let expected_bytes = want.data.to_bytes();
        let what = format!(
            "memory at address {} after {}",
            want.at,
            call_text(&c.function, &c.args)
        );
        match got {
            Err(e) => {
                return Verdict::WrongAnswer(Mismatch {
                    what,
                    expected: want.data.describe_bytes(&expected_bytes),
                    actual: e.clone(),
                    diff: None,
                });
            }
            Ok(bytes) if !memory_matches(&want.data, bytes, c.tolerance) => {
                // Long regions: show a window around the first differing byte.
                let first = expected_bytes
                    .iter()
                    .zip(bytes)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let (what, range) = if expected_bytes.len() > WINDOW {
                    let unit = want.data.unit();
                    let start = (first.saturating_sub(WINDOW / 4) / unit) * unit;
                    let end = (start + WINDOW).min(expected_bytes.len());
                    (
                        format!(
                            "{what}, first difference at address {}, showing {}..{}",
                            want.at as usize + first,
                            want.at as usize + start,
                            want.at as usize + end
                        ),
                        start..end,
                    )
                } else {
                    (what, 0..expected_bytes.len())
                };
                return Verdict::WrongAnswer(Mismatch {
                    what,
                    expected: want.data.describe_bytes(&expected_bytes[range.clone()]),
                    actual: want.data.describe_bytes(&bytes[range]),
                    diff: None,
                });
            }
            Ok(_) => {}
        }
    }
    Verdict::Passed
}

/// Bytes of memory shown at most in a wrong answer.
const WINDOW: usize = 64;

fn memory_matches(want: &Data, got: &[u8], tolerance: f64) -> bool {
    match want {
        Data::F32(values) => values.iter().zip(got.chunks_exact(4)).all(|(w, g)| {
            Value::F32(*w).matches(
                Value::F32(f32::from_le_bytes([g[0], g[1], g[2], g[3]])),
                tolerance,
            )
        }),
        Data::F64(values) => values.iter().zip(got.chunks_exact(8)).all(|(w, g)| {
            let mut b = [0u8; 8];
            b.copy_from_slice(g);
            Value::F64(*w).matches(Value::F64(f64::from_le_bytes(b)), tolerance)
        }),
        other => other.to_bytes() == got,
    }
}

fn random_verdict(
    r: &RandomCheck,
    input: &[Value],
    expect: &Expect,
    outcome: &Outcome,
    case: usize,
) -> Verdict {
    let what = format!(
        "{} (random input {} of {})",
        call_text(&r.function, input),
        case + 1,
        r.count
    );
    expect_verdict(what, expect, &outcome.end, r.tolerance)
}

fn run_verdict(r: &RunCheck, outcome: &Outcome) -> Verdict {
    let code = match &outcome.end {
        End::Returned(_) => 0,
        End::Exited(code) => *code,
        other => return abnormal(other).unwrap_or(Verdict::Passed),
    };
    let text = |what: &str, want: &TextExpect, got: &[u8]| -> Option<Verdict> {
        let got = String::from_utf8_lossy(got);
        if text_matches(want, &got) {
            return None;
        }
        let diff = match want.compare {
            Compare::Regex(_) => None,
            _ => Some(line_diff(&want.text, &got)),
        };
        Some(Verdict::WrongAnswer(Mismatch {
            what: what.to_string(),
            expected: match want.compare {
                Compare::Regex(_) => format!("text matching /{}/", want.text),
                _ => format!("{:?}", want.text),
            },
            actual: format!("{:?}", got),
            diff,
        }))
    };
    // The exit code first: a program that failed says more by its code
    // than by the output it never wrote.
    if code != r.exit_code {
        return Verdict::ExitCode {
            expected: r.exit_code,
            actual: code,
        };
    }
    if let Some(v) = r
        .stdout
        .as_ref()
        .and_then(|w| text("stdout", w, &outcome.stdout))
    {
        return v;
    }
    if let Some(v) = r
        .stderr
        .as_ref()
        .and_then(|w| text("stderr", w, &outcome.stderr))
    {
        return v;
    }
    for (name, want) in &r.files_after {
        match outcome.files.get(name) {
            Some(bytes) => {
                if let Some(v) = text(&format!("file {name}"), want, bytes) {
                    return v;
                }
            }
            None => {
                return Verdict::WrongAnswer(Mismatch {
                    what: format!("file {name}"),
                    expected: format!("{:?}", want.text),
                    actual: "no such file was written".into(),
                    diff: None,
                });
            }
        }
    }
    Verdict::Passed
}

/// Compares output text the way the check says.
pub fn text_matches(want: &TextExpect, got: &str) -> bool {
    match &want.compare {
        Compare::Exact => want.text == got,
        Compare::Trim => trim_lines(&want.text) == trim_lines(got),
        Compare::Regex(re) => re.is_match(got),
    }
}

fn trim_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn module_verdict(m: &ModuleCheck, program: &Program, bytes: &[u8]) -> Verdict {
    for (name, want) in &m.exports {
        match want {
            ExportExpect::Func(sig) => {
                if let Some(v) = signature_verdict(program, name, Some(sig)) {
                    return v;
                }
            }
            ExportExpect::Memory => {
                if !program.exports_memory(name) {
                    return Verdict::Ended(End::MissingExport {
                        name: name.clone(),
                        wanted: Wanted::Memory,
                    });
                }
            }
        }
    }
    let info = compile::inspect(bytes);
    for (module, name) in &info.imports {
        for pattern in &m.forbid_imports {
            let (pm, pn) = pattern.split_once('.').unwrap_or((pattern, "*"));
            if pm == module && (pn == "*" || pn == name) {
                return Verdict::WrongAnswer(Mismatch {
                    what: "imports".into(),
                    expected: format!("no import matching {pattern}"),
                    actual: format!("imports {module}.{name}"),
                    diff: None,
                });
            }
        }
    }
    if let Some(max) = m.max_bytes
        && bytes.len() as u64 > max
    {
        return Verdict::WrongAnswer(Mismatch {
            what: "module size".into(),
            expected: format!("at most {max} bytes"),
            actual: format!("{} bytes", bytes.len()),
            diff: None,
        });
    }
    if let Some(max) = m.max_functions
        && info.functions > max
    {
        return Verdict::WrongAnswer(Mismatch {
            what: "number of functions".into(),
            expected: format!("at most {max}"),
            actual: info.functions.to_string(),
            diff: None,
        });
    }
    Verdict::Passed
}

/// Fills in the expected values of every random check by running the lab's
/// reference solution on the generated inputs.
///
/// # Errors
///
/// The lab has no solution, it does not compile, or it does not return on
/// some input: the lab is broken, and the message says where.
pub fn prepare(lab: &mut Lab) -> Result<(), String> {
    let needs = lab
        .checks
        .iter()
        .any(|c| matches!(c.kind, CheckKind::Random(_)));
    if !needs {
        return Ok(());
    }
    let Some(solution) = &lab.solution else {
        return Err("random checks need the reference solution, and the lab has none".into());
    };
    let binary = compile::to_binary(solution)
        .map_err(|e| format!("the reference solution does not compile: {e}"))?;
    for check in &mut lab.checks {
        let limits = check.limits;
        let CheckKind::Random(r) = &mut check.kind else {
            continue;
        };
        let program = compile::load(&binary, limits.stack_depth)
            .map_err(|e| format!("the reference solution does not compile: {e}"))?;
        let mut expected = Vec::new();
        for input in r.inputs() {
            let mut request = Request::call(&r.function, input.clone());
            request.limits = limits;
            let outcome = sandbox::run(&program, request);
            expected.push(match outcome.end {
                End::Returned(values) => Expect::Values(values),
                End::Trapped { kind, .. } => Expect::Trap(Some(kind)),
                other => {
                    return Err(format!(
                        "check `{}`: the reference solution, called as {}, {other}",
                        check.name,
                        call_text(&r.function, &input)
                    ));
                }
            });
        }
        r.expected = Some(expected);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(text: &str, compare: Compare) -> TextExpect {
        TextExpect {
            text: text.into(),
            compare,
        }
    }

    #[test]
    fn trim_ignores_trailing_space_and_blank_lines_only() {
        let want = expect("a\nb", Compare::Trim);
        assert!(text_matches(&want, "a  \nb\n\n"));
        assert!(!text_matches(&want, " a\nb"));
        assert!(!text_matches(&want, "a\n\nb"));
        assert!(!text_matches(&expect("a\nb", Compare::Exact), "a\nb\n"));
    }

    #[test]
    fn regex_must_match_the_whole_output() {
        let re = regex_lite::Regex::new("^(?:x+)$").expect("valid");
        let want = expect("x+", Compare::Regex(re));
        assert!(text_matches(&want, "xxx"));
        assert!(!text_matches(&want, "xxxy"));
    }
}

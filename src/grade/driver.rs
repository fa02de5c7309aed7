//! The grading driver: the one state machine that takes a lab's checks
//! through their runs, here in fuel slices or handed out as jobs to another
//! engine, and turns each outcome into a verdict with the kind's rules
//! (`super::kinds`). The CLI, the page and the worker all grade through it.

use super::kinds::{self, Module};
use super::{CheckReport, Report, Verdict, printable};
use crate::compile::{self, Binary, CompileError};
use crate::lab::{Check, Lab};
use crate::language::{self, Family, Runnable, Submission};
use crate::sandbox::{Execution, Outcome, Program, Request};
use std::sync::Arc;

/// Grading in progress: call [`Grading::step`] until it returns `true`, or,
/// to run the programs elsewhere (the browser's engine in a worker), take
/// each run with [`Grading::next_job`] and hand back its outcome with
/// [`Grading::complete`]. Either way the verdicts come from this code.
pub struct Grading<'l> {
    lab: &'l Lab,
    runnable: Result<Runnable, CompileError>,
    /// The module's id, worked out once for the jobs that name it.
    module_id: Option<Arc<str>>,
    programs: Vec<(u32, Result<Program, CompileError>)>,
    next: usize,
    current: Option<Running>,
    reports: Vec<CheckReport>,
    /// Runs are handed out as jobs rather than run here.
    by_jobs: bool,
}

/// A run for another engine: the module (by id, so an engine that already
/// compiled it need not again), its call depth cap and the run.
#[derive(Clone, Debug)]
pub struct Job {
    pub module_id: Arc<str>,
    pub binary: Binary,
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

/// A check whose runs are under way.
struct Running {
    check: usize,
    /// The check's runs, as its kind made them.
    requests: Vec<Request>,
    /// The run under way.
    case: usize,
    /// Fuel of the runs finished before it.
    fuel_before: u64,
    exec: Exec,
}

impl<'l> Grading<'l> {
    /// Compiles the submission once; modules are instantiated per run.
    pub fn new(lab: &'l Lab, submission: &Submission) -> Grading<'l> {
        Grading {
            lab,
            runnable: language::build(lab.language, submission, lab.runtime.as_deref()),
            module_id: None,
            programs: Vec::new(),
            next: 0,
            current: None,
            reports: Vec::new(),
            by_jobs: false,
        }
    }

    /// A grading whose runs are taken with [`Grading::next_job`].
    pub fn by_jobs(lab: &'l Lab, submission: &Submission) -> Grading<'l> {
        Grading {
            by_jobs: true,
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
                let binary = self.runnable.as_ref().ok()?.binary.clone();
                let module_id = self
                    .module_id
                    .get_or_insert_with(|| binary.id().into())
                    .clone();
                return Some(Job {
                    module_id,
                    binary,
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
                    self.reports.push(ran(
                        check,
                        Verdict::cancelled(),
                        run.fuel_before + outcome.fuel_used,
                        &outcome,
                    ));
                }
                Exec::Waiting(_) | Exec::Away { .. } => {
                    let mut cancelled = not_run(check, Verdict::cancelled());
                    cancelled.fuel = run.fuel_before;
                    self.reports.push(cancelled);
                }
            }
        }
        while self.next < self.lab.checks.len() {
            let check = &self.lab.checks[self.next];
            self.reports.push(not_run(check, Verdict::cancelled()));
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
        // A script's syntax error is found by running it: any check's.
        let compile_error = self.lab.has_code().then(|| {
            self.runnable.as_ref().err().cloned().or_else(|| {
                self.programs
                    .iter()
                    .find_map(|(_, p)| p.as_ref().err().cloned())
                    .or_else(|| {
                        self.reports.iter().find_map(|c| match &c.verdict {
                            Verdict::CompileError(e) => Some(e.clone()),
                            _ => None,
                        })
                    })
            })
        });
        let mut report = Report {
            lab_id: self.lab.id.clone(),
            passed: false,
            score: 0,
            max_score: 0,
            compile_error: compile_error.flatten(),
            checks: self.reports,
            questions: super::grade_answers(self.lab, &super::Answers::new()),
        };
        report.total();
        report
    }

    fn start_check(&mut self, index: usize) {
        let lab = self.lab;
        let check = &lab.checks[index];
        let program = match program(&self.runnable, &mut self.programs, check.limits.stack_depth) {
            Ok(p) => p,
            Err(e) => {
                self.reports.push(not_run(check, Verdict::CompileError(e)));
                return;
            }
        };
        let rules = kinds::rules(&check.kind);
        if let (Some(message), true) = (program.link_error(), rules.runs_code()) {
            let end = crate::sandbox::End::LinkError {
                message: message.to_string(),
            };
            self.reports.push(not_run(check, Verdict::Ended(end)));
            return;
        }
        let Ok(runnable) = &self.runnable else {
            return;
        };
        let module = Module {
            lab,
            program,
            binary: &runnable.binary,
        };
        if let Some(verdict) = rules.before_running(&module) {
            self.reports.push(not_run(check, verdict));
            return;
        }
        let requests = rules.runs();
        if requests.is_empty() {
            let message = "the check has nothing to run".to_string();
            self.reports
                .push(not_run(check, Verdict::LabError { message }));
            return;
        }
        let exec = self.launch(program_index(&self.programs, check), check, &requests[0]);
        self.current = Some(Running {
            check: index,
            requests,
            case: 0,
            fuel_before: 0,
            exec,
        });
    }

    /// Starts `request` (as the kind made it) with the check's limits and
    /// the language's world: here, or set aside as a job.
    fn launch(&self, program: Option<usize>, check: &Check, request: &Request) -> Exec {
        let mut request = request.clone();
        request.limits = check.limits;
        if let Ok(runnable) = &self.runnable {
            runnable.add_world(&mut request);
        }
        match (self.by_jobs, program) {
            (false, Some(i)) => match &self.programs[i].1 {
                Ok(program) => Exec::Here(Box::new(Execution::start(program, request))),
                Err(_) => Exec::Waiting(Box::new(request)),
            },
            _ => Exec::Waiting(Box::new(request)),
        }
    }

    fn finish_run(&mut self, run: Running, outcome: Outcome) {
        let lab = self.lab;
        let check = &lab.checks[run.check];
        let rules = kinds::rules(&check.kind);
        let script = lab.language.spec().family == Family::Script;
        // A script's call counts the learner's code alone, as its harness
        // measured it; a run that did not get that far, all of it.
        let spent = script
            .then(|| kinds::script::learner_fuel(&run.requests[run.case], &outcome))
            .flatten()
            .unwrap_or(outcome.fuel_used);
        let fuel = run.fuel_before + spent;
        let mut verdict = rules.verdict(run.case, &run.requests[run.case], &outcome);
        // A script that raised says more by its exception than by the exit
        // code or missing output that followed.
        if !verdict.is_pass() && script {
            if let Some(crashed) = kinds::script::crash(&run.requests[run.case], &outcome) {
                verdict = crashed;
            } else {
                verdict = kinds::script::in_script_terms(verdict);
            }
        }
        let case = run.case + 1;
        if verdict.is_pass() && case < run.requests.len() {
            let exec = self.launch(
                program_index(&self.programs, check),
                check,
                &run.requests[case],
            );
            self.current = Some(Running {
                case,
                fuel_before: fuel,
                exec,
                ..run
            });
            return;
        }
        let verdict = match (verdict, check.budget) {
            (Verdict::Passed, Some(budget)) if fuel > budget => {
                Verdict::OverBudget { used: fuel, budget }
            }
            (v, _) => v,
        };
        let mut report = ran(check, verdict, fuel, &outcome);
        if !report.verdict.is_pass() && !report.verdict.is_cancelled() {
            let described = rules.describe(run.case, &run.requests[run.case]);
            match &report.verdict {
                // A wrong answer says what it expected, and a call's says
                // what was called too.
                Verdict::WrongAnswer(_) => {
                    report.input = described.input.filter(|_| !described.called_in_mismatch);
                }
                _ => {
                    report.input = described.input;
                    report.expected = described.expected;
                }
            }
        }
        self.reports.push(report);
    }
}

/// The program for a call depth cap, compiled on first use: the depth is
/// part of the engine's configuration, so each distinct cap needs its own.
fn program<'a>(
    runnable: &Result<Runnable, CompileError>,
    programs: &'a mut Vec<(u32, Result<Program, CompileError>)>,
    stack_depth: u32,
) -> Result<&'a Program, CompileError> {
    let binary = &runnable.as_ref().map_err(Clone::clone)?.binary;
    let index = match programs.iter().position(|(d, _)| *d == stack_depth) {
        Some(i) => i,
        None => {
            programs.push((stack_depth, compile::load(binary, stack_depth)));
            programs.len() - 1
        }
    };
    programs[index].1.as_ref().map_err(Clone::clone)
}

/// Where `check`'s program sits among those compiled.
fn program_index(
    programs: &[(u32, Result<Program, CompileError>)],
    check: &Check,
) -> Option<usize> {
    programs
        .iter()
        .position(|(d, _)| *d == check.limits.stack_depth)
}

/// The report of a check that ran.
fn ran(check: &Check, verdict: Verdict, fuel: u64, outcome: &Outcome) -> CheckReport {
    CheckReport {
        stdout: printable(&outcome.stdout),
        stderr: printable(&outcome.stderr),
        fuel,
        ..not_run(check, verdict)
    }
}

/// The report of a check decided without running anything.
pub(super) fn not_run(check: &Check, verdict: Verdict) -> CheckReport {
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
        input: None,
        expected: None,
    }
}

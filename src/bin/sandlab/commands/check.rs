//! `sandlab check`: every course and lab under a folder validated, and
//! proved: each reference solution passes every check, each starter fails
//! one.

use crate::error::{CliError, CliResult};
use crate::io::{self, out, prefixed};
use sandlab::grade;
use sandlab::lab::{self, Lab};
use std::path::{Path, PathBuf};

/// Validate every course and lab under DIR: report each problem with
/// file:line, prove every reference solution passes every check and every
/// starter fails at least one. Exits 0 only if all is well.
#[derive(clap::Args)]
pub struct Args {
    /// The labs folder.
    #[arg(default_value = "labs")]
    dir: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let dir = &args.dir;
    let files = io::read_tree(dir)?;
    let loaded = lab::load_courses(&files);
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| prefixed(dir, d))
        .collect();
    let mut labs = 0;
    for course in &loaded.courses {
        for lab in &course.labs {
            labs += 1;
            problems.extend(prove(dir, lab));
        }
    }
    for p in &problems {
        out!("{p}");
    }
    let courses = loaded.courses.len();
    if problems.is_empty() {
        out!(
            "checked {courses} course(s), {labs} lab(s): every solution passes, every starter fails"
        );
        Ok(())
    } else {
        out!(
            "{} problem(s) in {courses} course(s), {labs} lab(s)",
            problems.len()
        );
        Err(CliError::Failed)
    }
}

/// Proves a lab: its solution passes every check, its starter fails one.
fn prove(root: &Path, lab: &Lab) -> Vec<String> {
    let toml = root.join(&lab.dir).join("lab.toml");
    let mut lab = lab.clone();
    if let Err(e) = grade::compute_expected(&mut lab) {
        return vec![format!("{}: {e}", toml.display())];
    }
    let mut problems = Vec::new();
    match &lab.solution {
        // A lab of questions alone: the loader already checked that each
        // question can be answered.
        _ if !lab.has_code() => {}
        Some(solution) => problems.extend(prove_solution(&toml, &lab, solution)),
        None => problems.push(format!(
            "{}: the lab has no reference solution",
            toml.display()
        )),
    }
    if let Some(starter) = &lab.starter {
        let report = grade::grade(&lab, starter);
        // The code alone: the starter cannot have answered the questions.
        if report.checks.iter().all(|c| c.verdict.is_pass()) {
            problems.push(format!(
                "{}: the starter already passes every check: learners would have nothing to do",
                toml.display()
            ));
        }
        if let Some(check) = report.checks.iter().find(|c| c.verdict.is_lab_error()) {
            problems.push(format!(
                "{}: check `{}`: {}",
                toml.display(),
                check.name,
                check.verdict
            ));
        }
    }
    problems
}

/// Every way the reference `solution` falls short, each at its check's line.
fn prove_solution(toml: &Path, lab: &Lab, solution: &sandlab::language::Submission) -> Vec<String> {
    let report = grade::grade(lab, solution);
    if let Some(e) = &report.compile_error {
        return vec![format!(
            "{}: the reference solution does not compile: {e}",
            toml.display()
        )];
    }
    report
        .checks
        .iter()
        .zip(&lab.checks)
        .filter(|(c, _)| !c.verdict.is_pass())
        .map(|(c, check)| {
            format!(
                "{}:{}:1: check `{}`: the reference solution fails: {}",
                toml.display(),
                check.line,
                c.name,
                c.verdict
            )
        })
        .collect()
}

//! `sandlab grade`: one submission (and answers) graded against one lab,
//! printed as text or JSON.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use sandlab::grade::{self, AnswerVerdict, Report, Verdict};
use sandlab::lab::Lab;
use sandlab::vocab::thousands;
use std::path::PathBuf;

/// Grade a submission (.wat or .wasm) against a lab. Exits 0 if every
/// check passed, 1 if some failed, 2 if the lab or the file could not be
/// used.
#[derive(clap::Args)]
pub struct Args {
    /// The lab's folder (holding lab.toml).
    lab: PathBuf,
    /// The submission: WebAssembly text (.wat) or a module (.wasm);
    /// not needed for a lab of questions alone.
    file: Option<PathBuf>,
    /// The answers to the lab's questions: a JSON object by question
    /// name, as records hold them (`{"name": {"choices": [0]}}` or
    /// `{"name": {"text": "8"}}`; choices count from 0).
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Print one JSON report instead of text.
    #[arg(long)]
    json: bool,
}

pub fn exec(args: Args) -> CliResult {
    let lab = io::load_lab(&args.lab)?;
    let file = args.file.as_deref();
    let submission = io::submission_for(&lab, file)?;
    let answers = io::read_answers(args.answers.as_deref())?;
    let name = file.map_or_else(|| "(questions only)".into(), |f| f.to_string_lossy());
    let report = match submission {
        Ok(submission) => grade::grade_with(&lab, &submission, &answers),
        Err(e) => grade::compile_failure(&lab, e).answered(&lab, &answers),
    };
    if args.json {
        out!("{}", grade::report_json(&report));
    } else {
        print_report(&lab, &report, &name);
    }
    if report.passed {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

fn print_report(lab: &Lab, report: &Report, file: &str) {
    out!("{} ({}): {file}", lab.title, lab.id);
    if let Some(e) = &report.compile_error {
        match (e.line, e.column) {
            (Some(l), Some(c)) => out!("compile error: {file}:{l}:{c}: {}", e.message),
            _ => out!("compile error: {file}: {}", e.message),
        }
    }
    for c in &report.checks {
        let mark = if c.verdict.is_pass() { "ok  " } else { "FAIL" };
        let fuel = match c.budget {
            Some(b) => format!("fuel {} (budget {})", thousands(c.fuel), thousands(b)),
            None => format!("fuel {}", thousands(c.fuel)),
        };
        let hidden = if c.hidden { " (hidden)" } else { "" };
        out!(
            "  {mark} {}{hidden}  [{}/{} pts, {fuel}]",
            c.name,
            c.score,
            c.points
        );
        if c.verdict.is_pass() || matches!(c.verdict, Verdict::CompileError(_)) {
            continue;
        }
        if c.hidden {
            out!("       {}", c.verdict.name());
        } else {
            for line in c.verdict.to_string().lines() {
                out!("       {line}");
            }
            if let Some(input) = &c.input {
                out!("       input: {input}");
            }
            if let Some(expected) = &c.expected {
                out!("       wanted: {expected}");
            }
            // What the program printed, as the JSON report and the browser
            // show it.
            print_output("stdout", &c.stdout);
            print_output("stderr", &c.stderr);
            if let Some(f) = &c.feedback {
                out!("       hint: {f}");
            }
        }
    }
    for q in &report.questions {
        let mark = match q.verdict {
            AnswerVerdict::Correct => "ok  ",
            AnswerVerdict::Wrong => "FAIL",
            AnswerVerdict::Unanswered => "----",
        };
        out!(
            "  {mark} question: {}  [{}/{} pts, {}]",
            q.name,
            q.score,
            q.points,
            q.verdict.name()
        );
        for f in &q.feedback {
            out!("       {f}");
        }
    }
    print_summary(report);
}

/// Lines of a program's output shown in a text report.
const OUTPUT_LINES: usize = 20;

/// A program's output, indented under its check, its first lines only.
fn print_output(stream: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    out!("       {stream}:");
    for line in lines.iter().take(OUTPUT_LINES) {
        out!("         | {line}");
    }
    if lines.len() > OUTPUT_LINES {
        out!("         … {} more lines", lines.len() - OUTPUT_LINES);
    }
}

fn print_summary(report: &Report) {
    let failed = report
        .checks
        .iter()
        .filter(|c| !c.verdict.is_pass())
        .count()
        + report
            .questions
            .iter()
            .filter(|q| q.verdict != AnswerVerdict::Correct)
            .count();
    let total = report.checks.len() + report.questions.len();
    let what = if report.questions.is_empty() {
        "checks"
    } else {
        "checks and questions"
    };
    if failed == 0 {
        out!(
            "score {}/{}: all {total} {what} passed",
            report.score,
            report.max_score,
        );
    } else {
        out!(
            "score {}/{}: {failed} of {total} {what} failed",
            report.score,
            report.max_score,
        );
    }
}

//! `sandlab record`: a submission graded and written as a completion
//! record, as the browser exports one.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use sandlab::grade;
use sandlab::record::{self, Attempts, Learner, Record};
use std::path::{Path, PathBuf};

/// Grade a submission and write a completion record for it (what the
/// browser exports; useful for trying `verify` and for test data).
#[derive(clap::Args)]
pub struct Args {
    /// The submission (.wat or .wasm); not needed for a lab of
    /// questions alone.
    file: Option<PathBuf>,
    /// The answers to the lab's questions (JSON, as for `grade`).
    #[arg(long)]
    answers: Option<PathBuf>,
    /// The course id.
    #[arg(long)]
    course: String,
    /// The lab id.
    #[arg(long)]
    lab: String,
    /// The learner's name or id.
    #[arg(long)]
    learner: String,
    /// The labs folder.
    #[arg(long, default_value = "labs")]
    labs: PathBuf,
    /// Where to write the record (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

pub fn exec(args: Args) -> CliResult {
    let courses = io::load_prepared(&args.labs)?;
    let Some((course, lab)) = courses
        .iter()
        .find(|c| c.id == args.course)
        .and_then(|c| c.labs.iter().find(|l| l.id == args.lab).map(|l| (c, l)))
    else {
        return Err(CliError::Unusable(format!(
            "no lab `{}` in a course `{}` under {}",
            args.lab,
            args.course,
            args.labs.display()
        )));
    };
    let file = args.file.as_deref();
    // A record holds the submission itself, so a file that is not one (text
    // that is not UTF-8) cannot be recorded; `grade` grades it as a compile
    // error instead.
    let submission = io::submission_for(lab, file)?.map_err(|e| {
        CliError::Unusable(format!("{}: {e}", file.unwrap_or(Path::new("")).display()))
    })?;
    let answers = io::read_answers(args.answers.as_deref())?;
    let report = grade::grade_with(lab, &submission, &answers);
    let now = io::now_rfc3339();
    let record = Record::new(
        Learner {
            name: args.learner,
            email: None,
        },
        now.clone(),
        vec![record::lab_record(
            course,
            lab,
            &submission,
            &answers,
            &report,
            Attempts {
                attempts: 1,
                first_attempt: Some(now.clone()),
                last_attempt: Some(now.clone()),
                time_spent_seconds: 0,
                passed_at: report.passed.then_some(now),
            },
        )],
    );
    let text = record::write(&record);
    match args.out {
        Some(path) => std::fs::write(&path, &text).map_err(|error| CliError::Io { path, error }),
        None => {
            out!("{text}");
            Ok(())
        }
    }
}

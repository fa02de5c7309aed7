//! `sandlab report`: a class's records, re-graded, as a self-contained
//! HTML page and CSV tables in a folder.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use crate::parallel::parallel_map;
use sandlab::lab::Course;
use sandlab::record::class_report::{self, Learner};
use sandlab::record::{self, Record};
use std::path::PathBuf;

/// Write a class report: a self-contained HTML page (charts as inline
/// SVG, nothing fetched) with completion per lab, the score spread, the
/// checks and questions that fail most with the commonest verdicts and
/// wrong answers, time spent against the estimate and who needs a look;
/// plus the same tables as CSV. Labs that do not verify by re-grading
/// are left out and listed, unless --trust. Exits 0, or 2 if the labs,
/// a record or the output folder cannot be used.
#[derive(clap::Args)]
pub struct Args {
    /// Completion records (JSON), one or more per learner.
    #[arg(required = true)]
    records: Vec<PathBuf>,
    #[arg(long, default_value = "labs")]
    labs: PathBuf,
    /// The folder to write index.html and the CSV files into.
    #[arg(long, default_value = "report")]
    out: PathBuf,
    /// The page's title.
    #[arg(long, default_value = "Class report")]
    title: String,
    /// Skip re-grading: count what the records claim.
    #[arg(long)]
    trust: bool,
}

pub fn exec(args: Args) -> CliResult {
    let courses = io::load_prepared(&args.labs)?;
    let read = args
        .records
        .iter()
        .map(|path| io::read_record(path))
        .collect::<Result<Vec<Record>, CliError>>()?;
    let (learners, notes) = learners(&read, &courses, args.trust);
    let now = io::now_seconds() as i64;
    let report = class_report::analyse(&courses, &learners, now);
    let page = class_report::html(&report, &args.title, &io::now_rfc3339(), &notes);
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|error| CliError::Io {
        path: out.clone(),
        error,
    })?;
    let mut files = vec![("index.html", page)];
    files.extend(class_report::csv_files(&report));
    for (name, text) in &files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|error| CliError::Io { path, error })?;
    }
    out!(
        "wrote {} ({} learner(s), {} lab(s) left out as unverified) and {} CSV files",
        out.join("index.html").display(),
        report.learners,
        notes.len(),
        files.len() - 1
    );
    Ok(())
}

/// One entry per learner (several records of one learner merge) with the
/// labs that count, and a note for each lab left out as unverified.
fn learners<'r>(
    read: &'r [Record],
    courses: &[Course],
    trust: bool,
) -> (Vec<Learner<'r>>, Vec<String>) {
    let verified: Vec<Vec<bool>> = parallel_map(read, |record| {
        if trust {
            vec![true; record.labs.len()]
        } else {
            record::verify(record, courses)
                .iter()
                .map(|v| v.verified())
                .collect()
        }
    });
    let mut learners: Vec<Learner<'r>> = Vec::new();
    let mut notes = Vec::new();
    for (record, ok) in read.iter().zip(&verified) {
        let name = &record.learner.name;
        let index = match learners.iter().position(|l| &l.name == name) {
            Some(i) => i,
            None => {
                learners.push(Learner {
                    name: name.clone(),
                    labs: Vec::new(),
                });
                learners.len() - 1
            }
        };
        for (lab, ok) in record.labs.iter().zip(ok) {
            if *ok {
                learners[index].labs.push(lab);
            } else {
                notes.push(format!("{name}: {}/{}", lab.course, lab.lab));
            }
        }
    }
    (learners, notes)
}

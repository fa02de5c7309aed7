//! `sandlab verify`: each record's submissions re-graded, and per lab
//! "verified" or exactly what differs.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use crate::parallel::parallel_map;
use sandlab::record;
use std::path::PathBuf;

/// Re-grade every submission in each record and report, per lab,
/// "verified" or exactly what differs. Exits 0 only if everything
/// matches, 1 if something differs, 2 if a record cannot be read.
#[derive(clap::Args)]
pub struct Args {
    /// Completion records (JSON).
    #[arg(required = true)]
    records: Vec<PathBuf>,
    /// The labs folder the records were graded against.
    #[arg(long, default_value = "labs")]
    labs: PathBuf,
}

pub fn exec(args: Args) -> CliResult {
    let courses = io::load_prepared(&args.labs)?;
    // Re-grading is the work: it runs on every core, the report keeps order.
    let checked = parallel_map(&args.records, |path| {
        io::read_record(path).map(|record| {
            let verdicts = record::verify(&record, &courses);
            (record.learner.name, verdicts)
        })
    });
    let mut unreadable = false;
    let mut differs = false;
    for (path, checked) in args.records.iter().zip(checked) {
        let (learner, verdicts) = match checked {
            Ok(c) => c,
            Err(e) => {
                // Said in line with the others, and the rest still checked.
                out!("{e}");
                unreadable = true;
                continue;
            }
        };
        for v in verdicts {
            let (course, lab) = (&v.course, &v.lab);
            if v.verified() {
                out!("{}: {learner} {course}/{lab}: verified", path.display());
                if let Some(note) = &v.note {
                    out!("    {note}");
                }
            } else {
                differs = true;
                out!("{}: {learner} {course}/{lab}: DIFFERS", path.display());
                for d in &v.differences {
                    out!("    {d}");
                }
            }
        }
    }
    if unreadable {
        Err(CliError::Unreadable)
    } else if differs {
        Err(CliError::Failed)
    } else {
        Ok(())
    }
}

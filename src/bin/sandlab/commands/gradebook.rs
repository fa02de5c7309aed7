//! `sandlab gradebook`: one row per learner, one column per lab, with
//! totals, counting only scores that verify by re-grading (unless trusted).

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use crate::parallel::parallel_map;
use sandlab::lab::Course;
use sandlab::record::{self, Record, csv_field};
use serde_json::json;
use std::path::PathBuf;

/// One row per learner, one column per lab, with totals. Scores are
/// re-graded (on all cores) and only verified scores count, unless
/// --trust takes the records' word for them.
#[derive(clap::Args)]
pub struct Args {
    /// Completion records (JSON).
    #[arg(required = true)]
    records: Vec<PathBuf>,
    #[arg(long, default_value = "labs")]
    labs: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Skip re-grading: use the scores the records claim.
    #[arg(long)]
    trust: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

/// A lab's column.
struct Column {
    course: String,
    lab: String,
    max_score: u32,
}

/// A learner, the score that counts in each column (none: not done, or not
/// verified), and how many of their labs did not verify.
struct Row {
    learner: String,
    scores: Vec<Option<u32>>,
    unverified: usize,
}

/// A row, or in its place why its record could not be read.
type Line = Result<Row, String>;

pub fn exec(args: Args) -> CliResult {
    let courses = io::load_prepared(&args.labs)?;
    let columns: Vec<Column> = courses
        .iter()
        .flat_map(|c| {
            c.labs.iter().map(|l| Column {
                course: c.id.clone(),
                lab: l.id.clone(),
                max_score: l.max_score(),
            })
        })
        .collect();
    let read: Vec<Result<Record, CliError>> =
        args.records.iter().map(|p| io::read_record(p)).collect();
    let rows = parallel_map(&read, |record| match record {
        Ok(record) => Ok(row(record, &courses, &columns, args.trust)),
        Err(e) => Err(e.to_string()),
    });
    let lines = merge(rows);
    match args.format {
        Format::Csv => print_csv(&columns, &lines),
        Format::Json => print_json(&columns, &lines, args.trust),
    }
    if lines.iter().any(Result::is_err) {
        // Each was said in its place in the output.
        Err(CliError::Unreadable)
    } else {
        Ok(())
    }
}

/// `record`'s row: its score per column, re-graded unless `trust`.
fn row(record: &Record, courses: &[Course], columns: &[Column], trust: bool) -> Row {
    let verified: Vec<bool> = if trust {
        vec![true; record.labs.len()]
    } else {
        record::verify(record, courses)
            .iter()
            .map(|v| v.verified())
            .collect()
    };
    let scores = columns
        .iter()
        .map(|column| {
            record
                .labs
                .iter()
                .zip(&verified)
                .filter(|(l, _)| l.course == column.course && l.lab == column.lab)
                .filter(|(_, ok)| **ok)
                .map(|(l, _)| l.score)
                .max()
        })
        .collect();
    Row {
        learner: record.learner.name.clone(),
        scores,
        unverified: verified.iter().filter(|v| !**v).count(),
    }
}

/// One row per learner: several records of one learner merge, keeping the
/// best counted score per lab.
fn merge(rows: Vec<Line>) -> Vec<Line> {
    let mut merged: Vec<Line> = Vec::new();
    for line in rows {
        let Ok(row) = line else {
            merged.push(line);
            continue;
        };
        let same = merged
            .iter_mut()
            .find_map(|m| m.as_mut().ok().filter(|m| m.learner == row.learner));
        match same {
            Some(existing) => {
                for (best, s) in existing.scores.iter_mut().zip(row.scores) {
                    *best = (*best).max(s);
                }
                existing.unverified += row.unverified;
            }
            None => merged.push(Ok(row)),
        }
    }
    merged
}

fn print_csv(columns: &[Column], lines: &[Line]) {
    let max_total: u32 = columns.iter().map(|c| c.max_score).sum();
    let mut header = vec!["learner".to_string()];
    header.extend(
        columns
            .iter()
            .map(|c| csv_field(&format!("{}/{} (/{})", c.course, c.lab, c.max_score))),
    );
    header.extend([
        "total".to_string(),
        format!("max {max_total}"),
        "unverified labs".to_string(),
    ]);
    out!("{}", header.join(","));
    for line in lines {
        let row = match line {
            Ok(row) => row,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let mut fields = vec![csv_field(&row.learner)];
        fields.extend(
            row.scores
                .iter()
                .map(|s| s.map_or(String::new(), |s| s.to_string())),
        );
        let total: u32 = row.scores.iter().flatten().sum();
        fields.extend([
            total.to_string(),
            max_total.to_string(),
            row.unverified.to_string(),
        ]);
        out!("{}", fields.join(","));
    }
}

fn print_json(columns: &[Column], lines: &[Line], trust: bool) {
    let max_total: u32 = columns.iter().map(|c| c.max_score).sum();
    let learners: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|line| match line {
            Err(e) => {
                eprintln!("{e}");
                None
            }
            Ok(row) => Some(json!({
                "learner": row.learner,
                "labs": columns.iter().zip(&row.scores).map(|(c, s)| json!({
                    "course": c.course, "lab": c.lab, "score": s,
                })).collect::<Vec<_>>(),
                "total": row.scores.iter().flatten().sum::<u32>(),
                "max_total": max_total,
                "unverified_labs": row.unverified,
            })),
        })
        .collect();
    out!(
        "{}",
        json!({ "verified_only": !trust, "learners": learners })
    );
}

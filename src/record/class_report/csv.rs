//! A [`ClassReport`]'s tables as CSV files, for a spreadsheet.

use super::{ClassReport, ItemStats, common_text};
use crate::record::csv_field;
use std::fmt::Write as _;

/// The report's tables as CSV files: (file name, text).
pub fn csv_files(report: &ClassReport) -> Vec<(&'static str, String)> {
    let mut labs = String::from(
        "course,lab,title,passed,in_progress,not_started,estimate_minutes,median_minutes,mean_score_percent\n",
    );
    for l in &report.labs {
        let _ = writeln!(
            labs,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&l.course),
            csv_field(&l.lab),
            csv_field(&l.title),
            l.passed,
            l.in_progress,
            l.not_started,
            l.estimate_minutes,
            l.median_minutes
                .map_or(String::new(), |m| format!("{m:.1}")),
            l.mean_score_percent
                .map_or(String::new(), |m| format!("{m:.1}")),
        );
    }
    let items = |list: &[ItemStats], what: &str| {
        let mut s = format!("course,lab,{what},attempted,failed,failed_percent,commonest\n");
        for i in list {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{:.1},{}",
                csv_field(&i.course),
                csv_field(&i.lab),
                csv_field(&i.name),
                i.attempted,
                i.failed,
                i.failed_percent(),
                csv_field(&common_text(&i.common))
            );
        }
        s
    };
    let mut people = String::from(
        "learner,labs_passed,score,max_score,last_check,overdue,passed_late,needs_a_look\n",
    );
    for p in &report.people {
        let _ = writeln!(
            people,
            "{},{},{},{},{},{},{},{}",
            csv_field(&p.name),
            p.passed,
            p.score,
            p.max_score,
            csv_field(p.last_activity.as_deref().unwrap_or("")),
            p.overdue,
            p.late,
            csv_field(p.behind.as_deref().unwrap_or(""))
        );
    }
    vec![
        ("labs.csv", labs),
        ("checks.csv", items(&report.checks, "check")),
        ("questions.csv", items(&report.questions, "question")),
        ("learners.csv", people),
    ]
}

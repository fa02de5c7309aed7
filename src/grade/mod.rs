//! Grading: (lab, submission) → [`Report`], a verdict per check.
//!
//! The browser and the CLI call this same code, so a verdict is a function of
//! the lab, the submission and the engine version alone. [`Grading`] runs the
//! checks in fuel slices for the browser; [`grade`] runs them to the end.
//!

//! Code map: `driver.rs` is the state machine ([`Grading`]); `kinds/` says
//! how each kind of check is graded, one file per kind; `expected.rs`
//! computes random checks' expected values from the reference solution;
//! `quiz.rs` grades answers to questions; `verdict.rs`, `diff.rs` and
//! `json.rs` say what happened.

pub(crate) mod diff;
mod driver;
mod expected;
mod json;
mod kinds;
mod prove;
mod quiz;
mod verdict;

pub use diff::{line_diff, printable};
pub use driver::{Grading, Job};
pub use expected::{ExpectedError, compute_expected};
pub use json::report_json;
pub use kinds::text_matches;
pub use prove::{Problem, prove};
pub use quiz::{Answer, AnswerVerdict, Answers, QuestionReport, grade_answer, grade_answers};
pub use verdict::{Mismatch, Verdict};

use crate::compile::CompileError;
use crate::lab::Lab;
use crate::language::Submission;

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
    pub(crate) fn total(&mut self) {
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
    /// What the program printed, with bytes that are not UTF-8 escaped
    /// (`\xe6`).
    pub stdout: String,
    pub stderr: String,
    /// What a failed check ran, so the learner can reproduce it: the call
    /// (`steps(0)`), or the run's arguments and stdin.
    pub input: Option<String>,
    /// What a failed check wanted, where its verdict does not say (a trap,
    /// a limit or an exit code instead of a value or an output).
    pub expected: Option<String>,
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
            .map(|c| driver::not_run(c, Verdict::CompileError(error.clone())))
            .collect(),
        compile_error: Some(error),
        questions: grade_answers(lab, &Answers::new()),
    };
    report.total();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{Compare, TextExpect};

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

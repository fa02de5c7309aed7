//! Knowledge checks: a learner's answers against a lab's questions. Pure and
//! instant, so the browser and `sandlab verify` grade them the same way.

use crate::lab::{Lab, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a learner answered to one question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Answer {
    /// The indexes of the choices picked (0-based, in the lab's order).
    Choices(Vec<usize>),
    Text(String),
}

/// Answers by question name.
pub type Answers = BTreeMap<String, Answer>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerVerdict {
    Correct,
    Wrong,
    Unanswered,
}

impl AnswerVerdict {
    /// As records and JSON reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            AnswerVerdict::Correct => "correct",
            AnswerVerdict::Wrong => "wrong",
            AnswerVerdict::Unanswered => "unanswered",
        }
    }
}

/// One question's result.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionReport {
    pub name: String,
    pub points: u32,
    pub score: u32,
    pub verdict: AnswerVerdict,
    /// What the lab says about this particular wrong answer (one line per
    /// wrongly picked choice), or that right choices are missing.
    pub feedback: Vec<String>,
    /// Shown once the question is answered, right or wrong.
    pub explanation: Option<String>,
}

/// Grades every question of `lab`; questions without an answer are
/// unanswered and score nothing.
pub fn grade_answers(lab: &Lab, answers: &Answers) -> Vec<QuestionReport> {
    lab.questions
        .iter()
        .map(|q| grade_answer(q, answers.get(&q.name)))
        .collect()
}

pub fn grade_answer(question: &Question, answer: Option<&Answer>) -> QuestionReport {
    let (verdict, feedback) = match (answer, &question.kind) {
        (None, _) => (AnswerVerdict::Unanswered, Vec::new()),
        (Some(Answer::Choices(picked)), QuestionKind::Choice { choices, .. }) => {
            let mut picked: Vec<usize> = picked
                .iter()
                .copied()
                .filter(|&i| i < choices.len())
                .collect();
            picked.sort_unstable();
            picked.dedup();
            if picked.is_empty() {
                (AnswerVerdict::Unanswered, Vec::new())
            } else {
                let right: Vec<usize> =
                    (0..choices.len()).filter(|&i| choices[i].correct).collect();
                let mut feedback: Vec<String> = picked
                    .iter()
                    .filter(|&&i| !choices[i].correct)
                    .filter_map(|&i| choices[i].feedback.clone())
                    .collect();
                let missed = right.iter().any(|i| !picked.contains(i));
                let wrongly = picked.iter().any(|&i| !choices[i].correct);
                if missed && !wrongly {
                    feedback.push("Right so far, but not every right choice is ticked.".into());
                }
                let verdict = if picked == right {
                    AnswerVerdict::Correct
                } else {
                    AnswerVerdict::Wrong
                };
                (verdict, feedback)
            }
        }
        (Some(Answer::Text(given)), QuestionKind::Text(t)) => {
            if given.trim().is_empty() {
                (AnswerVerdict::Unanswered, Vec::new())
            } else if t.answer.matches(given) {
                (AnswerVerdict::Correct, Vec::new())
            } else {
                let specific = t
                    .wrong
                    .iter()
                    .find(|(accept, _)| accept.matches(given))
                    .map(|(_, feedback)| feedback.clone());
                (
                    AnswerVerdict::Wrong,
                    specific
                        .or_else(|| t.feedback.clone())
                        .into_iter()
                        .collect(),
                )
            }
        }
        // An answer of the other shape (the lab changed since): wrong, and
        // the learner is told why.
        (Some(_), _) => (
            AnswerVerdict::Wrong,
            vec!["This answer is for another kind of question: answer it again.".into()],
        ),
    };
    QuestionReport {
        name: question.name.clone(),
        points: question.points,
        score: if verdict == AnswerVerdict::Correct {
            question.points
        } else {
            0
        },
        verdict,
        feedback,
        explanation: (verdict != AnswerVerdict::Unanswered)
            .then(|| question.explanation.clone())
            .flatten(),
    }
}

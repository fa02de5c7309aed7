//! Knowledge checks: questions with their right answers, as the model holds
//! them and as `[[question]]` tables are read.

use super::raw::{self, S};
use super::reader::Reporter;

/// A knowledge check: a question with its right answers.
#[derive(Clone, Debug)]
pub struct Question {
    /// Unique within the lab; names the question in reports and records.
    pub name: String,
    /// Line of the question's `name` in lab.toml.
    pub line: u32,
    /// Markdown.
    pub prompt: String,
    pub points: u32,
    /// Markdown, shown once the question has been answered.
    pub explanation: Option<String>,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug)]
pub enum QuestionKind {
    /// Pick from the choices: exactly one is right, or, when `multiple`,
    /// tick every right one and no other.
    Choice {
        multiple: bool,
        choices: Vec<Choice>,
    },
    /// Type the answer.
    Text(TextQuestion),
}

#[derive(Clone, Debug)]
pub struct Choice {
    /// Markdown.
    pub text: String,
    pub correct: bool,
    /// Said when this choice is picked wrongly.
    pub feedback: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TextQuestion {
    pub answer: Accept,
    /// Said for any wrong answer without feedback of its own.
    pub feedback: Option<String>,
    /// Wrong answers worth their own feedback, matched like the answer.
    pub wrong: Vec<(Accept, String)>,
}

/// How a typed answer is compared. Leading and trailing whitespace never
/// counts.
#[derive(Clone, Debug)]
pub enum Accept {
    Exact(String),
    /// Ignoring case and runs of whitespace.
    CaseInsensitive(String),
    Number {
        value: f64,
        tolerance: f64,
    },
    /// The whole answer must match (the loader anchors the pattern).
    Regex(regex_lite::Regex),
}

impl Accept {
    pub fn matches(&self, given: &str) -> bool {
        let given = given.trim();
        match self {
            Accept::Exact(want) => given == want.trim(),
            Accept::CaseInsensitive(want) => fold(given) == fold(want),
            Accept::Number { value, tolerance } => readings(given)
                .iter()
                .any(|x| (x - value).abs() <= *tolerance),
            Accept::Regex(re) => re.is_match(given),
        }
    }

    /// The `match` name in lab files.
    pub fn name(&self) -> &'static str {
        match self {
            Accept::Exact(_) => "exact",
            Accept::CaseInsensitive(_) => "case-insensitive",
            Accept::Number { .. } => "number",
            Accept::Regex(_) => "regex",
        }
    }
}

/// The numbers someone typing `text` may have meant: `65536`, `65 536`,
/// `65_536`, and a comma read both ways, as a thousands separator (`65,536`)
/// and as a decimal comma (`3,14`). An answer matches if any reading does:
/// the two readings are a thousand times apart, so no real answer is
/// ambiguous.
fn readings(text: &str) -> Vec<f64> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    let mut out = Vec::new();
    let mut push = |t: &str| {
        if let Ok(x) = t.parse::<f64>()
            && x.is_finite()
        {
            out.push(x);
        }
    };
    push(&compact);
    if compact.contains(',') {
        push(&compact.replace(',', ""));
        if compact.matches(',').count() == 1 && !compact.contains('.') {
            push(&compact.replace(',', "."));
        }
    }
    out
}

fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(super) fn build_question(q: &raw::Question, r: &mut Reporter<'_>) -> Option<Question> {
    let errors = r.count();
    let name = q.name.get_ref().clone();
    r.non_empty(&q.name, "the question's name");
    r.non_empty(&q.prompt, "the prompt");
    let points = match &q.points {
        Some(p) => r.int_in(p, 0, 1000, "points").unwrap_or(1) as u32,
        None => 1,
    };
    let kind = q.kind.get_ref().as_str();
    let (allowed, present): (&[&str], Vec<(&str, usize)>) = (
        match kind {
            "choice" | "choices" => &["choices"],
            _ => &["answer", "match", "tolerance", "feedback", "wrong"],
        },
        [
            ("choices", q.choices.as_ref().map(|v| v.span().start)),
            ("answer", q.answer.as_ref().map(|v| v.span().start)),
            ("match", q.matching.as_ref().map(|v| v.span().start)),
            ("tolerance", q.tolerance.as_ref().map(|v| v.span().start)),
            ("feedback", q.feedback.as_ref().map(|v| v.span().start)),
            ("wrong", q.wrong.as_ref().map(|v| v.span().start)),
        ]
        .into_iter()
        .filter_map(|(n, at)| at.map(|at| (n, at)))
        .collect(),
    );
    for (field, at) in present {
        if !allowed.contains(&field) && matches!(kind, "choice" | "choices" | "text") {
            r.at(
                at,
                format!("`{field}` does not apply to a `{kind}` question"),
            );
        }
    }
    let kind = match kind {
        "choice" | "choices" => choice_question(q, kind == "choices", r)?,
        "text" => text_question(q, r)?,
        other => {
            r.at(
                q.kind.span().start,
                format!("question kind `{other}` is not known: use \"choice\" (one right answer), \"choices\" (tick every right one) or \"text\" (typed)"),
            );
            return None;
        }
    };
    (r.count() == errors).then(|| Question {
        name,
        line: r.line_of(q.name.span().start),
        prompt: q.prompt.get_ref().clone(),
        points,
        explanation: q.explanation.as_ref().map(|e| e.get_ref().clone()),
        kind,
    })
}

/// A `choice` question (one right answer) or, when `multiple`, a `choices`
/// question (tick every right one).
fn choice_question(
    q: &raw::Question,
    multiple: bool,
    r: &mut Reporter<'_>,
) -> Option<QuestionKind> {
    let kind = q.kind.get_ref();
    let Some(raw_choices) = &q.choices else {
        r.at(
            q.kind.span().start,
            format!("a `{kind}` question needs `choices`"),
        );
        return None;
    };
    let mut choices = Vec::new();
    for c in raw_choices.get_ref() {
        let c = c.get_ref();
        r.non_empty(&c.text, "a choice's text");
        choices.push(Choice {
            text: c.text.get_ref().clone(),
            correct: c.correct.as_ref().is_some_and(|b| *b.get_ref()),
            feedback: c.feedback.as_ref().map(|f| f.get_ref().clone()),
        });
    }
    let right = choices.iter().filter(|c| c.correct).count();
    let at = raw_choices.span().start;
    if choices.len() < 2 {
        r.at(at, "a question needs at least two choices");
    } else if right == 0 {
        r.at(
            at,
            "no choice is marked `correct = true`: the question cannot be answered",
        );
    } else if right > 1 && !multiple {
        r.at(at, format!("{right} choices are correct, but a `choice` question has one right answer: make it `kind = \"choices\"` (tick every right one) or keep one correct"));
    }
    Some(QuestionKind::Choice { multiple, choices })
}

/// A `text` question: the typed answer, compared as `match` says.
fn text_question(q: &raw::Question, r: &mut Reporter<'_>) -> Option<QuestionKind> {
    let Some(answer) = &q.answer else {
        r.at(q.kind.span().start, "a `text` question needs `answer`");
        return None;
    };
    let matching = match &q.matching {
        Some(m) => m.get_ref().as_str(),
        // A number written as a number compares as one.
        None if answer.get_ref().is_integer() || answer.get_ref().is_float() => "number",
        None => "exact",
    };
    if !matches!(matching, "exact" | "case-insensitive" | "number" | "regex") {
        if let Some(m) = &q.matching {
            r.at(m.span().start, format!("`match = \"{matching}\"` is not known: use \"exact\", \"case-insensitive\", \"number\" or \"regex\""));
        }
        return None;
    }
    if let (Some(t), false) = (&q.tolerance, matching == "number") {
        r.at(
            t.span().start,
            "`tolerance` applies only with `match = \"number\"`",
        );
    }
    let tolerance = q.tolerance.as_ref().map_or(0.0, |t| *t.get_ref());
    if let Some(t) = &q.tolerance
        && !(tolerance >= 0.0 && tolerance.is_finite())
    {
        r.at(t.span().start, "`tolerance` must be zero or more");
    }
    let answer = accept(answer, matching, tolerance, r)?;
    let mut wrong = Vec::new();
    for w in q.wrong.iter().flat_map(|w| w.get_ref()) {
        let w = w.get_ref();
        r.non_empty(&w.feedback, "the feedback");
        if let Some(a) = accept(&w.answer, matching, tolerance, r) {
            wrong.push((a, w.feedback.get_ref().clone()));
        }
    }
    Some(QuestionKind::Text(TextQuestion {
        answer,
        feedback: q.feedback.as_ref().map(|f| f.get_ref().clone()),
        wrong,
    }))
}

/// A typed answer (or a wrong one) as the question's `match` compares it.
fn accept(
    value: &S<toml::Value>,
    matching: &str,
    tolerance: f64,
    r: &mut Reporter<'_>,
) -> Option<Accept> {
    let at = value.span().start;
    let text = match value.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        other => {
            r.at(
                at,
                format!(
                    "an answer is a string or a number, not {}",
                    other.type_str()
                ),
            );
            return None;
        }
    };
    if text.trim().is_empty() {
        r.at(at, "the answer is empty");
        return None;
    }
    match matching {
        "number" => match text.trim().replace('_', "").parse::<f64>() {
            Ok(value) if value.is_finite() => Some(Accept::Number { value, tolerance }),
            _ => {
                r.at(
                    at,
                    format!("`{text}` is not a number, and `match = \"number\"` compares numbers"),
                );
                None
            }
        },
        "regex" => match regex_lite::Regex::new(&format!("^(?:{})$", text.trim())) {
            Ok(re) => Some(Accept::Regex(re)),
            Err(e) => {
                r.at(at, format!("not a valid regular expression: {e}"));
                None
            }
        },
        "case-insensitive" => Some(Accept::CaseInsensitive(text)),
        _ => Some(Accept::Exact(text)),
    }
}

//! "Ask for help": a lab, the learner's code and the last Check's failures,
//! packed into a short text an instructor can answer without a round of
//! "what did you try?". Pure: the app copies it or opens an email with it.

use crate::grade::{Answer, AnswerVerdict, Answers, Report, Verdict};
use crate::lab::{Course, Lab, QuestionKind};

/// What the help text is made of.
pub struct HelpRequest<'a> {
    pub course: &'a Course,
    pub lab: &'a Lab,
    /// The address of the lab's page.
    pub page: &'a str,
    /// The learner's own words: what they expected and what happened.
    pub question: &'a str,
    /// WAT in the editor, for a lab written in the browser.
    pub code: Option<&'a str>,
    /// The uploaded module's name and size, for a wasm lab.
    pub upload: Option<(&'a str, usize)>,
    pub answers: &'a Answers,
    /// The last Check, if there was one since the page opened.
    pub report: Option<&'a Report>,
    pub attempts: u32,
}

/// Longest code quoted in full; longer code keeps its start and says so.
const MAX_CODE_LINES: usize = 120;
/// Longest expected/actual value or output quoted per check.
const MAX_DETAIL: usize = 300;
/// A `mailto:` link longer than this is cut by some mail programs.
const MAX_MAILTO: usize = 1900;

/// The text to paste into an email or a discussion post.
pub fn help_text(h: &HelpRequest<'_>) -> String {
    let mut t = String::new();
    let lab = h.lab;
    t.push_str(&format!(
        "Help with \"{}\" ({}/{}) in \"{}\"\n",
        lab.title, h.course.id, lab.id, h.course.title
    ));
    t.push_str(&format!("Page: {}\n", h.page));
    t.push_str(&format!(
        "Attempts: {} · sandlab {} · lab {}\n",
        h.attempts,
        env!("CARGO_PKG_VERSION"),
        short_hash(&lab.content_hash)
    ));
    let question = h.question.trim();
    t.push_str("\nMy question:\n");
    t.push_str(if question.is_empty() {
        "(not written yet: say what you expected and what happened instead)"
    } else {
        question
    });
    t.push('\n');

    if let Some(code) = h.code {
        let lines: Vec<&str> = code.lines().collect();
        t.push_str(&format!(
            "\nMy code ({} lines):\n```{}\n",
            lines.len(),
            lab.interpreter
                .as_ref()
                .map_or(lab.language.name(), |i| i.name.as_str())
        ));
        for line in lines.iter().take(MAX_CODE_LINES) {
            t.push_str(line);
            t.push('\n');
        }
        if lines.len() > MAX_CODE_LINES {
            t.push_str(&format!(
                ";; … {} more lines not shown\n",
                lines.len() - MAX_CODE_LINES
            ));
        }
        t.push_str("```\n");
    }
    if let Some((name, size)) = h.upload {
        t.push_str(&format!("\nMy upload: {name} ({size} bytes)\n"));
    }

    match h.report {
        None => t.push_str("\nI have not pressed Check since opening the page.\n"),
        Some(r) => {
            t.push_str(&format!(
                "\nThe last Check: {}/{} points{}\n",
                r.score,
                r.max_score,
                if r.passed { ", lab passed" } else { "" }
            ));
            if let Some(e) = &r.compile_error {
                t.push_str(&format!("- compile error: {e}\n"));
            }
            for c in &r.checks {
                if c.verdict.is_pass() {
                    t.push_str(&format!("- passed: {}\n", c.name));
                    continue;
                }
                if c.hidden {
                    t.push_str(&format!(
                        "- {}: {} (a hidden check)\n",
                        c.name,
                        c.verdict.name()
                    ));
                    continue;
                }
                if matches!(c.verdict, Verdict::CompileError(_)) {
                    continue;
                }
                t.push_str(&format!("- {}: {}\n", c.name, detail(&c.verdict)));
                if !c.stdout.is_empty() && !matches!(c.verdict, Verdict::WrongAnswer(_)) {
                    t.push_str(&format!("  printed: {}\n", clip(&c.stdout)));
                }
                if !c.stderr.is_empty() {
                    t.push_str(&format!("  stderr: {}\n", clip(&c.stderr)));
                }
            }
        }
    }

    if !lab.questions.is_empty() {
        t.push_str("\nMy answers:\n");
        for q in &lab.questions {
            let answer = match (h.answers.get(&q.name), &q.kind) {
                (None, _) => "(not answered)".to_string(),
                (Some(Answer::Text(text)), _) => format!("\"{}\"", clip(text)),
                (Some(Answer::Choices(picked)), QuestionKind::Choice { choices, .. }) => picked
                    .iter()
                    .filter_map(|&i| choices.get(i))
                    .map(|c| format!("\"{}\"", clip(&c.text)))
                    .collect::<Vec<_>>()
                    .join(", "),
                (Some(Answer::Choices(_)), _) => "(an answer of another kind)".to_string(),
            };
            let verdict = h
                .report
                .and_then(|r| r.questions.iter().find(|r| r.name == q.name))
                .map(|r| match r.verdict {
                    AnswerVerdict::Correct => " (correct)",
                    AnswerVerdict::Wrong => " (wrong)",
                    AnswerVerdict::Unanswered => "",
                })
                .unwrap_or("");
            t.push_str(&format!("- {}: {answer}{verdict}\n", q.name));
        }
    }
    t
}

/// A `mailto:` link with the subject and as much of `body` as mail
/// programs reliably take; a cut body says so, and that the whole text is
/// on the clipboard.
pub fn mailto(email: &str, subject: &str, body: &str) -> String {
    let head = format!("mailto:{email}?subject={}&body=", encode(subject));
    let room = MAX_MAILTO.saturating_sub(head.len());
    let encoded = encode(body);
    if encoded.len() <= room {
        return head + &encoded;
    }
    let note =
        encode("\n… (cut: the whole text is on the Help panel, press Copy and paste it here)");
    // Whole characters, as many as fit beside the note.
    let mut kept = String::new();
    for c in body.chars() {
        let piece = encode(c.encode_utf8(&mut [0; 4]));
        if kept.len() + piece.len() + note.len() > room {
            break;
        }
        kept.push_str(&piece);
    }
    head + &kept + &note
}

/// Percent-encodes all but unreserved characters (RFC 3986), as a
/// `mailto:` query needs.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn detail(v: &Verdict) -> String {
    match v {
        Verdict::WrongAnswer(m) => format!(
            "wrong answer: {} gave {}, expected {}",
            m.what,
            clip(&m.actual),
            clip(&m.expected)
        ),
        other => format!("{}: {}", other.name(), clip(&other.to_string())),
    }
}

fn clip(text: &str) -> String {
    let one_line = text.trim().replace('\n', "⏎");
    if one_line.chars().count() <= MAX_DETAIL {
        return one_line;
    }
    let cut: String = one_line.chars().take(MAX_DETAIL).collect();
    format!("{cut}…")
}

fn short_hash(hash: &str) -> &str {
    let end = hash.len().min("sha256:".len() + 12);
    &hash[..end]
}

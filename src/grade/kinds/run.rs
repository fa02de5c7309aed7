//! `run` checks: run the WASI command, then compare its exit code, stdout,
//! stderr and the files it wrote.

use super::{Described, Module, Rules, abnormal};
use crate::grade::diff::quoted;
use crate::grade::{Mismatch, Verdict, line_diff, printable};
use crate::lab::{Compare, RunCheck, TextExpect};
use crate::sandbox::{End, Outcome, Request, Wanted, World};
use crate::vocab::FuncSig;

impl Rules for RunCheck {
    fn before_running(&self, module: &Module<'_>) -> Option<Verdict> {
        module.program.export_sig("_start").is_none().then(|| {
            Verdict::Ended(End::MissingExport {
                name: "_start".into(),
                wanted: Wanted::Function(Some(FuncSig {
                    params: Vec::new(),
                    results: Vec::new(),
                })),
            })
        })
    }

    fn runs(&self) -> Vec<Request> {
        vec![run_request(self)]
    }

    fn verdict(&self, _case: usize, _request: &Request, outcome: &Outcome) -> Verdict {
        run_verdict(self, outcome)
    }

    fn describe(&self, _case: usize, _request: &Request) -> Described {
        Described {
            input: Some(run_input(self)),
            expected: Some(run_expected(self)),
            called_in_mismatch: false,
        }
    }
}

/// Lines of stdin (or expected output) shown at most, and characters of each.
const SHOWN_LINES: usize = 3;
const SHOWN_CHARS: usize = 80;

/// What the run was given: its arguments (as a shell would take them), its
/// stdin (clipped, with its length) and its files.
fn run_input(r: &RunCheck) -> String {
    let args = if r.args.is_empty() {
        "no arguments".to_string()
    } else {
        let quoted: Vec<String> = r.args.iter().map(|a| shell_word(a)).collect();
        format!("arguments {}", quoted.join(" "))
    };
    let stdin = if r.stdin.is_empty() {
        "empty stdin".to_string()
    } else {
        format!(
            "stdin ({} bytes): {}",
            r.stdin.len(),
            clipped(&printable(&r.stdin))
        )
    };
    let mut parts = vec![args, stdin];
    if !r.files.is_empty() {
        let names: Vec<&str> = r.files.keys().map(String::as_str).collect();
        parts.push(format!("files {}", names.join(", ")));
    }
    parts.join("; ")
}

/// What the run had to do: its exit code, and the output it had to write.
fn run_expected(r: &RunCheck) -> String {
    let mut parts = vec![format!("exit code {}", r.exit_code)];
    for (stream, want) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if let Some(want) = want {
            parts.push(match want.compare {
                Compare::Regex(_) => format!("{stream} matching /{}/", want.text),
                _ => format!("{stream} {}", clipped(&want.text)),
            });
        }
    }
    parts.join(", ")
}

/// A word as a shell would need it: quoted when it holds spaces or quotes.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Text quoted, its first few lines only, each cut short.
fn clipped(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown: Vec<String> = lines
        .iter()
        .take(SHOWN_LINES)
        .map(|l| match l.char_indices().nth(SHOWN_CHARS) {
            Some((i, _)) => format!("{}…", &l[..i]),
            None => (*l).to_string(),
        })
        .collect();
    if lines.len() > SHOWN_LINES {
        shown.push(format!("… ({} more lines)", lines.len() - SHOWN_LINES));
    }
    format!("{:?}", shown.join("\n"))
}

fn run_request(r: &RunCheck) -> Request {
    let mut request = Request::command();
    request.world = World {
        program_name: "main.wasm".into(),
        args: r.args.clone(),
        env: r.env.clone(),
        stdin: r.stdin.clone(),
        files: r.files.clone(),
        seed: 0,
    };
    request
}

fn run_verdict(r: &RunCheck, outcome: &Outcome) -> Verdict {
    let code = match &outcome.end {
        End::Returned(_) => 0,
        End::Exited(code) => *code,
        other => return abnormal(other).unwrap_or(Verdict::Passed),
    };
    let text = |what: &str, want: &TextExpect, got: &[u8]| -> Option<Verdict> {
        let shown = quoted(got);
        let got = String::from_utf8_lossy(got);
        if text_matches(want, &got) {
            return None;
        }
        let diff = match want.compare {
            Compare::Regex(_) => None,
            _ => Some(line_diff(&want.text, &got)),
        };
        Some(Verdict::WrongAnswer(Mismatch {
            what: what.to_string(),
            expected: match want.compare {
                Compare::Regex(_) => format!("text matching /{}/", want.text),
                _ => format!("{:?}", want.text),
            },
            actual: shown,
            diff,
        }))
    };
    // The exit code first: a program that failed says more by its code
    // than by the output it never wrote.
    if code != r.exit_code {
        return Verdict::ExitCode {
            expected: r.exit_code,
            actual: code,
        };
    }
    if let Some(v) = r
        .stdout
        .as_ref()
        .and_then(|w| text("stdout", w, &outcome.stdout))
    {
        return v;
    }
    if let Some(v) = r
        .stderr
        .as_ref()
        .and_then(|w| text("stderr", w, &outcome.stderr))
    {
        return v;
    }
    for (name, want) in &r.files_after {
        match outcome.files.get(name) {
            Some(bytes) => {
                if let Some(v) = text(&format!("file {name}"), want, bytes) {
                    return v;
                }
            }
            None => {
                return Verdict::WrongAnswer(Mismatch {
                    what: format!("file {name}"),
                    expected: format!("{:?}", want.text),
                    actual: "no such file was written".into(),
                    diff: None,
                });
            }
        }
    }
    Verdict::Passed
}

/// Compares output text the way the check says.
pub fn text_matches(want: &TextExpect, got: &str) -> bool {
    match &want.compare {
        Compare::Exact => want.text == got,
        Compare::Trim => trim_lines(&want.text) == trim_lines(got),
        Compare::Regex(re) => re.is_match(got),
    }
}

fn trim_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

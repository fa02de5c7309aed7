//! The report as JSON, for `sandlab grade --json` and other tools.
//!
//! Built explicitly rather than derived, so the internal [`Report`] can change
//! without changing what scripts read. Hidden checks carry their name,
//! verdict, points and fuel, never their data.

use super::{CheckReport, Report, Verdict};
use crate::sandbox::{End, Wanted};
use crate::vocab::TrapKind;
use serde_json::{Map, Value, json};

/// The report as one JSON object.
pub fn report_json(report: &Report) -> Value {
    json!({
        "lab": report.lab_id,
        "passed": report.passed,
        "score": report.score,
        "max_score": report.max_score,
        "compile_error": report.compile_error.as_ref().map(|e| json!({
            "message": e.message,
            "line": e.line,
            "column": e.column,
        })),
        "checks": report.checks.iter().map(check_json).collect::<Vec<_>>(),
        "questions": report.questions.iter().map(|q| {
            let mut o = Map::new();
            o.insert("name".into(), json!(q.name));
            o.insert("verdict".into(), json!(q.verdict.name()));
            o.insert("points".into(), json!(q.score));
            o.insert("max_points".into(), json!(q.points));
            if !q.feedback.is_empty() {
                o.insert("feedback".into(), json!(q.feedback));
            }
            Value::Object(o)
        }).collect::<Vec<_>>(),
    })
}

fn check_json(c: &CheckReport) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(c.name));
    o.insert("kind".into(), json!(c.kind));
    o.insert("hidden".into(), json!(c.hidden));
    o.insert("verdict".into(), json!(c.verdict.name()));
    o.insert("points".into(), json!(c.score));
    o.insert("max_points".into(), json!(c.points));
    o.insert("fuel".into(), json!(c.fuel));
    o.insert("fuel_limit".into(), json!(c.fuel_limit));
    if let Some(b) = c.budget {
        o.insert("budget".into(), json!(b));
    }
    if !c.hidden {
        if !c.verdict.is_pass() {
            o.insert("message".into(), json!(c.verdict.to_string()));
            o.insert("detail".into(), detail(&c.verdict));
            if let Some(input) = &c.input {
                o.insert("input".into(), json!(input));
            }
            if let Some(expected) = &c.expected {
                o.insert("expected".into(), json!(expected));
            }
            if let Some(f) = &c.feedback {
                o.insert("feedback".into(), json!(f));
            }
        }
        if !c.stdout.is_empty() {
            o.insert("stdout".into(), json!(c.stdout));
        }
        if !c.stderr.is_empty() {
            o.insert("stderr".into(), json!(c.stderr));
        }
    }
    Value::Object(o)
}

fn detail(v: &Verdict) -> Value {
    match v {
        Verdict::Passed => json!({}),
        Verdict::WrongAnswer(m) => json!({
            "what": m.what, "expected": m.expected, "actual": m.actual, "diff": m.diff,
        }),
        Verdict::CompileError(e) => {
            json!({ "message": e.message, "line": e.line, "column": e.column })
        }
        Verdict::Ended(end) => end_detail(end),
        Verdict::OverBudget { used, budget } => json!({ "used": used, "budget": budget }),
        Verdict::ExitCode { expected, actual } => json!({ "expected": expected, "actual": actual }),
        Verdict::Exception {
            kind,
            message,
            line,
            traceback,
        } => json!({ "type": kind, "message": message, "line": line, "traceback": traceback }),
        Verdict::LabError { message } => json!({ "message": message }),
    }
}

fn end_detail(end: &End) -> Value {
    match end {
        End::Returned(_) | End::Exited(_) | End::Cancelled => json!({}),
        End::Trapped { kind, message } => json!({ "trap": kind.name(), "message": message }),
        End::TableLimit { .. } => {
            json!({ "trap": TrapKind::Other.name(), "message": end.to_string() })
        }
        End::OutOfFuel { limit } | End::OutputLimit { limit } => json!({ "limit": limit }),
        End::StackOverflow { limit } => json!({ "limit": limit }),
        End::MemoryLimit {
            limit_pages,
            requested_pages,
        } => json!({ "limit_pages": limit_pages, "requested_pages": requested_pages }),
        End::MissingExport { name, wanted } => json!({
            "name": name,
            "expected": match wanted {
                Wanted::Function(sig) => sig.as_ref().map(ToString::to_string),
                Wanted::Memory => Some("memory".to_string()),
                Wanted::Table => Some("table".to_string()),
                Wanted::Global => Some("global".to_string()),
                Wanted::Definition | Wanted::Written { .. } => Some("a definition".to_string()),
            },
        }),
        End::WrongSignature {
            name,
            expected,
            actual,
        } => json!({ "name": name, "expected": expected, "actual": actual }),
        End::LinkError { message } => json!({ "message": message }),
    }
}

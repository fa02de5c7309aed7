//! xAPI 1.0.3 statements from a completion record (this file), and a
//! validator for them (`validate.rs`).
//!
//! One statement per attempted lab (`passed`, or `failed` while not yet
//! passed) and one `completed` for a course whose every lab passed. Ids are
//! name-based UUIDs (version 5) over the statement's own content, so sending
//! the same work twice sends the same statements: an LRS drops an identical
//! duplicate, which makes retrying after a lost response safe.
//!
//! The validator checks what xAPI 1.0.3 requires of the statements we make,
//! because LRSs differ in how strictly they check, and a statement one LRS
//! accepted and another rejects would be lost data. See docs/record-format.md.

use super::{LabRecord, Record};
use crate::lab::{Course, Lab};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

mod validate;

pub use validate::{Invalid, validate};

/// The xAPI version these statements follow; sent as `X-Experience-API-Version`.
pub const VERSION: &str = "1.0.3";

pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";

pub const TYPE_LAB: &str = "http://adlnet.gov/expapi/activities/assessment";
pub const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";

/// Result extensions. URNs: sandlab owns no domain to hang IRLs on, and an
/// extension key need only be an IRI.
pub const EXT_CONTENT_HASH: &str = "urn:sandlab:xapi:content-hash";
pub const EXT_ENGINE: &str = "urn:sandlab:xapi:engine";
pub const EXT_SUBMISSION: &str = "urn:sandlab:xapi:submission-sha256";
pub const EXT_ATTEMPTS: &str = "urn:sandlab:xapi:attempts";

/// The namespace of statement ids (a fixed random UUID).
const NAMESPACE: [u8; 16] = [
    0x6f, 0x1c, 0x4e, 0x52, 0x8a, 0x3b, 0x4d, 0x27, 0x9e, 0x05, 0x73, 0xd8, 0x21, 0xb4, 0x60, 0xaf,
];

/// The statements for `record`, in record order, with the course's
/// `completed` after its labs.
///
/// # Errors
///
/// A lab or course of the record is not in `courses` (its title and
/// activity id come from there).
pub fn statements(record: &Record, courses: &[Course]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for entry in &record.labs {
        if entry.attempts == 0 || entry.status == "not started" {
            continue;
        }
        let course = courses
            .iter()
            .find(|c| c.id == entry.course)
            .ok_or_else(|| format!("the record's course `{}` is not in the labs", entry.course))?;
        let lab = course
            .labs
            .iter()
            .find(|l| l.id == entry.lab)
            .ok_or_else(|| {
                format!(
                    "the record's lab `{}` is not in course `{}`",
                    entry.lab, entry.course
                )
            })?;
        out.push(lab_statement(
            record,
            &actor(record, course),
            course,
            lab,
            entry,
        ));
    }
    for course in courses {
        let entries: Vec<&LabRecord> = course
            .labs
            .iter()
            .filter_map(|lab| {
                record
                    .labs
                    .iter()
                    .find(|e| e.course == course.id && e.lab == lab.id && e.status == "passed")
            })
            .collect();
        if !course.labs.is_empty() && entries.len() == course.labs.len() {
            out.push(course_statement(
                record,
                &actor(record, course),
                course,
                &entries,
            ));
        }
    }
    Ok(out)
}

/// The learner as an xAPI Agent: by email when they gave one, otherwise as
/// an account on the course's home page (each course names the system its
/// learner ids come from).
fn actor(record: &Record, course: &Course) -> Value {
    let name = &record.learner.name;
    match &record.learner.email {
        Some(email) if !email.is_empty() => json!({
            "objectType": "Agent",
            "name": name,
            "mbox": format!("mailto:{email}"),
        }),
        _ => json!({
            "objectType": "Agent",
            "name": name,
            "account": { "homePage": course.xapi.home_page, "name": name },
        }),
    }
}

pub fn lab_activity_id(course: &Course, lab: &Lab) -> String {
    format!("{}/{}", course.xapi.activity_id, lab.id)
}

fn course_activity(course: &Course) -> Value {
    json!({
        "objectType": "Activity",
        "id": course.xapi.activity_id,
        "definition": {
            "name": { "en-US": course.title },
            "type": TYPE_COURSE,
        },
    })
}

fn lab_statement(
    record: &Record,
    actor: &Value,
    course: &Course,
    lab: &Lab,
    entry: &LabRecord,
) -> Value {
    let passed = entry.status == "passed";
    let mut result = Map::new();
    if let Some(score) = score(entry.score, entry.max_score) {
        result.insert("score".into(), score);
    }
    result.insert("success".into(), json!(passed));
    result.insert("completion".into(), json!(passed));
    result.insert("duration".into(), json!(duration(entry.time_spent_seconds)));
    result.insert(
        "extensions".into(),
        json!({
            EXT_CONTENT_HASH: entry.content_hash,
            EXT_ENGINE: record.engine,
            EXT_SUBMISSION: entry.submission_sha256,
            EXT_ATTEMPTS: entry.attempts,
        }),
    );
    let statement = json!({
        "actor": actor,
        "verb": verb(if passed { VERB_PASSED } else { VERB_FAILED }),
        "object": {
            "objectType": "Activity",
            "id": lab_activity_id(course, lab),
            "definition": {
                "name": { "en-US": lab.title },
                "type": TYPE_LAB,
            },
        },
        "result": result,
        "context": context(record, course),
        "timestamp": entry.last_attempt.as_deref().unwrap_or(&record.exported_at),
    });
    with_id(statement)
}

fn course_statement(
    record: &Record,
    actor: &Value,
    course: &Course,
    entries: &[&LabRecord],
) -> Value {
    let score_sum: u32 = entries.iter().map(|e| e.score).sum();
    let max_sum: u32 = entries.iter().map(|e| e.max_score).sum();
    let seconds: u64 = entries.iter().map(|e| e.time_spent_seconds).sum();
    // RFC 3339 UTC strings of one shape sort as times.
    let last = entries
        .iter()
        .filter_map(|e| e.last_attempt.as_deref())
        .max()
        .unwrap_or(&record.exported_at);
    let mut result = Map::new();
    if let Some(score) = score(score_sum, max_sum) {
        result.insert("score".into(), score);
    }
    result.insert("success".into(), json!(true));
    result.insert("completion".into(), json!(true));
    result.insert("duration".into(), json!(duration(seconds)));
    result.insert("extensions".into(), json!({ EXT_ENGINE: record.engine }));
    let mut context = context(record, course);
    // The course is the object here, not its own parent.
    if let Some(c) = context.as_object_mut() {
        c.remove("contextActivities");
    }
    let statement = json!({
        "actor": actor,
        "verb": verb(VERB_COMPLETED),
        "object": course_activity(course),
        "result": result,
        "context": context,
        "timestamp": last,
    });
    with_id(statement)
}

fn verb(id: &str) -> Value {
    let word = id.rsplit('/').next().unwrap_or(id);
    json!({ "id": id, "display": { "en-US": word } })
}

fn context(record: &Record, course: &Course) -> Value {
    json!({
        "contextActivities": { "parent": [course_activity(course)] },
        "platform": format!("sandlab {}", record.sandlab_version),
    })
}

/// `result.score`, or none when there is nothing to score (xAPI needs
/// min < max).
fn score(raw: u32, max: u32) -> Option<Value> {
    (max > 0).then(|| {
        json!({
            "scaled": f64::from(raw) / f64::from(max),
            "raw": raw,
            "min": 0,
            "max": max,
        })
    })
}

/// ISO 8601 duration: `PT1H2M3S`, `PT0S`.
pub fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// Adds the statement's id: a version 5 UUID of its canonical JSON
/// (serde_json's maps keep keys sorted, so the text is stable).
pub fn with_id(mut statement: Value) -> Value {
    let text = statement.to_string();
    let mut hasher = Sha1::new();
    hasher.update(NAMESPACE);
    hasher.update(text.as_bytes());
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::lab::hex(&b);
    let id = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    if let Some(map) = statement.as_object_mut() {
        map.insert("id".into(), json!(id));
    }
    statement
}

/// Statements per request: small enough for any LRS's body limit.
pub const BATCH: usize = 200;

/// The `Authorization` header value for HTTP basic auth.
pub fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The `statements` resource of an LRS endpoint.
pub fn statements_url(endpoint: &str) -> String {
    format!("{}/statements", endpoint.trim_end_matches('/'))
}

/// What to tell a person when the LRS answered `status` (not 2xx) with
/// `body`: the status, a hint at the usual cause, and what the LRS said.
pub fn refusal(url: &str, status: u16, body: &str) -> String {
    let hint = match status {
        401 | 403 => " (the user or password, or key and secret, is not accepted)",
        404 => " (is the URL the LRS endpoint, e.g. ending in /xAPI/?)",
        409 => " (the LRS holds different statements with these ids)",
        413 => " (the LRS takes smaller batches)",
        _ => "",
    };
    let excerpt: String = body.chars().take(300).collect();
    format!("the LRS at {url} refused the statements: HTTP {status}{hint}: {excerpt}")
}

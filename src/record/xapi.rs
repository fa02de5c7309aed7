//! xAPI 1.0.3 statements from a completion record, and a validator for them.
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
use crate::vocab::{is_iri, is_url};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

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
fn with_id(mut statement: Value) -> Value {
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

/// Checks `statement` against the rules of xAPI 1.0.3 that apply to the
/// statements sandlab makes (and the common mistakes of hand-made ones).
///
/// # Errors
///
/// Every rule broken, each naming the field.
pub fn validate(statement: &Value) -> Result<(), Vec<String>> {
    let mut v = Validator::default();
    v.statement(statement);
    if v.problems.is_empty() {
        Ok(())
    } else {
        Err(v.problems)
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<String>,
}

impl Validator {
    fn fail(&mut self, at: &str, what: impl std::fmt::Display) {
        self.problems.push(format!("{at}: {what}"));
    }

    fn object<'a>(&mut self, v: Option<&'a Value>, at: &str) -> Option<&'a Map<String, Value>> {
        match v {
            None => {
                self.fail(at, "is missing");
                None
            }
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.fail(at, "must be an object");
                None
            }
        }
    }

    fn iri(&mut self, v: Option<&Value>, at: &str) {
        match v.and_then(Value::as_str) {
            Some(s) if is_iri(s) => {}
            Some(s) => self.fail(at, format!("`{s}` is not an absolute IRI")),
            None => self.fail(at, "must be an IRI string"),
        }
    }

    fn language_map(&mut self, v: Option<&Value>, at: &str) {
        let Some(m) = self.object(v, at) else { return };
        if m.is_empty() {
            self.fail(at, "must name at least one language");
        }
        for (tag, text) in m {
            if !is_language_tag(tag) {
                self.fail(at, format!("`{tag}` is not a language tag"));
            }
            if !text.is_string() {
                self.fail(&format!("{at}.{tag}"), "must be a string");
            }
        }
    }

    fn statement(&mut self, s: &Value) {
        let Some(m) = self.object(Some(s), "statement") else {
            return;
        };
        const KNOWN: [&str; 11] = [
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        ];
        for key in m.keys() {
            if !KNOWN.contains(&key.as_str()) {
                self.fail(key, "is not a statement property");
            }
        }
        match m.get("id").map(Value::as_str) {
            None => {}
            Some(Some(id)) if is_uuid(id) => {}
            Some(_) => self.fail(
                "id",
                "must be a UUID (lowercase or uppercase hex, 8-4-4-4-12)",
            ),
        }
        self.agent(m.get("actor"), "actor");
        if let Some(verb) = self.object(m.get("verb"), "verb") {
            self.iri(verb.get("id"), "verb.id");
            if verb.contains_key("display") {
                self.language_map(verb.get("display"), "verb.display");
            }
        }
        self.activity(m.get("object"), "object");
        if let Some(result) = m.get("result") {
            self.result(result);
        }
        if let Some(context) = m.get("context") {
            self.context(context);
        }
        if let Some(t) = m.get("timestamp") {
            match t.as_str() {
                Some(t) if is_timestamp(t) => {}
                _ => self.fail(
                    "timestamp",
                    "must be an ISO 8601 date-time with a time zone, like 2026-11-22T10:00:00Z",
                ),
            }
        }
    }

    fn agent(&mut self, v: Option<&Value>, at: &str) {
        let Some(m) = self.object(v, at) else { return };
        if let Some(t) = m.get("objectType")
            && t != "Agent"
        {
            self.fail(&format!("{at}.objectType"), "must be \"Agent\"");
        }
        let ifis = ["mbox", "mbox_sha1sum", "openid", "account"]
            .iter()
            .filter(|k| m.contains_key(**k))
            .count();
        if ifis != 1 {
            self.fail(
                at,
                format!(
                    "must have exactly one of mbox, mbox_sha1sum, openid, account (has {ifis})"
                ),
            );
        }
        if let Some(mbox) = m.get("mbox") {
            match mbox.as_str().and_then(|s| s.strip_prefix("mailto:")) {
                Some(addr) if addr.contains('@') && !addr.contains(char::is_whitespace) => {}
                _ => self.fail(
                    &format!("{at}.mbox"),
                    "must be `mailto:` and an email address",
                ),
            }
        }
        if let Some(account) = m.get("account") {
            let at = format!("{at}.account");
            if let Some(a) = self.object(Some(account), &at) {
                match a.get("homePage").and_then(Value::as_str) {
                    Some(h) if is_url(h) => {}
                    _ => self.fail(&format!("{at}.homePage"), "must be an http(s) URL"),
                }
                match a.get("name").and_then(Value::as_str) {
                    Some(n) if !n.is_empty() => {}
                    _ => self.fail(&format!("{at}.name"), "must be a non-empty string"),
                }
            }
        }
        if let Some(name) = m.get("name")
            && !name.is_string()
        {
            self.fail(&format!("{at}.name"), "must be a string");
        }
    }

    fn activity(&mut self, v: Option<&Value>, at: &str) {
        let Some(m) = self.object(v, at) else { return };
        if let Some(t) = m.get("objectType")
            && t != "Activity"
        {
            self.fail(&format!("{at}.objectType"), "must be \"Activity\"");
        }
        self.iri(m.get("id"), &format!("{at}.id"));
        if let Some(def) = m.get("definition") {
            let at = format!("{at}.definition");
            if let Some(d) = self.object(Some(def), &at) {
                if d.contains_key("name") {
                    self.language_map(d.get("name"), &format!("{at}.name"));
                }
                if d.contains_key("description") {
                    self.language_map(d.get("description"), &format!("{at}.description"));
                }
                if d.contains_key("type") {
                    self.iri(d.get("type"), &format!("{at}.type"));
                }
            }
        }
    }

    fn result(&mut self, v: &Value) {
        let Some(m) = self.object(Some(v), "result") else {
            return;
        };
        if let Some(score) = m.get("score")
            && let Some(s) = self.object(Some(score), "result.score")
        {
            let num = |k: &str| s.get(k).and_then(Value::as_f64);
            for k in s.keys() {
                if !["scaled", "raw", "min", "max"].contains(&k.as_str()) {
                    self.fail(&format!("result.score.{k}"), "is not a score property");
                } else if num(k).is_none() {
                    self.fail(&format!("result.score.{k}"), "must be a number");
                }
            }
            if let Some(scaled) = num("scaled")
                && !(-1.0..=1.0).contains(&scaled)
            {
                self.fail("result.score.scaled", format!("{scaled} is not in [-1, 1]"));
            }
            if let (Some(min), Some(max)) = (num("min"), num("max"))
                && min >= max
            {
                self.fail("result.score", format!("min {min} must be below max {max}"));
            }
            if let Some(raw) = num("raw") {
                if num("min").is_some_and(|min| raw < min) {
                    self.fail("result.score.raw", "is below min");
                }
                if num("max").is_some_and(|max| raw > max) {
                    self.fail("result.score.raw", "is above max");
                }
            }
        }
        for flag in ["success", "completion"] {
            if let Some(f) = m.get(flag)
                && !f.is_boolean()
            {
                self.fail(&format!("result.{flag}"), "must be true or false");
            }
        }
        if let Some(d) = m.get("duration") {
            match d.as_str() {
                Some(d) if is_duration(d) => {}
                _ => self.fail(
                    "result.duration",
                    "must be an ISO 8601 duration, like PT1H30M",
                ),
            }
        }
        self.extensions(m.get("extensions"), "result.extensions");
    }

    fn context(&mut self, v: &Value) {
        let Some(m) = self.object(Some(v), "context") else {
            return;
        };
        if let Some(ca) = m.get("contextActivities")
            && let Some(ca) = self.object(Some(ca), "context.contextActivities")
        {
            for (kind, list) in ca {
                let at = format!("context.contextActivities.{kind}");
                if !["parent", "grouping", "category", "other"].contains(&kind.as_str()) {
                    self.fail(&at, "is not a kind of context activity");
                    continue;
                }
                match list {
                    Value::Array(items) => {
                        for (i, a) in items.iter().enumerate() {
                            self.activity(Some(a), &format!("{at}[{i}]"));
                        }
                    }
                    other => self.activity(Some(other), &at),
                }
            }
        }
        if let Some(p) = m.get("platform")
            && !p.is_string()
        {
            self.fail("context.platform", "must be a string");
        }
        self.extensions(m.get("extensions"), "context.extensions");
    }

    fn extensions(&mut self, v: Option<&Value>, at: &str) {
        let Some(v) = v else { return };
        let Some(m) = self.object(Some(v), at) else {
            return;
        };
        for key in m.keys() {
            if !is_iri(key) {
                self.fail(at, format!("key `{key}` is not an absolute IRI"));
            }
        }
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19))
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..6].bytes())
                .all(|d| d.is_ascii_digit()))
}

/// ISO 8601 durations as xAPI uses them: `P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]`.
fn is_duration(s: &str) -> bool {
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let parts_ok = |text: &str, units: &str, fraction_last: bool| -> Option<usize> {
        let mut count = 0;
        let mut rest = text;
        let mut allowed = units;
        while !rest.is_empty() {
            let n = rest
                .bytes()
                .take_while(|c| c.is_ascii_digit() || (fraction_last && *c == b'.'))
                .count();
            if n == 0 {
                return None;
            }
            let unit = rest[n..].chars().next()?;
            let pos = allowed.find(unit)?;
            if rest[..n].contains('.') && unit != 'S' {
                return None;
            }
            allowed = &allowed[pos + 1..];
            rest = &rest[n + 1..];
            count += 1;
        }
        Some(count)
    };
    let Some(d) = parts_ok(date, "YMWD", false) else {
        return false;
    };
    match time {
        None => d > 0,
        Some(t) => parts_ok(t, "HMS", true).is_some_and(|n| n > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(59), "PT59S");
        assert_eq!(duration(3600), "PT1H");
        assert_eq!(duration(3723), "PT1H2M3S");
        assert_eq!(duration(120), "PT2M");
        for d in ["PT0S", "PT1H2M3S", "P1D", "P1DT2H", "PT1.5S", "P2W"] {
            assert!(is_duration(d), "{d}");
        }
        for d in [
            "", "P", "PT", "1H", "PT1X", "PTS", "PT1S2M", "P1.5D", "PT1H 2M",
        ] {
            assert!(!is_duration(d), "{d}");
        }
    }

    #[test]
    fn timestamps_need_a_zone() {
        for t in ["2026-11-22T10:00:00Z", "2026-11-22T10:00:00.25+01:00"] {
            assert!(is_timestamp(t), "{t}");
        }
        for t in [
            "2026-11-22T10:00:00",
            "2026-11-22 10:00:00Z",
            "2026-11-22T10:00:00.Z",
            "yesterday",
        ] {
            assert!(!is_timestamp(t), "{t}");
        }
    }

    fn good() -> Value {
        json!({
            "id": "2f1b8b9e-9f0b-5a8d-9c4e-0b6d2a1c3e4f",
            "actor": { "objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.edu" },
            "verb": { "id": VERB_PASSED, "display": { "en-US": "passed" } },
            "object": { "objectType": "Activity", "id": "urn:sandlab:course:c/lab",
                        "definition": { "name": { "en-US": "Lab" }, "type": TYPE_LAB } },
            "result": { "score": { "scaled": 0.5, "raw": 1, "min": 0, "max": 2 },
                        "success": false, "completion": false, "duration": "PT3M",
                        "extensions": { EXT_ENGINE: "wasmi" } },
            "context": { "contextActivities": { "parent": [{ "id": "urn:sandlab:course:c" }] } },
            "timestamp": "2026-11-22T10:00:00Z",
        })
    }

    #[test]
    fn a_good_statement_passes_and_each_broken_rule_is_named() {
        assert_eq!(validate(&good()), Ok(()));
        let broken: &[(&str, Value, &str)] = &[
            ("/id", json!("not-a-uuid"), "id: must be a UUID"),
            (
                "/actor/mbox",
                json!("ada@example.edu"),
                "actor.mbox: must be `mailto:`",
            ),
            (
                "/verb/id",
                json!("passed"),
                "verb.id: `passed` is not an absolute IRI",
            ),
            (
                "/object/id",
                json!("c/lab"),
                "object.id: `c/lab` is not an absolute IRI",
            ),
            (
                "/result/score/scaled",
                json!(1.5),
                "result.score.scaled: 1.5 is not in [-1, 1]",
            ),
            (
                "/result/score/raw",
                json!(3),
                "result.score.raw: is above max",
            ),
            (
                "/result/score/min",
                json!(2),
                "result.score: min 2 must be below max 2",
            ),
            (
                "/result/success",
                json!("yes"),
                "result.success: must be true or false",
            ),
            (
                "/result/duration",
                json!("3 minutes"),
                "result.duration: must be an ISO 8601",
            ),
            (
                "/timestamp",
                json!("2026-11-22"),
                "timestamp: must be an ISO 8601 date-time",
            ),
            (
                "/verb/display",
                json!({ "en US": 1 }),
                "verb.display: `en US` is not a language tag",
            ),
        ];
        for (pointer, value, expected) in broken {
            let mut s = good();
            *s.pointer_mut(pointer).expect(pointer) = value.clone();
            let problems = validate(&s).expect_err(pointer);
            assert!(
                problems.iter().any(|p| p.starts_with(expected)),
                "{pointer}: {problems:?}"
            );
        }
        let mut two_ifis = good();
        two_ifis["actor"]["account"] = json!({ "homePage": "https://example.edu", "name": "ada" });
        assert!(
            validate(&two_ifis)
                .expect_err("two")
                .iter()
                .any(|p| p.contains("exactly one"))
        );
        let mut extra = good();
        extra["score"] = json!(1);
        assert!(
            validate(&extra)
                .expect_err("extra")
                .iter()
                .any(|p| p.starts_with("score: is not a statement property"))
        );
        let mut ext = good();
        ext["result"]["extensions"] = json!({ "engine": "wasmi" });
        assert!(validate(&ext).is_err());
    }
}

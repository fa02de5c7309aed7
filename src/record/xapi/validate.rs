//! The validator: what xAPI 1.0.3 requires of the statements sandlab
//! makes, checked here because LRSs differ in how strictly they check.

use crate::vocab::{is_iri, is_url};
use serde_json::{Map, Value};
use std::fmt;

/// Every rule of xAPI a statement breaks, each naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub problems: Vec<String>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// Checks `statement` against the rules of xAPI 1.0.3 that apply to the
/// statements sandlab makes (and the common mistakes of hand-made ones).
///
/// # Errors
///
/// [`Invalid`], with every rule broken.
pub fn validate(statement: &Value) -> Result<(), Invalid> {
    let mut v = Validator::default();
    v.statement(statement);
    if v.problems.is_empty() {
        Ok(())
    } else {
        Err(Invalid {
            problems: v.problems,
        })
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
    use crate::record::xapi::{EXT_ENGINE, TYPE_LAB, VERB_PASSED, duration};
    use serde_json::json;

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
            let problems = validate(&s).expect_err(pointer).problems;
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
                .problems
                .iter()
                .any(|p| p.contains("exactly one"))
        );
        let mut extra = good();
        extra["score"] = json!(1);
        assert!(
            validate(&extra)
                .expect_err("extra")
                .problems
                .iter()
                .any(|p| p.starts_with("score: is not a statement property"))
        );
        let mut ext = good();
        ext["result"]["extensions"] = json!({ "engine": "wasmi" });
        assert!(validate(&ext).is_err());
    }
}

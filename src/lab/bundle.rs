//! The browser bundle: the lab files a learner may see, without reference
//! solutions, plus the expected values of random checks computed from those
//! solutions at build time.
//!
//! `sandlab bundle` writes it; the web app embeds it and reads it back with
//! the same loader the CLI uses. Its JSON shape is a format of its own
//! (`format`, `files`, `expected`), kept apart from the internal model.

use super::{Catalog, Course, Expect, Files, load};
use crate::lab::CheckKind;
use crate::vocab::{TrapKind, Value, origin};
use serde_json::{Map, Value as Json, json};
use std::fmt;

/// The bundle format version this build writes and reads.
pub const BUNDLE_FORMAT: u64 = 1;

/// A language runtime the app downloads when a lab needs it (see
/// [`crate::language::Runtime`]): the file beside the app, and its id,
/// which the app checks the bytes against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeFile {
    /// The language's name (`python`).
    pub language: String,
    /// The path relative to the app (`runtimes/python-0123abcd.wasm.gz`),
    /// gzipped.
    pub file: String,
    /// `sha256:` of the runtime module (decompressed).
    pub id: String,
}

impl RuntimeFile {
    /// Where a runtime with `id` for `language` is published: its name
    /// carries its hash, so a new runtime is a new file and caches never
    /// serve a stale one.
    pub fn path(language: &str, id: &str) -> String {
        let hex = id.strip_prefix("sha256:").unwrap_or(id);
        format!("runtimes/{language}-{}.wasm.gz", &hex[..hex.len().min(16)])
    }
}

/// Builds the bundle for `courses` (loaded from `files` and prepared with
/// [`crate::grade::compute_expected`]), naming the `runtimes` their labs
/// download. Only the files each lab references go in: course.toml,
/// lab.toml, instructions, starter and input files.
pub fn make_bundle(files: &Files, courses: &[Course], runtimes: &[RuntimeFile]) -> String {
    let mut out = Map::new();
    let mut expected = Map::new();
    for course in courses {
        let course_toml = join(&course.dir, "course.toml");
        if let Some(bytes) = files.get(&course_toml) {
            out.insert(course_toml, text_or_bytes(bytes));
        }
        for lab in &course.labs {
            for path in &lab.files {
                if let Some(bytes) = files.get(path) {
                    out.insert(path.clone(), text_or_bytes(bytes));
                }
            }
            let mut checks = Map::new();
            for check in &lab.checks {
                let list = match &check.kind {
                    CheckKind::Random(r) => r
                        .expected
                        .as_ref()
                        .map(|l| l.iter().map(expect_json).collect()),
                    // A script's: the values as the language writes them.
                    CheckKind::ScriptRandom(r) => r
                        .expected
                        .as_ref()
                        .map(|l| l.iter().map(|t| Json::String(t.clone())).collect()),
                    _ => None,
                };
                if let Some(list) = list {
                    checks.insert(check.name.clone(), Json::Array(list));
                }
            }
            if !checks.is_empty() {
                expected.insert(lab.dir.clone(), Json::Object(checks));
            }
        }
    }
    // The origins the app may send xAPI statements to: the build puts them
    // in the page's Content-Security-Policy, which otherwise allows none.
    let mut connect: Vec<String> = courses
        .iter()
        .filter_map(|c| c.xapi.endpoint.as_deref())
        .map(|e| origin(e).to_string())
        .collect();
    connect.sort();
    connect.dedup();
    let runtimes: Map<String, Json> = runtimes
        .iter()
        .map(|r| (r.language.clone(), json!({ "file": r.file, "id": r.id })))
        .collect();
    json!({
        "format": BUNDLE_FORMAT,
        "files": out,
        "expected": expected,
        "connect": connect,
        "runtimes": runtimes,
    })
    .to_string()
}

/// Why a bundle could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// The text is not JSON (the build was interrupted?).
    NotJson(String),
    /// A bundle of another format: made by another version of sandlab.
    Format(String),
    /// A file in it is neither text nor bytes.
    File(String),
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotJson(e) => write!(f, "the lab bundle is not valid JSON: {e}"),
            BundleError::Format(found) => write!(
                f,
                "the lab bundle has format {found}, this build reads {BUNDLE_FORMAT}"
            ),
            BundleError::File(path) => write!(f, "bundle file {path} is malformed"),
        }
    }
}

impl std::error::Error for BundleError {}

/// What `sandlab serve` adds to the bundle it serves its preview from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// Where the server announces changes (server-sent events).
    pub live: Option<String>,
    /// The problems of the author's latest edit, each with file:line:column;
    /// the courses in the bundle are the last version that had none.
    pub problems: Vec<String>,
}

/// The bundle's [`Preview`] fields (none outside a preview).
pub fn bundle_preview(text: &str) -> Preview {
    let json: Json = serde_json::from_str(text).unwrap_or_default();
    Preview {
        live: json["live"].as_str().map(str::to_string),
        problems: json["problems"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `bundle` with `preview`'s fields set.
pub fn with_preview(bundle: &str, preview: &Preview) -> String {
    let mut json: Json = serde_json::from_str(bundle).unwrap_or_default();
    if let Some(live) = &preview.live {
        json["live"] = json!(live);
    }
    json["problems"] = json!(preview.problems);
    json.to_string()
}

/// The runtimes a bundle names (none in bundles made before runtimes).
pub fn bundle_runtimes(text: &str) -> Vec<RuntimeFile> {
    let json: Json = serde_json::from_str(text).unwrap_or_default();
    json["runtimes"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(language, r)| {
                    Some(RuntimeFile {
                        language: language.clone(),
                        file: r["file"].as_str()?.to_string(),
                        id: r["id"].as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads a bundle back into courses, with random checks' expected values
/// filled in. Solutions are absent, as intended.
///
/// # Errors
///
/// The text is not a bundle of this format. Labs that do not load are
/// diagnostics of the catalog, not errors.
pub fn read_bundle(text: &str) -> Result<Catalog, BundleError> {
    let json: Json = serde_json::from_str(text).map_err(|e| BundleError::NotJson(e.to_string()))?;
    if json["format"].as_u64() != Some(BUNDLE_FORMAT) {
        return Err(BundleError::Format(json["format"].to_string()));
    }
    let mut files = Files::default();
    if let Some(map) = json["files"].as_object() {
        for (path, content) in map {
            files.insert(
                path.clone(),
                bytes_of(content).ok_or_else(|| BundleError::File(path.clone()))?,
            );
        }
    }
    let mut loaded = load::load_courses_in(&files, load::Mode::Bundle);
    let expected = json["expected"].as_object().cloned().unwrap_or_default();
    for course in &mut loaded.courses {
        for lab in &mut course.labs {
            let Some(checks) = expected.get(&lab.dir).and_then(Json::as_object) else {
                continue;
            };
            for check in &mut lab.checks {
                let Some(list) = checks.get(&check.name).and_then(Json::as_array) else {
                    continue;
                };
                match &mut check.kind {
                    CheckKind::Random(r) => {
                        let parsed: Option<Vec<Expect>> =
                            list.iter().map(expect_from_json).collect();
                        r.expected = parsed.filter(|p| p.len() == r.count as usize);
                    }
                    CheckKind::ScriptRandom(r) => {
                        let parsed: Option<Vec<String>> = list
                            .iter()
                            .map(|v| v.as_str().map(str::to_string))
                            .collect();
                        r.expected = parsed.filter(|p| p.len() == r.count as usize);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(loaded)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn text_or_bytes(bytes: &[u8]) -> Json {
    match std::str::from_utf8(bytes) {
        Ok(text) => Json::String(text.to_string()),
        Err(_) => json!({ "bytes": bytes }),
    }
}

fn bytes_of(content: &Json) -> Option<Vec<u8>> {
    match content {
        Json::String(s) => Some(s.as_bytes().to_vec()),
        Json::Object(o) => o
            .get("bytes")?
            .as_array()?
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect(),
        _ => None,
    }
}

/// A value as bit-exact text: `i32:5`, `i64:-3`, `f32:0x3f800000`.
pub fn value_text(v: Value) -> String {
    match v {
        Value::I32(x) => format!("i32:{x}"),
        Value::I64(x) => format!("i64:{x}"),
        Value::F32(x) => format!("f32:{:#010x}", x.to_bits()),
        Value::F64(x) => format!("f64:{:#018x}", x.to_bits()),
    }
}

/// Parses [`value_text`] back.
pub fn value_from_text(text: &str) -> Option<Value> {
    let (ty, v) = text.split_once(':')?;
    let hex = |v: &str| u64::from_str_radix(v.strip_prefix("0x")?, 16).ok();
    Some(match ty {
        "i32" => Value::I32(v.parse().ok()?),
        "i64" => Value::I64(v.parse().ok()?),
        "f32" => Value::F32(f32::from_bits(u32::try_from(hex(v)?).ok()?)),
        "f64" => Value::F64(f64::from_bits(hex(v)?)),
        _ => return None,
    })
}

fn expect_json(e: &Expect) -> Json {
    match e {
        Expect::Values(v) => {
            json!({ "values": v.iter().map(|x| value_text(*x)).collect::<Vec<_>>() })
        }
        Expect::Trap(kind) => json!({ "trap": kind.map_or("any", TrapKind::name) }),
        Expect::Anything => json!({}),
    }
}

fn expect_from_json(j: &Json) -> Option<Expect> {
    if let Some(values) = j.get("values") {
        let list: Option<Vec<Value>> = values
            .as_array()?
            .iter()
            .map(|v| v.as_str().and_then(value_from_text))
            .collect();
        return Some(Expect::Values(list?));
    }
    match j.get("trap")?.as_str()? {
        "any" => Some(Expect::Trap(None)),
        name => Some(Expect::Trap(Some(TrapKind::parse(name)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_bundles_say_why() {
        let e = read_bundle("{").expect_err("not json");
        assert!(matches!(e, BundleError::NotJson(_)), "{e:?}");
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = read_bundle(r#"{"format": 2}"#).expect_err("newer");
        assert_eq!(e, BundleError::Format("2".into()));
        assert!(e.to_string().contains("format 2"), "{e}");
        let e = read_bundle(r#"{"format": 1, "files": {"x": 5}}"#).expect_err("bad file");
        assert_eq!(e, BundleError::File("x".into()));
        assert!(e.to_string().contains("bundle file x is malformed"), "{e}");
    }

    #[test]
    fn values_round_trip_bit_exactly() {
        for v in [
            Value::I32(-7),
            Value::I64(i64::MIN),
            Value::F32(-0.0),
            Value::F64(f64::NAN),
            Value::F64(0.1),
        ] {
            assert_eq!(value_from_text(&value_text(v)), Some(v), "{v}");
        }
        assert_eq!(value_from_text("i33:1"), None);
    }
}

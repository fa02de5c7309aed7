//! The app inside an LMS: what it reports and keeps there, decided here
//! (pure, tested natively); `scorm.rs` talks to the LMS's SCORM API.
//!
//! The LMS opens the app with `?lms=scorm12` (or `scorm2004`, `cmi5`) and,
//! for a package of one unit per lab, `&lab=ID` (see `crate::lms`). The
//! unit's score is the points of its labs' best Checks (and answers) over
//! their maximum. A unit is *completed* when every lab in it has passed,
//! and *passed* then too, or earlier when the LMS sets a mastery score and
//! the score reaches it; it is never reported failed (a learner can always
//! go on working). The learner's work is kept in the LMS too (SCORM's
//! `suspend_data`): the unit's labs, deflated and in base64url, within the
//! standard's size, the least needed parts left out first when it does not
//! fit; everything always stays in the browser as well.

pub mod cmi5;
#[cfg(target_arch = "wasm32")]
pub mod cmi5_client;
#[cfg(target_arch = "wasm32")]
pub mod scorm;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(test)]
mod tests;

use crate::lab::Course;
use crate::lms::Standard;
use crate::web::progress::{LabProgress, Progress, lab_key};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};

/// How the app was opened: by an LMS (which standard, which lab), or not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Launch {
    pub standard: Option<Standard>,
    /// The unit's lab, for a package of one unit per lab.
    pub lab: Option<String>,
}

impl Launch {
    /// From the page address's query (`?lms=scorm12&lab=add`).
    pub fn from_query(query: &str) -> Launch {
        let mut launch = Launch::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "lms" => launch.standard = Standard::parse(value),
                "lab" if !value.is_empty() => launch.lab = Some(value.to_string()),
                _ => {}
            }
        }
        launch
    }
}

/// Where the learner stands in a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub raw: u32,
    pub max: u32,
    /// Every lab of the unit passed.
    pub all_passed: bool,
    /// Some lab has been attempted.
    pub started: bool,
}

impl Standing {
    /// Nothing done, nothing to score.
    pub fn empty() -> Standing {
        Standing {
            raw: 0,
            max: 0,
            all_passed: false,
            started: false,
        }
    }

    /// Of the unit's labs: `lab`, or every lab of `course`.
    pub fn of(course: &Course, lab: Option<&str>, progress: &Progress) -> Standing {
        let mut standing = Standing {
            raw: 0,
            max: 0,
            all_passed: true,
            started: false,
        };
        for l in course
            .labs
            .iter()
            .filter(|l| lab.is_none_or(|id| id == l.id))
        {
            let p = progress.lab(&lab_key(&course.id, &l.id));
            standing.raw += p.best_score;
            standing.max += l.max_score();
            standing.all_passed &= p.passed;
            standing.started |= p.attempts > 0 || p.code.is_some();
        }
        standing
    }

    /// The score from 0 to 1.
    pub fn scaled(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            f64::from(self.raw) / f64::from(self.max)
        }
    }

    /// Passed: every lab, or the mastery score (0 to 1) reached.
    pub fn passed(&self, mastery: Option<f64>) -> bool {
        self.all_passed || mastery.is_some_and(|m| self.max > 0 && self.scaled() + 1e-9 >= m)
    }
}

/// The data model elements to set for `standing` in `standard` (SCORM
/// only), in the order they are set.
pub fn scorm_values(
    standard: Standard,
    standing: &Standing,
    mastery: Option<f64>,
) -> Vec<(&'static str, String)> {
    let passed = standing.passed(mastery);
    match standard {
        Standard::Scorm12 => vec![
            // CMIDecimal as LMSs check it: at most two decimals, 0 to 100.
            ("cmi.core.score.raw", percent(standing.scaled())),
            ("cmi.core.score.min", "0".into()),
            ("cmi.core.score.max", "100".into()),
            (
                "cmi.core.lesson_status",
                if passed { "passed" } else { "incomplete" }.into(),
            ),
        ],
        Standard::Scorm2004 | Standard::Cmi5 => vec![
            ("cmi.score.raw", standing.raw.to_string()),
            ("cmi.score.min", "0".into()),
            ("cmi.score.max", standing.max.to_string()),
            ("cmi.score.scaled", format!("{:.4}", standing.scaled())),
            ("cmi.progress_measure", format!("{:.4}", standing.scaled())),
            (
                "cmi.completion_status",
                if standing.all_passed {
                    "completed"
                } else {
                    "incomplete"
                }
                .into(),
            ),
            (
                "cmi.success_status",
                if passed { "passed" } else { "unknown" }.into(),
            ),
        ],
    }
}

/// `0.8333` as SCORM 1.2's `83.33`.
fn percent(scaled: f64) -> String {
    let p = (scaled * 10_000.0).round() / 100.0;
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

/// A session's length as SCORM 1.2 writes it (`HHHH:MM:SS.SS`).
pub fn session_time_12(ms: f64) -> String {
    let centis = (ms.max(0.0) / 10.0).round() as u64;
    let (h, rest) = (centis / 360_000, centis % 360_000);
    let (m, rest) = (rest / 6_000, rest % 6_000);
    format!(
        "{:04}:{:02}:{:02}.{:02}",
        h.min(9999),
        m,
        rest / 100,
        rest % 100
    )
}

/// A session's length as SCORM 2004 writes it (ISO 8601: `PT1H2M3.45S`).
pub fn session_time_2004(ms: f64) -> String {
    let centis = (ms.max(0.0) / 10.0).round() as u64;
    let (h, rest) = (centis / 360_000, centis % 360_000);
    let (m, rest) = (rest / 6_000, rest % 6_000);
    format!("PT{h}H{m}M{}.{:02}S", rest / 100, rest % 100)
}

/// The largest `suspend_data` each standard allows.
pub fn suspend_limit(standard: Standard) -> usize {
    match standard {
        Standard::Scorm12 => 4_096,
        Standard::Scorm2004 => 64_000,
        // A State API document: no limit in the standard; this one keeps a
        // runaway (an uploaded module in every lab) from a huge request.
        Standard::Cmi5 => 4_000_000,
    }
}

/// What `suspend_data` holds: the unit's labs, by lab key.
#[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
struct Kept {
    labs: BTreeMap<String, KeptLab>,
}

#[derive(serde::Serialize, serde::Deserialize, Default, Debug, Clone, PartialEq)]
#[serde(default)]
struct KeptLab {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    attempts: u32,
    best_score: u32,
    max_score: u32,
    passed: bool,
    hints_shown: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_attempt: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_attempt: Option<f64>,
    active_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed_at: Option<f64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    answers: crate::grade::Answers,
}

/// The version prefix of [`encode_suspend`]'s text.
const PREFIX: &str = "s1.";

/// The unit's labs of `progress`, as `suspend_data` within `limit`
/// characters (`s1.` + deflated JSON in base64url without padding: no
/// characters an LMS could mangle). When it does not fit, the code of
/// passed labs is left out first, then every lab's code; the second value
/// says whether anything was left out.
pub fn encode_suspend(
    course: &Course,
    lab: Option<&str>,
    progress: &Progress,
    limit: usize,
) -> (Option<String>, bool) {
    let mut kept = Kept::default();
    for l in course
        .labs
        .iter()
        .filter(|l| lab.is_none_or(|id| id == l.id))
    {
        let key = lab_key(&course.id, &l.id);
        let p = progress.lab(&key);
        if p == LabProgress::default() {
            continue;
        }
        kept.labs.insert(key, KeptLab::from(&p));
    }
    let text = |kept: &Kept| {
        let json = serde_json::to_vec(kept).unwrap_or_default();
        let mut deflater =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = deflater.write_all(&json);
        let bytes = deflater.finish().unwrap_or_default();
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
    };
    let full = text(&kept);
    if full.len() <= limit {
        return (Some(full), false);
    }
    for l in kept.labs.values_mut().filter(|l| l.passed) {
        l.code = None;
    }
    let without_passed = text(&kept);
    if without_passed.len() <= limit {
        return (Some(without_passed), true);
    }
    for l in kept.labs.values_mut() {
        l.code = None;
    }
    let scores = text(&kept);
    ((scores.len() <= limit).then_some(scores), true)
}

/// Reads `suspend_data` back: the labs it holds, by key; `None` when it is
/// empty, not ours, or damaged (the LMS cut it short, say).
pub fn decode_suspend(text: &str) -> Option<BTreeMap<String, LabProgress>> {
    let body = text.strip_prefix(PREFIX)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .ok()?;
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes.as_slice())
        .take(16 * 1024 * 1024)
        .read_to_end(&mut json)
        .ok()?;
    let kept: Kept = serde_json::from_slice(&json).ok()?;
    Some(
        kept.labs
            .into_iter()
            .map(|(k, l)| (k, LabProgress::from(l)))
            .collect(),
    )
}

/// `local` with the labs the LMS kept, where the LMS's are the later work
/// (a learner who worked in another browser): a lab this browser has
/// worked on more recently, or the LMS left its code out of, stays.
pub fn merge_kept(local: &Progress, kept: BTreeMap<String, LabProgress>) -> Option<Progress> {
    let mut merged = local.clone();
    let mut changed = false;
    for (key, theirs) in kept {
        let ours = local.lab(&key);
        let newer = theirs.last_attempt.unwrap_or(0.0) > ours.last_attempt.unwrap_or(0.0)
            || (ours.code.is_none() && theirs.code.is_some());
        if newer {
            let mut lab = theirs;
            if lab.code.is_none() {
                lab.code = ours.code.clone();
            }
            lab.seen = ours.seen.clone();
            merged.labs.insert(key, lab);
            changed = true;
        }
    }
    changed.then_some(merged)
}

impl From<&LabProgress> for KeptLab {
    fn from(p: &LabProgress) -> KeptLab {
        KeptLab {
            code: p.code.clone(),
            attempts: p.attempts,
            best_score: p.best_score,
            max_score: p.max_score,
            passed: p.passed,
            hints_shown: p.hints_shown,
            first_attempt: p.first_attempt,
            last_attempt: p.last_attempt,
            active_ms: p.active_ms,
            passed_at: p.passed_at,
            answers: p.answers.clone(),
        }
    }
}

impl From<KeptLab> for LabProgress {
    fn from(k: KeptLab) -> LabProgress {
        LabProgress {
            code: k.code,
            attempts: k.attempts,
            best_score: k.best_score,
            max_score: k.max_score,
            passed: k.passed,
            hints_shown: k.hints_shown,
            first_attempt: k.first_attempt,
            last_attempt: k.last_attempt,
            active_ms: k.active_ms,
            passed_at: k.passed_at,
            answers: k.answers,
            ..LabProgress::default()
        }
    }
}

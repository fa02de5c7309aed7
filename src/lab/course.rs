//! A course: its labs in order, and the settings of its course.toml
//! (schedule, help, xAPi), each read and checked here.

use super::Lab;
use super::raw::{self, S};
use super::reader::Reporter;
use crate::vocab::{is_iri, is_url};
use std::collections::BTreeMap;

/// A course: an ordered list of labs.
#[derive(Clone, Debug)]
pub struct Course {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Where the catalog lists the course: lower first (default 100).
    pub order: i64,
    /// The course folder, relative to the labs root.
    pub dir: String,
    pub labs: Vec<Lab>,
    /// How the course reports to a Learning Record Store.
    pub xapi: Xapi,
    /// Where a learner who is stuck can turn.
    pub help: Help,
    /// Pace, due dates and whether prerequisites lock labs.
    pub schedule: Schedule,
}

/// The `[schedule]` table of course.toml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// When the course starts (`YYYY-MM-DD`).
    pub start: Option<String>,
    /// The weekly time the course suggests, in minutes.
    pub weekly_minutes: Option<u32>,
    /// A lab opens only once its prerequisites pass (otherwise they are
    /// only shown).
    pub lock: bool,
    /// Due dates by lab id, and `course` for the whole course: a date
    /// (`YYYY-MM-DD`, due at the end of that day anywhere on Earth) or an
    /// RFC 3339 time.
    pub due: BTreeMap<String, String>,
}

impl Schedule {
    /// When `lab` (or `"course"`) is due, in seconds since the Unix epoch.
    pub fn due_at(&self, lab: &str) -> Option<i64> {
        self.due.get(lab).and_then(|d| deadline_seconds(d))
    }
}

/// Seconds since the Unix epoch of a due date: a plain date is due at the
/// end of that day anywhere on Earth (UTC−12), so no learner loses a day to
/// their time zone; an RFC 3339 time is due then.
pub fn deadline_seconds(text: &str) -> Option<i64> {
    let day = day_number(text.get(..10)?)?;
    if text.len() == 10 {
        return Some((day + 1) * 86_400 + 12 * 3_600 - 1);
    }
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let hms: Vec<i64> = rest
        .get(..8)?
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms[..] else { return None };
    let zone = rest
        .get(8..)?
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hh: i64 = z.get(1..3)?.parse().ok()?;
            let mm: i64 = z.get(4..6)?.parse().ok()?;
            sign * (hh * 3_600 + mm * 60)
        }
        _ => return None,
    };
    ((0..24).contains(&h) && (0..60).contains(&m) && (0..61).contains(&s))
        .then(|| day * 86_400 + h * 3_600 + m * 60 + s - offset)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=days).contains(&d) || date.len() != 10 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The `[help]` table of course.toml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Help {
    /// The Help panel offers an email to this address, filled in.
    pub email: Option<String>,
    /// The course's discussion board (http or https), linked from each lab.
    pub discussion: Option<String>,
}

/// Account home page for learners who gave no email, when the course sets
/// none: `.invalid` is reserved, so it can never collide with a real site.
pub const DEFAULT_HOME_PAGE: &str = "https://sandlab.invalid";

/// The `[xapi]` table of course.toml, with its defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xapi {
    /// The course's activity IRI; a lab's is this, `/`, and the lab id.
    pub activity_id: String,
    /// The account home page for learners identified by name or id.
    pub home_page: String,
    /// The LRS the app's Send button posts to (ends with `/`).
    pub endpoint: Option<String>,
    pub credentials: Credentials,
}

/// Where the app gets the LRS credentials. Never from the course files,
/// which every learner's browser receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The learner types the key and secret their instructor gave them.
    Learner,
    /// The endpoint needs none (a proxy that authenticates otherwise).
    None,
}

impl Xapi {
    pub fn defaults(course_id: &str) -> Xapi {
        Xapi {
            activity_id: format!("urn:sandlab:course:{course_id}"),
            home_page: DEFAULT_HOME_PAGE.into(),
            endpoint: None,
            credentials: Credentials::Learner,
        }
    }
}

/// The `[schedule]` table, checked: dates are real dates, and due dates
/// name labs of this course (or `course`).
pub(super) fn schedule_settings(
    r: &mut Reporter,
    raw: Option<raw::Schedule>,
    labs: &[Lab],
) -> Schedule {
    let Some(raw) = raw else {
        return Schedule::default();
    };
    let date = |v: &S<toml::Value>, what: &str, r: &mut Reporter| -> Option<String> {
        let text = match v.get_ref() {
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::String(s) => s.trim().to_string(),
            _ => String::new(),
        };
        if deadline_seconds(&text).is_some() {
            Some(text)
        } else {
            r.at(
                v.span().start,
                format!("{what} `{text}` is not a date: write a date like 2026-12-08 (due at the end of that day anywhere on Earth) or a time like 2026-12-08T17:00:00+01:00"),
            );
            None
        }
    };
    let mut schedule = Schedule {
        start: raw.start.as_ref().and_then(|s| date(s, "start", r)),
        ..Schedule::default()
    };
    if let (Some(start), Some(s)) = (&schedule.start, &raw.start)
        && start.len() != 10
    {
        r.at(s.span().start, "`start` is a date alone, like 2026-12-01");
    }
    if let Some(w) = &raw.weekly_minutes {
        schedule.weekly_minutes = r.int_in(w, 1, 10_080, "weekly-minutes").map(|m| m as u32);
    }
    if let Some(p) = &raw.prerequisites {
        match p.get_ref().as_str() {
            "lock" => schedule.lock = true,
            "mark" => {}
            other => r.at(
                p.span().start,
                format!("`prerequisites = \"{other}\"` is not known: use \"lock\" (a lab opens once its prerequisites pass) or \"mark\" (they are only shown)"),
            ),
        }
    }
    for (key, value) in &raw.due {
        if key != "course" && !labs.iter().any(|l| &l.id == key) {
            r.at(
                value.span().start,
                format!("`due.{key}`: there is no lab `{key}` in this course (use a lab id, or `course` for the whole course)"),
            );
            continue;
        }
        if let Some(d) = date(value, &format!("due.{key}"), r) {
            schedule.due.insert(key.clone(), d);
        }
    }
    schedule
}

/// The `[help]` table, checked: the address must be one address (it goes
/// into a `mailto:` link) and the board a web page.
pub(super) fn help_settings(r: &mut Reporter, raw: Option<raw::Help>) -> Help {
    let Some(raw) = raw else {
        return Help::default();
    };
    let mut help = Help::default();
    if let Some(email) = raw.email {
        let text = email.get_ref().trim();
        let ok = text.split('@').count() == 2
            && !text.starts_with('@')
            && !text.ends_with('@')
            && text.chars().all(|c| {
                c.is_ascii_graphic() && !matches!(c, '?' | '&' | '#' | ',' | ';' | '<' | '>' | '"')
            });
        if ok {
            help.email = Some(text.to_string());
        } else {
            r.at(
                email.span().start,
                format!(
                    "`{text}` is not one email address: write one like \"wasm-course@example.edu\""
                ),
            );
        }
    }
    if let Some(board) = raw.discussion {
        let text = board.get_ref().trim();
        if is_url(text) {
            help.discussion = Some(text.to_string());
        } else {
            r.at(
                board.span().start,
                format!("discussion `{text}` is not a web address: write one like \"https://forum.example.edu/c/wasm\""),
            );
        }
    }
    help
}

/// The `[xapi]` table, checked: ids must be absolute IRIs, and the endpoint
/// must use https unless it is on this machine, because learners' LRS
/// credentials travel with every request.
pub(super) fn xapi_settings(r: &mut Reporter, raw: Option<raw::Xapi>, course_id: &str) -> Xapi {
    let mut xapi = Xapi::defaults(course_id);
    let Some(raw) = raw else { return xapi };
    if let Some(id) = raw.activity_id {
        let text = id.get_ref().trim_end_matches('/');
        if is_iri(text) {
            xapi.activity_id = text.to_string();
        } else {
            r.at(
                id.span().start,
                format!("activity-id `{text}` is not an absolute IRI: write one like \"https://example.edu/courses/{course_id}\""),
            );
        }
    }
    if let Some(home) = raw.home_page {
        if is_url(home.get_ref()) {
            xapi.home_page = home.into_inner();
        } else {
            r.at(
                home.span().start,
                format!("home-page `{}` is not an http(s) URL: give the sign-in page of the system your learner ids come from", home.get_ref()),
            );
        }
    }
    for secret in [&raw.user, &raw.password].into_iter().flatten() {
        r.at(
            secret.span().start,
            "LRS credentials do not belong in course files: every learner's browser receives them. Use credentials = \"learner\" and give each learner their key",
        );
    }
    let endpoint_given = raw.endpoint.is_some();
    if let Some(endpoint) = raw.endpoint {
        let text = endpoint.get_ref();
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| {
                text.strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
            });
        if !is_url(text) {
            r.at(
                endpoint.span().start,
                format!("endpoint `{text}` is not an http(s) URL"),
            );
        } else if !text.starts_with("https://") && !local {
            r.at(
                endpoint.span().start,
                format!("endpoint `{text}` must use https: learners' LRS credentials are sent with every request"),
            );
        } else {
            let mut url = text.clone();
            if !url.ends_with('/') {
                url.push('/');
            }
            xapi.endpoint = Some(url);
        }
    }
    if let Some(c) = raw.credentials {
        match c.get_ref().as_str() {
            "learner" => xapi.credentials = Credentials::Learner,
            "none" => xapi.credentials = Credentials::None,
            other => r.at(
                c.span().start,
                format!("credentials `{other}` is not one of \"learner\" (the learner types the key and secret you give them) or \"none\""),
            ),
        }
        if !endpoint_given {
            r.at(c.span().start, "credentials applies only with an endpoint");
        }
    }
    xapi
}

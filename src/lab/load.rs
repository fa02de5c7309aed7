//! Reads courses and labs from [`Files`], checking everything an author can
//! get wrong and reporting all of it at once, each with file:line:column.

use super::raw::{self, S};
use super::*;
use crate::vocab::TrapKind;
use crate::vocab::{is_iri, is_url};

/// Everything found under a labs root: the courses that loaded and every
/// problem found on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub courses: Vec<Course>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether reference solutions must be present: yes for authors and the
/// CLI; no for the browser bundle, which leaves them out on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Full,
    Bundle,
}

/// Loads every course under the root of `files` (each folder holding a
/// `course.toml`), with their labs in order.
pub fn load_courses(files: &Files) -> Loaded {
    load_courses_in(files, Mode::Full)
}

pub(crate) fn load_courses_in(files: &Files, mode: Mode) -> Loaded {
    let mut loaded = Loaded::default();
    let mut listed: Vec<String> = Vec::new();
    let mut course_ids: BTreeMap<String, String> = BTreeMap::new();
    let course_files: Vec<&String> = files
        .0
        .keys()
        .filter(|p| *p == "course.toml" || p.ends_with("/course.toml"))
        .collect();
    if course_files.is_empty() {
        loaded.diagnostics.push(Diagnostic {
            file: "course.toml".into(),
            line: 0,
            column: 0,
            message: "no course found: a course is a folder with a course.toml".into(),
        });
    }
    for path in course_files {
        let dir = parent(path);
        let mut out = Vec::new();
        if let Some(course) = load_course(files, path, &dir, mode, &mut listed, &mut out) {
            if let Some(other) = course_ids.insert(course.id.clone(), path.clone()) {
                out.push(Diagnostic {
                    file: path.clone(),
                    line: 0,
                    column: 0,
                    message: format!("course id `{}` is also used by {other}", course.id),
                });
            }
            loaded.courses.push(course);
        }
        loaded.diagnostics.extend(out);
    }
    for path in files.0.keys() {
        if path == "lab.toml" || path.ends_with("/lab.toml") {
            let dir = parent(path);
            if !listed.contains(&dir) {
                loaded.diagnostics.push(Diagnostic {
                    file: path.clone(),
                    line: 0,
                    column: 0,
                    message: "this lab is not listed in any course.toml `labs`, so no learner \
                              will see it"
                        .into(),
                });
            }
        }
    }
    loaded
        .courses
        .sort_by(|a, b| (a.order, &a.dir).cmp(&(b.order, &b.dir)));
    loaded.diagnostics.sort();
    loaded.diagnostics.dedup();
    loaded
}

fn load_course(
    files: &Files,
    path: &str,
    dir: &str,
    mode: Mode,
    listed: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) -> Option<Course> {
    let text = read_text(files, path, out)?;
    let mut r = Reporter::new(path, &text);
    let raw: raw::Course = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            r.toml_error(&e);
            out.extend(r.done());
            return None;
        }
    };
    r.format(&raw.format);
    r.id(&raw.id);
    r.non_empty(&raw.title, "title");
    let mut labs = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    if raw.labs.get_ref().is_empty() {
        r.at(
            raw.labs.span().start,
            "`labs` is empty: list the lab folders in order",
        );
    }
    for entry in raw.labs.get_ref() {
        let name = entry.get_ref();
        if name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.') {
            r.at(
                entry.span().start,
                format!("`{name}` is not a lab folder name: give the name of a folder beside course.toml"),
            );
            continue;
        }
        let lab_dir = join(dir, name);
        if listed.contains(&lab_dir) {
            r.at(
                entry.span().start,
                format!("lab folder `{name}` is listed twice"),
            );
            continue;
        }
        listed.push(lab_dir.clone());
        if files.get(&join(&lab_dir, "lab.toml")).is_none() {
            r.at(
                entry.span().start,
                format!("there is no {}", join(&lab_dir, "lab.toml")),
            );
            continue;
        }
        match load_lab_in(files, &lab_dir, mode) {
            Ok(lab) => {
                if let Some(other) = ids.insert(lab.id.clone(), name.clone()) {
                    r.at(
                        entry.span().start,
                        format!("lab id `{}` is used by both `{other}` and `{name}`: ids must be unique in a course", lab.id),
                    );
                }
                labs.push(lab);
            }
            Err(problems) => out.extend(problems),
        }
    }
    // Prerequisites name labs listed earlier in this course.
    for (i, lab) in labs.iter().enumerate() {
        for req in &lab.requires {
            let earlier = labs[..i].iter().any(|l| &l.id == req);
            if req == &lab.id {
                out.push(Diagnostic {
                    file: join(&lab.dir, "lab.toml"),
                    line: lab.requires_line,
                    column: 1,
                    message: "a lab cannot require itself".into(),
                });
            } else if !earlier {
                out.push(Diagnostic {
                    file: join(&lab.dir, "lab.toml"),
                    line: lab.requires_line,
                    column: 1,
                    message: if labs.iter().any(|l| &l.id == req) {
                        format!("`requires` names `{req}`, which comes after this lab in course.toml: list prerequisites first")
                    } else {
                        format!("`requires` names `{req}`, which is not a lab of this course")
                    },
                });
            }
        }
    }
    let schedule = schedule_settings(&mut r, raw.schedule, &labs);
    let xapi = xapi_settings(&mut r, raw.xapi, raw.id.get_ref());
    let help = help_settings(&mut r, raw.help);
    let ok = r.is_clean();
    out.extend(r.done());
    ok.then(|| Course {
        xapi,
        help,
        schedule,
        id: raw.id.into_inner(),
        title: raw.title.into_inner(),
        summary: raw.summary.map(S::into_inner).unwrap_or_default(),
        order: raw.order.as_ref().map_or(100, |o| *o.get_ref()),
        dir: dir.to_string(),
        labs,
    })
}

/// The `[schedule]` table, checked: dates are real dates, and due dates
/// name labs of this course (or `course`).
fn schedule_settings(r: &mut Reporter, raw: Option<raw::Schedule>, labs: &[Lab]) -> Schedule {
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
fn help_settings(r: &mut Reporter, raw: Option<raw::Help>) -> Help {
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
fn xapi_settings(r: &mut Reporter, raw: Option<raw::Xapi>, course_id: &str) -> Xapi {
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

/// Loads the lab in folder `dir` (relative to the root of `files`; `""` for
/// the root itself).
///
/// # Errors
///
/// Every problem found in the lab's files.
pub fn load_lab(files: &Files, dir: &str) -> Result<Lab, Vec<Diagnostic>> {
    load_lab_in(files, dir, Mode::Full)
}

fn load_lab_in(files: &Files, dir: &str, mode: Mode) -> Result<Lab, Vec<Diagnostic>> {
    let path = join(dir, "lab.toml");
    let mut out = Vec::new();
    let Some(text) = read_text(files, &path, &mut out) else {
        return Err(out);
    };
    let mut r = Reporter::new(&path, &text);
    let raw: raw::Lab = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            r.toml_error(&e);
            return Err(r.done());
        }
    };
    let lab = build_lab(files, dir, raw, mode, &mut r, &mut out);
    let clean = r.is_clean();
    out.extend(r.done());
    match lab {
        Some(lab) if clean && out.is_empty() => Ok(lab),
        _ => Err(out),
    }
}

fn build_lab(
    files: &Files,
    dir: &str,
    raw: raw::Lab,
    mode: Mode,
    r: &mut Reporter<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<Lab> {
    r.format(&raw.format);
    r.id(&raw.id);
    r.non_empty(&raw.title, "title");
    let minutes = match &raw.minutes {
        Some(m) => r.int_in(m, 1, 10_000, "minutes").unwrap_or(1) as u32,
        None => 15,
    };
    let has_code = !raw.checks.is_empty() || raw.questions.is_empty();
    let language = match raw
        .language
        .as_ref()
        .map(|l| (l.get_ref().as_str(), l.span().start))
    {
        None => {
            if has_code {
                r.whole("missing `language`: \"wat\" (written in the browser) or \"wasm\" (an uploaded module); only a lab of questions alone may leave it out");
            }
            Language::Wat
        }
        Some(("wat", _)) => Language::Wat,
        Some(("wasm", _)) => Language::Wasm,
        Some((other, start)) => {
            r.at(
                start,
                format!("language `{other}` is not known: use \"wat\" (written in the browser) or \"wasm\" (an uploaded module)"),
            );
            Language::Wat
        }
    };
    let instructions = r
        .lab_file(
            files,
            dir,
            raw.instructions.as_ref(),
            "README.md",
            "instructions",
            true,
        )
        .and_then(|bytes| match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                out.push(whole(
                    &join(dir, "README.md"),
                    "the instructions are not UTF-8 text",
                ));
                None
            }
        })
        .unwrap_or_default();
    let default_solution = match language {
        Language::Wat => "solution.wat",
        Language::Wasm => "solution.wasm",
    };
    let solution = match mode {
        // A lab of questions alone has no code to solve.
        _ if !has_code => Some(None),
        Mode::Full => r
            .lab_file(
                files,
                dir,
                raw.solution.as_ref(),
                default_solution,
                "solution",
                false,
            )
            .map(|bytes| Some(submission(raw.solution.as_ref(), default_solution, bytes))),
        // The bundle leaves solutions out on purpose.
        Mode::Bundle => Some(None),
    };
    let starter = match (&raw.starter, language) {
        _ if !has_code => None,
        (None, Language::Wasm) => None,
        (starter, _) => r
            .lab_file(files, dir, starter.as_ref(), "starter.wat", "starter", true)
            .map(|bytes| submission(starter.as_ref(), "starter.wat", bytes)),
    };
    let mut hints = Vec::new();
    for hint in &raw.hints {
        r.non_empty(hint, "a hint");
        hints.push(hint.get_ref().clone());
    }

    let mut exports = BTreeMap::new();
    for (name, sig) in &raw.exports {
        match FuncSig::parse(sig.get_ref()) {
            Ok(parsed) => {
                exports.insert(name.clone(), parsed);
            }
            Err(e) => r.at(sig.span().start, format!("export `{name}`: {e}")),
        }
    }
    let limits = r.limits(raw.limits.as_ref(), Limits::default());

    if raw.checks.is_empty() && raw.questions.is_empty() {
        r.whole("the lab has no checks: add at least one [[check]] or [[question]]");
    }
    let mut checks = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for check in &raw.checks {
        let name = check.get_ref().name.get_ref();
        if names.contains(name) {
            r.at(
                check.get_ref().name.span().start,
                format!("another check is already named `{name}`: names must be unique"),
            );
        }
        names.push(name.clone());
        if let Some(c) = build_check(files, dir, check.get_ref(), &exports, limits, r) {
            checks.push(c);
        }
    }
    let mut questions = Vec::new();
    for question in &raw.questions {
        let name = question.get_ref().name.get_ref();
        if names.contains(name) {
            r.at(
                question.get_ref().name.span().start,
                format!("a check or question is already named `{name}`: names must be unique"),
            );
        }
        names.push(name.clone());
        if let Some(q) = build_question(question.get_ref(), r) {
            questions.push(q);
        }
    }
    Some(Lab {
        id: raw.id.into_inner(),
        title: raw.title.into_inner(),
        minutes,
        language,
        dir: dir.to_string(),
        instructions,
        starter,
        solution: solution?,
        content_hash: content_hash(files, dir, &r.public),
        files: r.public.clone(),
        hints,
        exports,
        limits,
        checks,
        questions,
        requires: raw
            .requires
            .iter()
            .flat_map(|r| r.get_ref())
            .map(|r| r.get_ref().clone())
            .collect(),
        requires_line: raw
            .requires
            .as_ref()
            .map_or(0, |q| r.line_of(q.span().start)),
    })
}

fn build_question(q: &raw::Question, r: &mut Reporter<'_>) -> Option<Question> {
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
        "choice" | "choices" => {
            let multiple = kind == "choices";
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
            QuestionKind::Choice { multiple, choices }
        }
        "text" => {
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
            QuestionKind::Text(TextQuestion {
                answer,
                feedback: q.feedback.as_ref().map(|f| f.get_ref().clone()),
                wrong,
            })
        }
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

fn submission(named: Option<&S<String>>, default: &str, bytes: Vec<u8>) -> Submission {
    let name = named.map_or(default, |n| n.get_ref().as_str());
    Submission::from_file(name, bytes.clone())
        .unwrap_or_else(|_| Submission::Wat(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Which fields each kind accepts (besides name, kind, points, hidden,
/// feedback and limits). A `budget` check takes a call's or a command's
/// fields, whichever it is, plus `budget`.
fn allowed(kind: &str, has_function: bool) -> Vec<&'static str> {
    const CALL: &[&str] = &[
        "function",
        "args",
        "expect",
        "trap",
        "tolerance",
        "memory-before",
        "memory-after",
    ];
    const RUN: &[&str] = &[
        "args",
        "stdin",
        "env",
        "files",
        "stdout",
        "stderr",
        "compare",
        "exit-code",
        "files-after",
    ];
    match kind {
        "call" | "memory" => CALL.to_vec(),
        "budget" => [if has_function { CALL } else { RUN }, &["budget"]].concat(),
        "run" => RUN.to_vec(),
        "random" => vec!["function", "count", "seed", "ranges", "tolerance"],
        "module" => vec!["exports", "forbid-imports", "max-bytes", "max-functions"],
        _ => Vec::new(),
    }
}

const KINDS: &str = "call, memory, run, module, random or budget";

fn build_check(
    files: &Files,
    dir: &str,
    c: &raw::Check,
    exports: &BTreeMap<String, FuncSig>,
    lab_limits: Limits,
    r: &mut Reporter<'_>,
) -> Option<Check> {
    let before = r.count();
    let kind = c.kind.get_ref().as_str();
    r.non_empty(&c.name, "the check name");
    if allowed(kind, true).is_empty() {
        r.at(
            c.kind.span().start,
            format!("check kind `{kind}` is not known: use {KINDS}"),
        );
        return None;
    }
    let ok_fields = allowed(kind, c.function.is_some());
    for (field, at) in c.present() {
        if !ok_fields.contains(&field) {
            r.at(
                at,
                format!(
                    "`{field}` does not apply to a `{kind}` check (it takes: {})",
                    ok_fields.join(", ")
                ),
            );
        }
    }
    let points = match &c.points {
        Some(p) => r.int_in(p, 0, 1000, "points").unwrap_or(0) as u32,
        None => 1,
    };
    let limits = match &c.limits {
        Some(l) => r.limits(Some(l.get_ref()), lab_limits),
        None => lab_limits,
    };
    let budget = match (&c.budget, kind) {
        (Some(b), "budget") => {
            let b = r.int_in(b, 1, i64::MAX, "budget").unwrap_or(1) as u64;
            if b > limits.fuel {
                r.at(
                    c.budget.as_ref().map_or(0, |b| b.span().start),
                    format!("the budget ({b}) is above the fuel limit ({}): raise `limits.fuel` or lower the budget", limits.fuel),
                );
            }
            Some(b)
        }
        (None, "budget") => {
            r.at(
                c.kind.span().start,
                "a `budget` check needs `budget = FUEL`",
            );
            None
        }
        _ => None,
    };
    let tolerance = match &c.tolerance {
        Some(t) if *t.get_ref() >= 0.0 && t.get_ref().is_finite() => *t.get_ref(),
        Some(t) => {
            r.at(t.span().start, "`tolerance` must be a finite number ≥ 0");
            0.0
        }
        None => 1e-9,
    };
    let kind_value = match kind {
        "call" | "memory" | "budget" if kind != "budget" || c.function.is_some() => {
            build_call(c, kind, exports, tolerance, r).map(CheckKind::Call)
        }
        "budget" | "run" => build_run(files, dir, c, r).map(CheckKind::Run),
        "random" => build_random(c, exports, tolerance, r).map(CheckKind::Random),
        "module" => build_module(c, r).map(CheckKind::Module),
        _ => None,
    };
    if r.count() > before {
        return None;
    }
    Some(Check {
        name: c.name.get_ref().clone(),
        line: r.line_of(c.name.span().start),
        points,
        hidden: c.hidden.as_ref().is_some_and(|h| *h.get_ref()),
        feedback: c.feedback.as_ref().map(|f| f.get_ref().clone()),
        limits,
        budget,
        kind: kind_value?,
    })
}

/// The declared signature of the function a check calls.
fn signature<'e>(
    c: &raw::Check,
    exports: &'e BTreeMap<String, FuncSig>,
    r: &mut Reporter<'_>,
) -> Option<(String, &'e FuncSig)> {
    let Some(function) = &c.function else {
        r.at(
            c.kind.span().start,
            format!("a `{}` check needs `function = \"NAME\"`", c.kind.get_ref()),
        );
        return None;
    };
    let name = function.get_ref();
    match exports.get(name) {
        Some(sig) => Some((name.clone(), sig)),
        None => {
            r.at(
                function.span().start,
                format!("`{name}` has no signature: add `{name} = \"(i32) -> i32\"` (its real types) under [exports]"),
            );
            None
        }
    }
}

fn build_call(
    c: &raw::Check,
    kind: &str,
    exports: &BTreeMap<String, FuncSig>,
    tolerance: f64,
    r: &mut Reporter<'_>,
) -> Option<CallCheck> {
    let (function, sig) = signature(c, exports, r)?;
    let args = typed_args(
        c.args.as_ref(),
        &sig.params,
        &function,
        c.kind.span().start,
        r,
    )?;
    let expect = match (&c.expect, &c.trap) {
        (Some(e), Some(t)) => {
            r.at(
                t.span().start,
                "a check expects either values (`expect`) or a trap (`trap`), not both",
            );
            let _ = e;
            return None;
        }
        (Some(e), None) => Expect::Values(typed_results(e, &sig.results, &function, r)?),
        (None, Some(t)) => Expect::Trap(trap_kind(t, r)?),
        (None, None) => Expect::Anything,
    };
    let memory_before = memory_list(c.memory_before.as_ref(), r)?;
    let memory_after = memory_list(c.memory_after.as_ref(), r)?;
    if kind == "memory" && memory_after.is_empty() {
        r.at(
            c.kind.span().start,
            "a `memory` check needs `memory-after`: what memory must hold after the call",
        );
        return None;
    }
    // A budget check may check only its budget.
    if expect == Expect::Anything && memory_after.is_empty() && kind != "budget" {
        r.at(
            c.kind.span().start,
            "this check checks nothing: give `expect`, `trap` or `memory-after`",
        );
        return None;
    }
    Some(CallCheck {
        function,
        args,
        expect,
        tolerance,
        memory_before,
        memory_after,
    })
}

fn trap_kind(t: &S<String>, r: &mut Reporter<'_>) -> Option<Option<TrapKind>> {
    match t.get_ref().as_str() {
        "any" => Some(None),
        name => match TrapKind::parse(name) {
            Some(k) => Some(Some(k)),
            None => {
                let names: Vec<&str> = TrapKind::ALL.iter().map(|k| k.name()).collect();
                r.at(
                    t.span().start,
                    format!(
                        "`{name}` is not a trap kind: use \"any\" or one of \"{}\"",
                        names.join("\", \"")
                    ),
                );
                None
            }
        },
    }
}

fn typed_args(
    args: Option<&S<Vec<S<toml::Value>>>>,
    params: &[ValType],
    function: &str,
    fallback_at: usize,
    r: &mut Reporter<'_>,
) -> Option<Vec<Value>> {
    let empty = Vec::new();
    let (list, at) = match args {
        Some(a) => (a.get_ref(), a.span().start),
        None => (&empty, fallback_at),
    };
    if list.len() != params.len() {
        r.at(
            at,
            format!(
                "`{function}` takes {} argument(s) ({}), but {} given",
                params.len(),
                params
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                list.len()
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    for (v, ty) in list.iter().zip(params) {
        match value_of(v.get_ref(), *ty) {
            Ok(value) => out.push(value),
            Err(e) => r.at(v.span().start, e),
        }
    }
    (out.len() == params.len()).then_some(out)
}

fn typed_results(
    e: &S<toml::Value>,
    results: &[ValType],
    function: &str,
    r: &mut Reporter<'_>,
) -> Option<Vec<Value>> {
    let items: Vec<&toml::Value> = match e.get_ref() {
        toml::Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    if items.len() != results.len() {
        r.at(
            e.span().start,
            format!(
                "`{function}` returns {} value(s), but `expect` has {}",
                results.len(),
                items.len()
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    for (v, ty) in items.into_iter().zip(results) {
        match value_of(v, *ty) {
            Ok(value) => out.push(value),
            Err(msg) => r.at(e.span().start, msg),
        }
    }
    (out.len() == results.len()).then_some(out)
}

/// Reads a TOML value as a WebAssembly value of type `ty`.
fn value_of(v: &toml::Value, ty: ValType) -> Result<Value, String> {
    let special = |s: &str| match s {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    };
    match (ty, v) {
        (ValType::I32, toml::Value::Integer(i)) => {
            if (i32::MIN as i64..=u32::MAX as i64).contains(i) {
                Ok(Value::I32(*i as u32 as i32))
            } else {
                Err(format!("{i} does not fit in an i32"))
            }
        }
        (ValType::I64, toml::Value::Integer(i)) => Ok(Value::I64(*i)),
        (ValType::I64, toml::Value::String(s)) => {
            s.parse::<u64>().map(|u| Value::I64(u as i64)).map_err(|_| {
                format!("\"{s}\" is not an i64 (write a number, or a string for values above 2^63)")
            })
        }
        (ValType::F32, toml::Value::Float(f)) => Ok(Value::F32(*f as f32)),
        (ValType::F32, toml::Value::Integer(i)) => Ok(Value::F32(*i as f32)),
        (ValType::F64, toml::Value::Float(f)) => Ok(Value::F64(*f)),
        (ValType::F64, toml::Value::Integer(i)) => Ok(Value::F64(*i as f64)),
        (ValType::F32, toml::Value::String(s)) if special(s).is_some() => {
            Ok(Value::F32(special(s).unwrap_or(0.0) as f32))
        }
        (ValType::F64, toml::Value::String(s)) if special(s).is_some() => {
            Ok(Value::F64(special(s).unwrap_or(0.0)))
        }
        (ty, other) => Err(format!(
            "expected {} value, found {}",
            match ty {
                ValType::I32 | ValType::I64 => format!("an {ty}"),
                _ => format!("an {ty} (a number, \"nan\", \"inf\" or \"-inf\")"),
            },
            describe(other)
        )),
    }
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(i) => format!("the integer {i}"),
        toml::Value::Float(f) => format!("the float {f}"),
        toml::Value::Boolean(b) => format!("`{b}`"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "an array".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn memory_list(
    list: Option<&S<Vec<S<raw::Memory>>>>,
    r: &mut Reporter<'_>,
) -> Option<Vec<MemoryData>> {
    let Some(list) = list else {
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    let mut ok = true;
    for m in list.get_ref() {
        let at = m.span().start;
        let m = m.get_ref();
        let address = r.int_in(&m.at, 0, u32::MAX as i64, "`at`");
        let mut kinds: Vec<Data> = Vec::new();
        let fail = |r: &mut Reporter<'_>, msg: String| {
            r.at(at, msg);
            None::<Data>
        };
        if let Some(s) = &m.string {
            kinds.push(Data::String(s.clone()));
        }
        if let Some(b) = &m.bytes {
            match b
                .iter()
                .map(|x| u8::try_from(*x))
                .collect::<Result<Vec<u8>, _>>()
            {
                Ok(bytes) => kinds.push(Data::Bytes(bytes)),
                Err(_) => {
                    fail(r, "`bytes` must be numbers from 0 to 255".into());
                }
            }
        }
        if let Some(v) = &m.i32 {
            match v
                .iter()
                .map(|x| {
                    (i32::MIN as i64..=u32::MAX as i64)
                        .contains(x)
                        .then_some(*x as u32 as i32)
                })
                .collect::<Option<Vec<i32>>>()
            {
                Some(v) => kinds.push(Data::I32(v)),
                None => {
                    fail(r, "an `i32` value does not fit in 32 bits".into());
                }
            }
        }
        if let Some(v) = &m.i64 {
            kinds.push(Data::I64(v.clone()));
        }
        if let Some(v) = &m.f32 {
            kinds.push(Data::F32(v.iter().map(|x| *x as f32).collect()));
        }
        if let Some(v) = &m.f64 {
            kinds.push(Data::F64(v.clone()));
        }
        if kinds.len() != 1 {
            r.at(
                at,
                "give exactly one of `string`, `bytes`, `i32`, `i64`, `f32` or `f64` with `at`",
            );
            ok = false;
            continue;
        }
        match address {
            Some(a) => out.push(MemoryData {
                at: a as u32,
                data: kinds.remove(0),
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn build_run(files: &Files, dir: &str, c: &raw::Check, r: &mut Reporter<'_>) -> Option<RunCheck> {
    let mut args = Vec::new();
    if let Some(list) = &c.args {
        for a in list.get_ref() {
            match a.get_ref() {
                toml::Value::String(s) => args.push(s.clone()),
                other => r.at(
                    a.span().start,
                    format!(
                        "command-line arguments are strings; found {}",
                        describe(other)
                    ),
                ),
            }
        }
    }
    let compare = match &c.compare {
        None => "trim",
        Some(m) => {
            match m.get_ref().as_str() {
                m @ ("exact" | "trim" | "regex") => m,
                other => {
                    r.at(
                    m.span().start,
                    format!("`compare = \"{other}\"` is not known: use \"exact\", \"trim\" or \"regex\""),
                );
                    "trim"
                }
            }
        }
    };
    let text = |t: &S<String>, r: &mut Reporter<'_>| -> Option<TextExpect> {
        let compare = match compare {
            "exact" => Compare::Exact,
            "regex" => match regex_lite::Regex::new(&format!("^(?:{})$", t.get_ref())) {
                Ok(re) => Compare::Regex(re),
                Err(e) => {
                    r.at(
                        t.span().start,
                        format!("not a valid regular expression: {e}"),
                    );
                    return None;
                }
            },
            _ => Compare::Trim,
        };
        Some(TextExpect {
            text: t.get_ref().clone(),
            compare,
        })
    };
    let stdout = c.stdout.as_ref().and_then(|t| text(t, r));
    let stderr = c.stderr.as_ref().and_then(|t| text(t, r));
    let mut files_after = BTreeMap::new();
    if let Some(map) = &c.files_after {
        for (name, t) in map.get_ref() {
            match clean_path(name) {
                Some(clean) => {
                    if let Some(expect) = text(t, r) {
                        files_after.insert(clean, expect);
                    }
                }
                None => r.at(
                    t.span().start,
                    format!("`{name}` is not a plain relative path"),
                ),
            }
        }
    }
    let exit_code = match &c.exit_code {
        Some(e) => r
            .int_in(e, i32::MIN as i64, i32::MAX as i64, "exit-code")
            .unwrap_or(0) as i32,
        None => 0,
    };
    let mut input_files = BTreeMap::new();
    if let Some(map) = &c.files {
        for (name, v) in map.get_ref() {
            let Some(clean) = clean_path(name) else {
                r.at(
                    v.span().start,
                    format!("`{name}` is not a plain relative path"),
                );
                continue;
            };
            let content = match v.get_ref() {
                toml::Value::String(s) => Some(s.clone().into_bytes()),
                toml::Value::Table(t)
                    if t.len() == 1 && t.get("from").is_some_and(toml::Value::is_str) =>
                {
                    let from = t
                        .get("from")
                        .and_then(toml::Value::as_str)
                        .unwrap_or_default();
                    let spanned = S::new(v.span(), from.to_string());
                    r.lab_file(files, dir, Some(&spanned), "", "input file", true)
                }
                _ => {
                    r.at(
                        v.span().start,
                        "an input file is its text, or `{ from = \"PATH\" }` naming a file in the lab folder",
                    );
                    None
                }
            };
            if let Some(content) = content {
                input_files.insert(clean, content);
            }
        }
    }
    if c.stdout.is_none()
        && c.stderr.is_none()
        && c.files_after.is_none()
        && c.exit_code.is_none()
        && c.kind.get_ref() == "run"
    {
        r.at(
            c.kind.span().start,
            "this run check checks nothing: give `stdout`, `stderr`, `exit-code` or `files-after`",
        );
    }
    Some(RunCheck {
        args,
        env: c
            .env
            .as_ref()
            .map(|e| {
                e.get_ref()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        stdin: c
            .stdin
            .as_ref()
            .map(|s| s.get_ref().clone().into_bytes())
            .unwrap_or_default(),
        files: input_files,
        stdout,
        stderr,
        exit_code,
        files_after,
    })
}

fn build_random(
    c: &raw::Check,
    exports: &BTreeMap<String, FuncSig>,
    tolerance: f64,
    r: &mut Reporter<'_>,
) -> Option<RandomCheck> {
    let (function, sig) = signature(c, exports, r)?;
    if sig.results.is_empty() {
        r.at(
            c.kind.span().start,
            format!("`{function}` returns nothing, so a random check has nothing to compare"),
        );
        return None;
    }
    let count = match &c.count {
        Some(n) => r.int_in(n, 1, 10_000, "count")? as u32,
        None => 20,
    };
    let seed = match &c.seed {
        Some(s) => *s.get_ref() as u64,
        None => 1,
    };
    let ranges = match &c.ranges {
        None => sig.params.iter().map(|t| default_range(*t)).collect(),
        Some(list) => {
            if list.get_ref().len() != sig.params.len() {
                r.at(
                    list.span().start,
                    format!(
                        "`{function}` takes {} argument(s); give one [low, high] range for each",
                        sig.params.len()
                    ),
                );
                return None;
            }
            let mut ranges = Vec::new();
            for (range, ty) in list.get_ref().iter().zip(&sig.params) {
                let pair = range.get_ref();
                if pair.len() != 2 {
                    r.at(range.span().start, "a range is [low, high]");
                    continue;
                }
                let unsigned_i32 = *ty == ValType::I32
                    && pair.iter().any(|v| {
                        v.get_ref()
                            .as_integer()
                            .is_some_and(|i| i > i32::MAX as i64)
                    });
                if unsigned_i32 {
                    r.at(
                        range.span().start,
                        "random i32 values are signed: give a range within -2147483648..2147483647",
                    );
                    continue;
                }
                match (
                    value_of(pair[0].get_ref(), *ty),
                    value_of(pair[1].get_ref(), *ty),
                ) {
                    (Ok(lo), Ok(hi)) => {
                        let ordered = match (lo, hi) {
                            (Value::I32(a), Value::I32(b)) => a <= b,
                            (Value::I64(a), Value::I64(b)) => a <= b,
                            (Value::F32(a), Value::F32(b)) => {
                                a <= b && a.is_finite() && b.is_finite()
                            }
                            (Value::F64(a), Value::F64(b)) => {
                                a <= b && a.is_finite() && b.is_finite()
                            }
                            _ => false,
                        };
                        if ordered {
                            ranges.push((lo, hi));
                        } else {
                            r.at(
                                range.span().start,
                                "a range is [low, high] with finite low ≤ high",
                            );
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => r.at(range.span().start, e),
                }
            }
            if ranges.len() != sig.params.len() {
                return None;
            }
            ranges
        }
    };
    Some(RandomCheck {
        function,
        count,
        seed,
        ranges,
        tolerance,
        expected: None,
    })
}

fn build_module(c: &raw::Check, r: &mut Reporter<'_>) -> Option<ModuleCheck> {
    let mut exports = Vec::new();
    if let Some(map) = &c.exports {
        for (name, ty) in map.get_ref() {
            if ty.get_ref() == "memory" {
                exports.push((name.clone(), ExportExpect::Memory));
            } else {
                match FuncSig::parse(ty.get_ref()) {
                    Ok(sig) => exports.push((name.clone(), ExportExpect::Func(sig))),
                    Err(e) => r.at(ty.span().start, format!("{e}, or \"memory\"")),
                }
            }
        }
    }
    let mut forbid_imports = Vec::new();
    if let Some(list) = &c.forbid_imports {
        for p in list.get_ref() {
            if p.get_ref()
                .split_once('.')
                .is_some_and(|(m, n)| !m.is_empty() && !n.is_empty())
            {
                forbid_imports.push(p.get_ref().clone());
            } else {
                r.at(
                    p.span().start,
                    "an import pattern is `module.name` or `module.*`",
                );
            }
        }
    }
    let max_bytes = c
        .max_bytes
        .as_ref()
        .and_then(|b| r.int_in(b, 1, i64::MAX, "max-bytes"))
        .map(|b| b as u64);
    let max_functions = c
        .max_functions
        .as_ref()
        .and_then(|b| r.int_in(b, 0, u32::MAX as i64, "max-functions"))
        .map(|b| b as u32);
    if exports.is_empty()
        && forbid_imports.is_empty()
        && max_bytes.is_none()
        && max_functions.is_none()
        && c.exports.is_none()
        && c.forbid_imports.is_none()
    {
        r.at(
            c.kind.span().start,
            "this module check checks nothing: give `exports`, `forbid-imports`, `max-bytes` or `max-functions`",
        );
        return None;
    }
    Some(ModuleCheck {
        exports,
        forbid_imports,
        max_bytes,
        max_functions,
    })
}

// ---------------------------------------------------------------------------

/// Collects diagnostics for one file, turning byte offsets into positions.
struct Reporter<'a> {
    file: String,
    text: &'a str,
    found: Vec<Diagnostic>,
    /// Files the lab uses that a learner may see (everything but the
    /// solution): what goes into the browser bundle.
    public: Vec<String>,
}

impl<'a> Reporter<'a> {
    fn new(file: &str, text: &'a str) -> Reporter<'a> {
        Reporter {
            file: file.to_string(),
            text,
            found: Vec::new(),
            public: vec![file.to_string()],
        }
    }

    fn line_of(&self, offset: usize) -> u32 {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count() as u32
            + 1
    }

    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = self.line_of(offset);
        let column = before.chars().rev().take_while(|c| *c != '\n').count() as u32 + 1;
        self.found.push(Diagnostic {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        });
    }

    fn whole(&mut self, message: impl Into<String>) {
        self.found.push(whole(&self.file, message));
    }

    fn count(&self) -> usize {
        self.found.len()
    }

    fn is_clean(&self) -> bool {
        self.found.is_empty()
    }

    fn done(self) -> Vec<Diagnostic> {
        self.found
    }

    fn toml_error(&mut self, e: &toml::de::Error) {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => self.at(span.start, message),
            None => self.whole(message),
        }
    }

    fn format(&mut self, format: &S<i64>) {
        if *format.get_ref() != FORMAT {
            self.at(
                format.span().start,
                format!(
                    "format {} is not supported: this sandlab reads format {FORMAT}",
                    format.get_ref()
                ),
            );
        }
    }

    fn id(&mut self, id: &S<String>) {
        let s = id.get_ref();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if !ok {
            self.at(
                id.span().start,
                format!("id `{s}` must be 1–64 lowercase letters, digits and dashes (it names progress and records, so keep it stable)"),
            );
        }
    }

    fn non_empty(&mut self, s: &S<String>, what: &str) {
        if s.get_ref().trim().is_empty() {
            self.at(s.span().start, format!("{what} is empty"));
        }
    }

    fn int_in(&mut self, v: &S<i64>, lo: i64, hi: i64, what: &str) -> Option<i64> {
        let x = *v.get_ref();
        if (lo..=hi).contains(&x) {
            Some(x)
        } else {
            self.at(
                v.span().start,
                format!("{what} must be between {lo} and {hi}, not {x}"),
            );
            None
        }
    }

    fn limits(&mut self, raw: Option<&raw::Limits>, base: Limits) -> Limits {
        let Some(raw) = raw else {
            return base;
        };
        let mut limits = base;
        if let Some(v) = &raw.fuel {
            limits.fuel = self
                .int_in(v, 1, 100_000_000_000, "limits.fuel")
                .map_or(base.fuel, |x| x as u64);
        }
        if let Some(v) = &raw.memory_pages {
            limits.memory_pages = self
                .int_in(v, 0, 65_536, "limits.memory-pages")
                .map_or(base.memory_pages, |x| x as u32);
        }
        if let Some(v) = &raw.stack_depth {
            limits.stack_depth = self
                .int_in(v, 1, 100_000, "limits.stack-depth")
                .map_or(base.stack_depth, |x| x as u32);
        }
        if let Some(v) = &raw.output_bytes {
            limits.output_bytes = self
                .int_in(v, 0, 64 * 1024 * 1024, "limits.output-bytes")
                .map_or(base.output_bytes, |x| x as u64);
        }
        limits
    }

    /// Reads a file the lab names, relative to the lab folder.
    fn lab_file(
        &mut self,
        files: &Files,
        dir: &str,
        named: Option<&S<String>>,
        default: &str,
        what: &str,
        public: bool,
    ) -> Option<Vec<u8>> {
        let (name, at) = match named {
            Some(n) => (n.get_ref().as_str(), Some(n.span().start)),
            None => (default, None),
        };
        let report = |r: &mut Self, message: String| match at {
            Some(at) => r.at(at, message),
            None => r.whole(message),
        };
        let Some(clean) = clean_path(name) else {
            report(
                self,
                format!("the {what} `{name}` is outside the lab folder: name a file inside it"),
            );
            return None;
        };
        let path = join(dir, &clean);
        match files.get(&path) {
            Some(bytes) => {
                if public {
                    self.public.push(path.clone());
                }
                Some(bytes.to_vec())
            }
            None => {
                let hint = if named.is_none() {
                    format!(" (the default; set `{what} = \"FILE\"` to use another name)")
                } else {
                    String::new()
                };
                report(self, format!("the {what} file {path} does not exist{hint}"));
                None
            }
        }
    }
}

fn whole(file: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 0,
        column: 0,
        message: message.into(),
    }
}

fn read_text(files: &Files, path: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    let Some(bytes) = files.get(path) else {
        out.push(whole(path, "the file does not exist"));
        return None;
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) => {
            out.push(whole(
                path,
                format!(
                    "the file is not UTF-8 text (byte {} is not valid UTF-8)",
                    e.valid_up_to()
                ),
            ));
            None
        }
    }
}

/// A relative path with no `..`, no absolute root and no empty parts;
/// `None` if it would leave the folder.
pub(crate) fn clean_path(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn parent(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

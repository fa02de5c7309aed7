//! Reads courses and labs from [`Files`], checking everything an author can
//! get wrong and reporting all of it at once, each with file:line:column.

use super::check::{Defaults, LabScope, build_check, compares, unknown_show};
use super::course::{Course, help_settings, schedule_settings, xapi_settings};
use super::question::build_question;
use super::raw::{self, S};
use super::reader::{Reporter, clean_path, join, parent, read_text, whole};
use super::{Check, Diagnostic, Files, Lab, Question, content_hash};
use crate::language::interpreter::Interpreter;
use crate::language::{Language, Runtime, Submission};
use crate::vocab::{FuncSig, Show};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything found under a labs root: the courses that loaded and every
/// problem found on the way.
#[derive(Debug, Default)]
pub struct Catalog {
    pub courses: Vec<Course>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Catalog {
    /// Gives every lab in `runtime`'s language the interpreter it runs in.
    pub fn attach(&mut self, runtime: &Arc<Runtime>) {
        for lab in self.courses.iter_mut().flat_map(|c| c.labs.iter_mut()) {
            lab.attach(runtime);
        }
    }
}

impl Lab {
    /// Gives the lab `runtime`, if the lab is in its language (told how
    /// the lab's course runs it, for a course's own interpreter).
    pub fn attach(&mut self, runtime: &Arc<Runtime>) {
        if self.language == runtime.language {
            self.runtime = Some(match (&self.interpreter, &runtime.interpreter) {
                (Some(interpreter), None) => runtime.with_interpreter(interpreter.clone()),
                _ => runtime.clone(),
            });
        }
    }
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
pub fn load_courses(files: &Files) -> Catalog {
    load_courses_in(files, Mode::Full)
}

pub(crate) fn load_courses_in(files: &Files, mode: Mode) -> Catalog {
    let mut loaded = Catalog::default();
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
    // The course's own interpreter: checked once, shared by its labs.
    if let Some(raw) = &raw.interpreter
        && let Some((_, Some(runtime))) =
            super::interpreter::settings(&mut r, raw, files, dir, mode)
    {
        for lab in labs.iter_mut().filter(|l| l.language == Language::Custom) {
            lab.runtime = Some(runtime.clone());
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

/// Loads the lab in folder `dir` (relative to the root of `files`; `""` for
/// the root itself).
///
/// # Errors
///
/// Every problem found in the lab's files.
pub fn load_lab(files: &Files, dir: &str) -> Result<Lab, Vec<Diagnostic>> {
    let mut lab = load_lab_in(files, dir, Mode::Full)?;
    // Its course's interpreter, when `files` holds the course (unchecked
    // here: a module that cannot run fails its checks, saying why; `sandlab
    // check` says so of the course).
    if let Some(interpreter) = &lab.interpreter {
        let module = join(&parent(dir), &interpreter.file);
        if let Some(bytes) = clean_path(&module).and_then(|p| files.get(&p)) {
            lab.runtime = Some(Runtime::brought(bytes.to_vec(), interpreter.clone()));
        }
    }
    Ok(lab)
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
    let course_interpreter = super::interpreter::of_course(files, &parent(dir));
    let language = language(&raw, has_code, course_interpreter.as_deref(), r);
    let interpreter = course_interpreter.filter(|_| language == Language::Custom);
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
    let (starter, solution) = code_files(
        files,
        dir,
        &raw,
        (language, interpreter.as_deref()),
        has_code,
        mode,
        r,
    );
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
    let limits = r.limits(raw.limits.as_ref(), language.spec().limits);
    let defaults = defaults(&raw, &exports, r);
    let scope = LabScope {
        files,
        dir,
        exports: &exports,
        limits,
        language,
        defaults: &defaults,
    };
    let (checks, questions) = checks_and_questions(&scope, &raw, r);
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
        runtime: None,
        interpreter,
    })
}

/// `language`: required unless the lab is questions alone; the name of its
/// course's `[interpreter]` is the language of that interpreter.
fn language(
    raw: &raw::Lab,
    has_code: bool,
    interpreter: Option<&Interpreter>,
    r: &mut Reporter<'_>,
) -> Language {
    match &raw.language {
        None => {
            if has_code {
                r.whole(format!(
                    "missing `language`: {}; only a lab of questions alone may leave it out",
                    Language::choices()
                ));
            }
            Language::Wat
        }
        Some(name) if interpreter.is_some_and(|i| &i.name == name.get_ref()) => Language::Custom,
        Some(name) => match Language::parse(name.get_ref()) {
            Some(language) if language != Language::Custom => language,
            _ => {
                let own = interpreter
                    .map(|i| format!(", or \"{}\" (the course's interpreter)", i.name))
                    .unwrap_or_default();
                r.at(
                    name.span().start,
                    format!(
                        "language `{}` is not known: use {}{own}",
                        name.get_ref(),
                        Language::choices()
                    ),
                );
                Language::Wat
            }
        },
    }
}

/// The starter and the reference solution, by the language's default names
/// unless the lab names its own. The solution is `None` (the outer option)
/// when its file is missing, and `Some(None)` where none is wanted: a lab of
/// questions alone, or the browser bundle, which leaves solutions out.
fn code_files(
    files: &Files,
    dir: &str,
    raw: &raw::Lab,
    (language, interpreter): (Language, Option<&Interpreter>),
    has_code: bool,
    mode: Mode,
    r: &mut Reporter<'_>,
) -> (Option<Submission>, Option<Option<Submission>>) {
    let spec = language.spec();
    // A course's interpreter names its files as its `main` does:
    // starter.lua and solution.lua beside main.lua.
    let extension = interpreter
        .and_then(|i| i.main.rsplit_once('.'))
        .map(|(_, e)| e);
    let (starter_name, solution_name) = match extension {
        Some(e) => (Some(format!("starter.{e}")), format!("solution.{e}")),
        None => (spec.starter.map(str::to_string), spec.solution.to_string()),
    };
    let solution = match mode {
        _ if !has_code => Some(None),
        Mode::Full => r
            .lab_file(
                files,
                dir,
                raw.solution.as_ref(),
                &solution_name,
                "solution",
                false,
            )
            .map(|bytes| {
                Some(submission(
                    language,
                    raw.solution.as_ref(),
                    &solution_name,
                    bytes,
                ))
            }),
        Mode::Bundle => Some(None),
    };
    let starter = match (&raw.starter, starter_name) {
        _ if !has_code => None,
        (None, None) => None,
        (named, default) => {
            let default = default.unwrap_or(solution_name);
            r.lab_file(files, dir, named.as_ref(), &default, "starter", true)
                .map(|bytes| submission(language, named.as_ref(), &default, bytes))
        }
    };
    (starter, solution)
}

/// `[defaults]` and `[show]`: what checks take unless they say otherwise.
fn defaults(raw: &raw::Lab, exports: &BTreeMap<String, FuncSig>, r: &mut Reporter<'_>) -> Defaults {
    let mut out = Defaults::default();
    let show = |name: &S<String>, r: &mut Reporter<'_>| match Show::parse(name.get_ref()) {
        Some(show) => Some(show),
        None => {
            r.at(name.span().start, unknown_show(name.get_ref()));
            None
        }
    };
    for (export, name) in &raw.show {
        if !exports.contains_key(export) {
            r.at(
                name.span().start,
                format!("`show.{export}`: `{export}` is not under [exports]"),
            );
        } else if let Some(how) = show(name, r) {
            out.show_by_export.insert(export.clone(), how);
        }
    }
    let Some(d) = &raw.defaults else {
        return out;
    };
    out.compare = d.compare.as_ref().and_then(|c| compares(c, r));
    out.points = d
        .points
        .as_ref()
        .and_then(|p| r.int_in(p, 0, 1000, "defaults.points"))
        .map(|p| p as u32);
    if let Some(t) = &d.tolerance {
        if *t.get_ref() >= 0.0 && t.get_ref().is_finite() {
            out.tolerance = Some(*t.get_ref());
        } else {
            r.at(t.span().start, "`tolerance` must be a finite number ≥ 0");
        }
    }
    out.show = d.show.as_ref().and_then(|s| show(s, r));
    out
}

/// Every `[[check]]` and `[[question]]`, their names unique among both.
fn checks_and_questions(
    scope: &LabScope<'_>,
    raw: &raw::Lab,
    r: &mut Reporter<'_>,
) -> (Vec<Check>, Vec<Question>) {
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
        if let Some(c) = build_check(scope, check.get_ref(), r) {
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
    (checks, questions)
}

/// A starter or solution file as a submission in the lab's language: a
/// module's bytes stay bytes, text is text.
fn submission(
    language: Language,
    named: Option<&raw::S<String>>,
    default: &str,
    bytes: Vec<u8>,
) -> Submission {
    let name = named.map_or(default, |n| n.get_ref().as_str());
    Submission::for_lab(language, name, bytes.clone()).unwrap_or_else(|_| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match language.has_editor() {
            true => Submission::text(language, text),
            false => Submission::wat(text),
        }
    })
}

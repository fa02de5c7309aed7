//! A course's `[interpreter]`: the language its labs are written in, run by
//! a WASI module in the course folder (see [`crate::language::interpreter`]).
//! The course reports what is wrong with it, at its line; each lab reads
//! it again to know its own language.

use super::Files;
use super::load::Mode;
use super::raw::{self, S};
use super::reader::{Reporter, clean_path, join};
use crate::language::interpreter::{self, Interpreter, Pass};
use crate::language::{Language, Runtime};
use std::sync::Arc;

/// The interpreter `raw` describes, with its module for a full load (the
/// browser's bundle carries no module: the app downloads it), or `None`
/// after saying why not.
pub(super) fn settings(
    r: &mut Reporter<'_>,
    raw: &raw::Interpreter,
    files: &Files,
    dir: &str,
    mode: Mode,
) -> Option<(Arc<Interpreter>, Option<Arc<Runtime>>)> {
    let before = r.count();
    let interpreter = read(raw, Some(r));
    let path = clean_path(raw.file.get_ref()).map(|p| join(dir, &p));
    let runtime = match (mode, path.as_ref().and_then(|p| files.get(p))) {
        (Mode::Bundle, _) => None,
        (Mode::Full, None) => {
            r.at(
                raw.file.span().start,
                format!(
                    "there is no {}: put the interpreter's .wasm module in the course folder",
                    path.unwrap_or_else(|| raw.file.get_ref().clone())
                ),
            );
            None
        }
        (Mode::Full, Some(bytes)) => match interpreter::check_module(bytes) {
            Ok(()) => interpreter
                .clone()
                .map(|i| Runtime::brought(bytes.to_vec(), i)),
            Err(why) => {
                r.at(
                    raw.file.span().start,
                    format!("{} cannot be the interpreter: {why}", raw.file.get_ref()),
                );
                None
            }
        },
    };
    let interpreter = interpreter?;
    (r.count() == before).then_some((interpreter, runtime))
}

/// The interpreter of the course in folder `course` (where a lab's
/// course.toml is), if it names a valid one. Problems are the course's to
/// report.
pub(super) fn of_course(files: &Files, course: &str) -> Option<Arc<Interpreter>> {
    let bytes = files.get(&join(course, "course.toml"))?;
    let text = std::str::from_utf8(bytes).ok()?;
    let raw: raw::CourseInterpreter = toml::from_str(text).ok()?;
    read(raw.interpreter.as_ref()?, None)
}

/// Reads `raw`, saying what is wrong through `r` when given.
fn read(raw: &raw::Interpreter, mut r: Option<&mut Reporter<'_>>) -> Option<Arc<Interpreter>> {
    let mut ok = true;
    let mut say = |at: usize, message: String| {
        ok = false;
        if let Some(r) = r.as_deref_mut() {
            r.at(at, message);
        }
    };
    let name = raw.name.get_ref();
    let well_formed = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !well_formed {
        say(
            raw.name.span().start,
            format!(
                "`{name}` is not a language name: lowercase letters, digits, - and _ (like \"lua\")"
            ),
        );
    } else if Language::parse(name).is_some() {
        say(
            raw.name.span().start,
            format!(
                "`{name}` is a language sandlab has already: name the course's own another way (like \"lua\")"
            ),
        );
    }
    let title = raw
        .title
        .as_ref()
        .map_or(name.clone(), |t| t.get_ref().clone());
    let pass = match &raw.pass {
        None => Pass::File,
        Some(p) => Pass::parse(p.get_ref()).unwrap_or_else(|| {
            say(
                p.span().start,
                format!(
                    "`pass = \"{}\"` is not a way to pass the code: use {}",
                    p.get_ref(),
                    Pass::NAMES.map(|n| format!("\"{n}\"")).join(", ")
                ),
            );
            Pass::File
        }),
    };
    let main = match &raw.main {
        Some(m) => match clean_path(m.get_ref()).filter(|p| !p.contains('/')) {
            Some(main) => main,
            None => {
                say(
                    m.span().start,
                    format!("`main = \"{}\"` is not a file name", m.get_ref()),
                );
                String::new()
            }
        },
        None => format!("main.{name}"),
    };
    let mode = match &raw.mode {
        None => "plain".to_string(),
        Some(m) if interpreter::MODES.contains(&m.get_ref().as_str()) => m.get_ref().clone(),
        Some(m) => {
            say(
                m.span().start,
                format!(
                    "the editor has no mode `{}`: use one of {}",
                    m.get_ref(),
                    interpreter::MODES.join(", ")
                ),
            );
            String::new()
        }
    };
    let args = raw.args.iter().map(|a| S::get_ref(a).clone()).collect();
    ok.then(|| {
        Arc::new(Interpreter {
            name: name.clone(),
            title,
            file: raw.file.get_ref().clone(),
            main,
            args,
            pass,
            mode,
        })
    })
}

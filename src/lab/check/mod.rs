//! The checks of a lab: one kind per file, each with its model type and how
//! its `[[check]]` table is read, and the table of kinds ([`KINDS`]) from
//! which the loader takes every kind's name, its fields and its builder.
//!
//! Adding a kind is: its fields in `raw::Check` (the `check_fields!` list),
//! its row in [`KINDS`] with its model type and builder in a file here, its
//! variant in [`CheckKind`], and its grading in `grade/kinds/` (the compiler
//! points there: `grade::kinds::rules` matches every variant). A language
//! lists the kinds its labs may use (`language::Spec::kinds`).

mod budget;
mod call;
mod module;
mod random;
mod run;
mod script;

pub use call::{CallCheck, Data, Expect, MemoryData};
pub use module::{ExportExpect, ModuleCheck};
pub use random::RandomCheck;
pub use run::{Compare, RunCheck, TextExpect};
pub use script::{Literal, ScriptCall, ScriptExpect, ScriptRandom, ScriptTest, float};

pub(crate) use run::{Compares, compares};

use super::Files;
use super::raw;
use super::reader::Reporter;
use crate::language::{Family, Language};
use crate::vocab::{FuncSig, Limits, Show};
use std::collections::BTreeMap;

/// One check of a lab.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    /// Line of the check's `name` in lab.toml, for messages to the author.
    pub line: u32,
    pub points: u32,
    /// Shown to the learner by name and pass/fail only.
    pub hidden: bool,
    /// Said to the learner when the check fails.
    pub feedback: Option<String>,
    pub limits: Limits,
    /// Pass only within this much fuel (a `budget` check).
    pub budget: Option<u64>,
    pub kind: CheckKind,
    /// The `kind` as written in lab.toml (`call`, `memory`, `budget`…).
    pub kind_name: &'static str,
}

impl Check {
    /// The `kind` as written in lab files.
    pub fn kind_name(&self) -> &'static str {
        self.kind_name
    }
}

/// What a check does, by kind (`memory` and `budget` checks are calls or
/// runs with more to check).
#[derive(Clone, Debug)]
pub enum CheckKind {
    /// Call an export (also `memory` and function `budget` checks).
    Call(CallCheck),
    /// Run a WASI command (also command `budget` checks).
    Run(RunCheck),
    /// Inspect the module without running it.
    Module(ModuleCheck),
    /// Call with seeded random inputs, expecting what the solution returns.
    Random(RandomCheck),
    /// Call a function of a script (also function `budget` checks).
    ScriptCall(ScriptCall),
    /// Call a script's function with seeded random inputs.
    ScriptRandom(ScriptRandom),
    /// Run one test function of the instructor's tests.
    ScriptTest(ScriptTest),
}

/// A kind of check as authors write it.
pub(crate) struct Kind {
    /// `kind = "…"` in lab.toml.
    pub name: &'static str,
    /// The languages it is for (`None`: all): a `call` of a module and a
    /// `call` of a script are different kinds of the same name.
    pub family: Option<Family>,
    /// The fields it takes besides those every check takes (name, kind,
    /// points, hidden, feedback, limits).
    pub fields: fn(&raw::Check) -> Vec<&'static str>,
    /// Reads the check; `None` once a problem is reported.
    pub build: fn(&mut Build<'_, '_>, &raw::Check) -> Option<CheckKind>,
}

/// Every kind, in the order messages list them.
pub(crate) const KINDS: &[Kind] = &[
    call::CALL,
    call::MEMORY,
    run::RUN,
    module::MODULE,
    random::RANDOM,
    budget::BUDGET,
    script::CALL,
    script::RANDOM,
    script::TEST,
    budget::SCRIPT_BUDGET,
];

/// What every check of a lab takes unless it says otherwise: the lab's
/// `[defaults]`, and how each export's integers are shown (`[show]`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Defaults {
    pub compare: Option<Compares>,
    pub tolerance: Option<f64>,
    pub points: Option<u32>,
    pub show: Option<Show>,
    pub show_by_export: BTreeMap<String, Show>,
}

/// What every check of a lab is read against.
pub(crate) struct LabScope<'a> {
    pub files: &'a Files,
    /// The lab folder.
    pub dir: &'a str,
    /// The signatures under `[exports]`.
    pub exports: &'a BTreeMap<String, FuncSig>,
    /// The lab's limits.
    pub limits: Limits,
    pub language: Language,
    pub defaults: &'a Defaults,
}

/// What a kind's builder reads with.
pub(crate) struct Build<'a, 'r> {
    pub files: &'a Files,
    /// The lab folder.
    pub dir: &'a str,
    /// The signatures under `[exports]`.
    pub exports: &'a BTreeMap<String, FuncSig>,
    /// The check's limits (the lab's, with the check's own on top).
    pub limits: Limits,
    /// `tolerance`, or the default for floats.
    pub tolerance: f64,
    /// Set by a `budget` check's builder.
    pub budget: Option<u64>,
    pub language: Language,
    pub defaults: &'a Defaults,
    pub r: &'a mut Reporter<'r>,
}

/// How a check of `function` shows integers: as it says (`show`), as the
/// lab says for the export or for every check, unsigned when the author
/// wrote a value only an unsigned number can be, or both ways.
fn show_for(b: &mut Build<'_, '_>, c: &raw::Check, function: &str, unsigned_written: bool) -> Show {
    if let Some(name) = &c.show {
        return match Show::parse(name.get_ref()) {
            Some(show) => show,
            None => {
                b.r.at(name.span().start, unknown_show(name.get_ref()));
                Show::Auto
            }
        };
    }
    b.defaults
        .show_by_export
        .get(function)
        .copied()
        .or(b.defaults.show)
        .unwrap_or(if unsigned_written {
            Show::Unsigned
        } else {
            Show::Auto
        })
}

/// The message for a `show` that is not one of the ways.
pub(crate) fn unknown_show(name: &str) -> String {
    let names: Vec<&str> = Show::ALL.iter().map(|(n, _)| *n).collect();
    format!(
        "`show = \"{name}\"` is not known: use \"{}\"",
        names.join("\", \"")
    )
}

/// `call, memory, … or budget`.
fn kind_list(kinds: &[&str]) -> String {
    match kinds {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Reads one `[[check]]` of a lab.
pub(crate) fn build_check(
    scope: &LabScope<'_>,
    c: &raw::Check,
    r: &mut Reporter<'_>,
) -> Option<Check> {
    let LabScope {
        files,
        dir,
        exports,
        limits: lab_limits,
        language,
        defaults,
    } = *scope;
    let before = r.count();
    let name = c.kind.get_ref().as_str();
    r.non_empty(&c.name, "the check name");
    let offered = language.spec().kinds;
    let family = language.spec().family;
    let Some(kind) = KINDS
        .iter()
        .find(|k| k.name == name && k.family.is_none_or(|f| f == family))
    else {
        r.at(
            c.kind.span().start,
            format!(
                "check kind `{name}` is not known: use {}",
                kind_list(offered)
            ),
        );
        return None;
    };
    if !offered.contains(&kind.name) {
        r.at(
            c.kind.span().start,
            format!(
                "{} has no `{name}` checks: use {}",
                match language {
                    Language::Custom => "a lab in the language its course brings (sandlab grades what its programs do)".to_string(),
                    other => format!("a {} lab", other.name()),
                },
                kind_list(offered)
            ),
        );
        return None;
    }
    let fields = (kind.fields)(c);
    for (field, at) in c.present() {
        if !fields.contains(&field) {
            r.at(
                at,
                format!(
                    "`{field}` does not apply to a `{name}` check (it takes: {})",
                    fields.join(", ")
                ),
            );
        }
    }
    let points = match &c.points {
        Some(p) => r.int_in(p, 0, 1000, "points").unwrap_or(0) as u32,
        None => defaults.points.unwrap_or(1),
    };
    let limits = match &c.limits {
        Some(l) => r.limits(Some(l.get_ref()), lab_limits),
        None => lab_limits,
    };
    let tolerance = match &c.tolerance {
        Some(t) if *t.get_ref() >= 0.0 && t.get_ref().is_finite() => *t.get_ref(),
        Some(t) => {
            r.at(t.span().start, "`tolerance` must be a finite number ≥ 0");
            0.0
        }
        None => defaults.tolerance.unwrap_or(1e-9),
    };
    let mut build = Build {
        files,
        dir,
        exports,
        limits,
        tolerance,
        budget: None,
        language,
        defaults,
        r: &mut *r,
    };
    let built = (kind.build)(&mut build, c);
    let budget = build.budget;
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
        kind: built?,
        kind_name: kind.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_per_family_and_every_language_offers_known_ones() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                let overlap = a.family.is_none() || b.family.is_none() || a.family == b.family;
                assert!(!(a.name == b.name && overlap), "{} twice", a.name);
            }
        }
        for language in Language::ALL {
            let family = language.spec().family;
            for kind in language.spec().kinds {
                assert!(
                    KINDS
                        .iter()
                        .any(|k| k.name == *kind && k.family.is_none_or(|f| f == family)),
                    "{language} offers unknown kind {kind}"
                );
            }
        }
    }

    #[test]
    fn kind_lists_read_as_prose() {
        assert_eq!(kind_list(&["call"]), "call");
        assert_eq!(kind_list(&["call", "run", "module"]), "call, run or module");
    }
}

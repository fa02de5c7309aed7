//! `budget` checks: a call or a command (a `function` makes it a call) that
//! must also finish within `budget` fuel, so efficiency is graded by
//! instruction count, the same on every machine.

use super::{Build, CheckKind, Kind, call, run, script};
use crate::lab::raw;
use crate::language::Family;

pub(super) const BUDGET: Kind = Kind {
    name: "budget",
    family: Some(Family::Module),
    fields: |c| {
        let like = if c.function.is_some() {
            call::FIELDS
        } else {
            run::FIELDS
        };
        [like, &["budget"]].concat()
    },
    build,
};

/// A script's budget check: a call of a function, or a run of the script.
pub(super) const SCRIPT_BUDGET: Kind = Kind {
    name: "budget",
    family: Some(Family::Script),
    fields: |c| {
        let like = if c.function.is_some() {
            script::CALL_FIELDS
        } else {
            run::FIELDS
        };
        [like, &["budget"]].concat()
    },
    build: |b, c| {
        budget(b, c);
        if let (Some(f), crate::language::Language::Custom) = (&c.function, b.language) {
            b.r.at(
                f.span().start,
                "a budget check in the language its course brings runs the program: \
                 give its stdin or args, not a `function`",
            );
            return None;
        }
        if c.function.is_some() {
            script::build_call(b, c, "budget").map(CheckKind::ScriptCall)
        } else {
            run::build(b, c).map(CheckKind::Run)
        }
    },
};

fn build(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<CheckKind> {
    budget(b, c);
    if c.function.is_some() {
        call::build(b, c, "budget").map(CheckKind::Call)
    } else {
        run::build(b, c).map(CheckKind::Run)
    }
}

/// Reads `budget`, at most the check's fuel limit.
fn budget(b: &mut Build<'_, '_>, c: &raw::Check) {
    match &c.budget {
        Some(budget) => {
            let fuel = b.r.int_in(budget, 1, i64::MAX, "budget").unwrap_or(1) as u64;
            if fuel > b.limits.fuel {
                b.r.at(
                    budget.span().start,
                    format!("the budget ({fuel}) is above the fuel limit ({}): raise `limits.fuel` or lower the budget", b.limits.fuel),
                );
            }
            b.budget = Some(fuel);
        }
        None => b.r.at(
            c.kind.span().start,
            "a `budget` check needs `budget = FUEL`",
        ),
    }
}

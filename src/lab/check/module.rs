//! `module` checks: look at the module without running it (its exports,
//! imports, size and number of functions).

use super::{Build, CheckKind, Kind};
use crate::lab::raw;
use crate::language::Family;
use crate::vocab::FuncSig;

pub(super) const MODULE: Kind = Kind {
    name: "module",
    family: Some(Family::Module),
    fields: |_| vec!["exports", "forbid-imports", "max-bytes", "max-functions"],
    build: |b, c| build(b, c).map(CheckKind::Module),
};

#[derive(Clone, Debug)]
pub struct ModuleCheck {
    pub exports: Vec<(String, ExportExpect)>,
    /// `module.name` patterns; `*` as the name matches any.
    pub forbid_imports: Vec<String>,
    pub max_bytes: Option<u64>,
    pub max_functions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExportExpect {
    Func(FuncSig),
    Memory,
    Table,
    Global,
}

fn build(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<ModuleCheck> {
    let r = &mut *b.r;
    let mut exports = Vec::new();
    if let Some(map) = &c.exports {
        for (name, ty) in map.get_ref() {
            let other = match ty.get_ref().as_str() {
                "memory" => Some(ExportExpect::Memory),
                "table" => Some(ExportExpect::Table),
                "global" => Some(ExportExpect::Global),
                _ => None,
            };
            if let Some(other) = other {
                exports.push((name.clone(), other));
            } else {
                match FuncSig::parse(ty.get_ref()) {
                    Ok(sig) => exports.push((name.clone(), ExportExpect::Func(sig))),
                    Err(e) => r.at(
                        ty.span().start,
                        format!("{e}, or \"memory\", \"table\" or \"global\""),
                    ),
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

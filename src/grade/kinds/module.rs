//! `module` checks: decided from the module alone, without running it.

use super::{Described, Module, Rules, signature_verdict};
use crate::compile;
use crate::grade::{Mismatch, Verdict};
use crate::lab::{ExportExpect, ModuleCheck};
use crate::sandbox::{End, Outcome, Program, Request, Wanted};

impl Rules for ModuleCheck {
    fn before_running(&self, module: &Module<'_>) -> Option<Verdict> {
        Some(module_verdict(self, module.program, &module.binary.bytes))
    }

    fn runs_code(&self) -> bool {
        false
    }

    fn runs(&self) -> Vec<Request> {
        Vec::new()
    }

    fn verdict(&self, _case: usize, _request: &Request, _outcome: &Outcome) -> Verdict {
        Verdict::Passed
    }

    fn describe(&self, _case: usize, _request: &Request) -> Described {
        Described::default()
    }
}

fn module_verdict(m: &ModuleCheck, program: &Program, bytes: &[u8]) -> Verdict {
    for (name, want) in &m.exports {
        match want {
            ExportExpect::Func(sig) => {
                if let Some(v) = signature_verdict(program, name, Some(sig)) {
                    return v;
                }
            }
            other => {
                let (kind, wanted) = match other {
                    ExportExpect::Memory => ("memory", Wanted::Memory),
                    ExportExpect::Table => ("table", Wanted::Table),
                    _ => ("global", Wanted::Global),
                };
                if program.export_kind(name) != Some(kind) {
                    return Verdict::Ended(End::MissingExport {
                        name: name.clone(),
                        wanted,
                    });
                }
            }
        }
    }
    let info = compile::inspect(bytes);
    for (module, name) in &info.imports {
        for pattern in &m.forbid_imports {
            let (pm, pn) = pattern.split_once('.').unwrap_or((pattern, "*"));
            if pm == module && (pn == "*" || pn == name) {
                return Verdict::WrongAnswer(Mismatch {
                    what: "imports".into(),
                    expected: format!("no import matching {pattern}"),
                    actual: format!("imports {module}.{name}"),
                    diff: None,
                });
            }
        }
    }
    if let Some(max) = m.max_bytes
        && bytes.len() as u64 > max
    {
        return Verdict::WrongAnswer(Mismatch {
            what: "module size".into(),
            expected: format!("at most {max} bytes"),
            actual: format!("{} bytes", bytes.len()),
            diff: None,
        });
    }
    if let Some(max) = m.max_functions
        && info.functions > max
    {
        return Verdict::WrongAnswer(Mismatch {
            what: "number of functions".into(),
            expected: format!("at most {max}"),
            actual: info.functions.to_string(),
            diff: None,
        });
    }
    Verdict::Passed
}

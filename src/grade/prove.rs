//! Proving a lab before learners see it: its reference solution passes
//! every check, and its starter compiles, exports what the lab declares with
//! the declared types, and fails at least one check (otherwise learners
//! would have nothing to do, or would start from an error). `sandlab check`
//! reports these; `sandlab serve` shows them in the page.

use super::{Verdict, compute_expected, grade};
use crate::compile;
use crate::lab::Lab;
use crate::language;
use std::fmt;

/// Something wrong with a lab that only running it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line in lab.toml it concerns, when there is one.
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn problem(line: Option<u32>, message: impl Into<String>) -> Problem {
    Problem {
        line,
        message: message.into(),
    }
}

/// Every problem with `lab`'s solution and starter (none: the lab is sound).
pub fn prove(lab: &Lab) -> Vec<Problem> {
    let mut lab = lab.clone();
    if let Err(e) = compute_expected(&mut lab) {
        return vec![problem(None, e.to_string())];
    }
    let mut problems = solution_problems(&lab);
    problems.extend(starter_problems(&lab));
    problems
}

fn solution_problems(lab: &Lab) -> Vec<Problem> {
    let mut problems = Vec::new();
    match &lab.solution {
        // A lab of questions alone: the loader already checked that each
        // question can be answered.
        _ if !lab.has_code() => {}
        Some(solution) => {
            let report = grade(lab, solution);
            if let Some(e) = &report.compile_error {
                problems.push(problem(
                    None,
                    format!("the reference solution does not compile: {e}"),
                ));
            } else {
                for (c, check) in report.checks.iter().zip(&lab.checks) {
                    if !c.verdict.is_pass() {
                        problems.push(problem(
                            Some(check.line),
                            format!(
                                "check `{}`: the reference solution fails: {}",
                                c.name, c.verdict
                            ),
                        ));
                    }
                }
            }
        }
        None => problems.push(problem(None, "the lab has no reference solution")),
    }
    problems
}

fn starter_problems(lab: &Lab) -> Vec<Problem> {
    let Some(starter) = &lab.starter else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    // The code must compile and offer what the lab declares: a learner who
    // opens the lab sees their own mistakes, never the author's.
    let program = language::build(lab.language, starter, lab.runtime.as_deref())
        .and_then(|runnable| compile::load(&runnable.binary, lab.limits.stack_depth));
    match program {
        Err(e) => problems.push(problem(
            None,
            format!("the starter does not compile: {e} (learners would start from an error)"),
        )),
        Ok(program) => {
            for (name, declared) in &lab.exports {
                match program.export_sig(name) {
                    None => problems.push(problem(
                        None,
                        format!(
                            "the starter does not export `{name}`, which [exports] declares as {declared}: give learners the function to fill in"
                        ),
                    )),
                    Some(Ok(actual)) if actual == *declared => {}
                    Some(Ok(actual)) => problems.push(problem(
                        None,
                        format!(
                            "the starter's `{name}` is {actual}, but [exports] declares {declared}"
                        ),
                    )),
                    Some(Err(e)) => problems.push(problem(None, format!("the starter: {e}"))),
                }
            }
        }
    }
    let report = grade(lab, starter);
    // The code alone: the starter cannot have answered the questions.
    if report.checks.iter().all(|c| c.verdict.is_pass()) {
        problems.push(problem(
            None,
            "the starter already passes every check: learners would have nothing to do",
        ));
    }
    if let Some(check) = report
        .checks
        .iter()
        .find(|c| matches!(c.verdict, Verdict::LabError { .. }))
    {
        problems.push(problem(
            None,
            format!("check `{}`: {}", check.name, check.verdict),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{Files, load_lab};

    fn lab(starter: &str) -> Lab {
        let mut files = Files::default();
        files.insert(
            "lab.toml",
            "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n[exports]\nadd = \"(i32, i32) -> i32\"\n[[check]]\nname = \"adds\"\nkind = \"call\"\nfunction = \"add\"\nargs = [2, 3]\nexpect = 5\n",
        );
        files.insert("README.md", "# T");
        files.insert("starter.wat", starter);
        files.insert(
            "solution.wat",
            r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#,
        );
        load_lab(&files, "").expect("loads")
    }

    #[test]
    fn a_sound_lab_has_no_problems() {
        let sound =
            lab(r#"(module (func (export "add") (param i32 i32) (result i32) i32.const 0))"#);
        assert_eq!(prove(&sound), Vec::new());
    }

    #[test]
    fn a_starter_that_does_not_compile_lacks_an_export_or_mistypes_it_is_named() {
        let broken = prove(&lab("(module (func"));
        assert!(
            broken[0].message.contains("the starter does not compile"),
            "{broken:?}"
        );
        let missing = prove(&lab("(module)"));
        assert!(
            missing[0].message.contains("does not export `add`"),
            "{missing:?}"
        );
        let mistyped = prove(&lab(
            r#"(module (func (export "add") (param i64 i64) (result i64) i64.const 0))"#,
        ));
        assert!(
            mistyped[0]
                .message
                .contains("is (i64, i64) -> i64, but [exports] declares (i32, i32) -> i32"),
            "{mistyped:?}"
        );
    }

    #[test]
    fn a_starter_that_passes_is_named() {
        let passing = prove(&lab(
            r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#,
        ));
        assert!(
            passing[0].message.contains("already passes every check"),
            "{passing:?}"
        );
    }
}

//! The checks of script languages (Python): their values are the lab
//! file's own (TOML's, held as JSON), which the language's harness turns
//! into its own and compares there, as a programmer of that language
//! expects (`==`, floats within a tolerance).
//!
//! - `call`: call a function of the learner's module with arguments, expect
//!   a value or an exception (`raises`);
//! - `random`: call it on seeded random numbers, expecting what the
//!   reference solution returns;
//! - `test`: run one test function of a test file in the lab folder (plain
//!   `assert`s); the failing assertion is shown with its values.
//!
//! A `run` check is the same for every language (`run.rs`).

use super::{Build, CheckKind, Kind};
use crate::lab::raw::{self, S};
use crate::lab::reader::{Reporter, describe};
use crate::language::Family;
use crate::vocab::Value;
use serde_json::Value as Json;

/// A value a check passes to or expects from a script, as JSON: NaN and the
/// infinities, which JSON lacks, as `{"$float": "nan"}`.
pub type Literal = Json;

/// Call a function of the learner's module.
#[derive(Clone, Debug)]
pub struct ScriptCall {
    /// The learner's file (the language's `main`), which defines it.
    pub module: &'static str,
    pub function: String,
    pub args: Vec<Literal>,
    pub expect: ScriptExpect,
    pub tolerance: f64,
}

/// What a script's call must do.
#[derive(Clone, Debug, PartialEq)]
pub enum ScriptExpect {
    /// Return this value.
    Value(Literal),
    /// Raise an exception of this type (its name, as `ValueError`).
    Raises(String),
}

/// Call a function on seeded random numbers, expecting the solution's results.
#[derive(Clone, Debug)]
pub struct ScriptRandom {
    /// The learner's file (the language's `main`), which defines it.
    pub module: &'static str,
    pub function: String,
    pub count: u32,
    pub seed: u64,
    /// Inclusive range per argument: integers (`I64`) or floats (`F64`).
    pub ranges: Vec<(Value, Value)>,
    pub tolerance: f64,
    /// What the reference solution returned for each input, as the
    /// language writes the value (Python's `repr`); filled in by
    /// [`crate::grade::compute_expected`].
    pub expected: Option<Vec<String>>,
}

impl ScriptRandom {
    /// The inputs, generated from the seed: the same on every machine.
    pub fn inputs(&self) -> Vec<Vec<Literal>> {
        let numeric = super::RandomCheck {
            function: self.function.clone(),
            show: crate::vocab::Show::Auto,
            count: self.count,
            seed: self.seed,
            ranges: self.ranges.clone(),
            tolerance: self.tolerance,
            expected: None,
        };
        numeric
            .inputs()
            .into_iter()
            .map(|input| input.into_iter().map(number).collect())
            .collect()
    }
}

fn number(v: Value) -> Literal {
    match v {
        Value::I32(x) => Json::from(x),
        Value::I64(x) => Json::from(x),
        Value::F32(x) => float(f64::from(x)),
        Value::F64(x) => float(x),
    }
}

/// A float as a literal: a JSON number, or NaN and the infinities spelled out.
pub fn float(x: f64) -> Literal {
    match serde_json::Number::from_f64(x) {
        Some(n) => Json::Number(n),
        None if x.is_nan() => serde_json::json!({ "$float": "nan" }),
        None if x > 0.0 => serde_json::json!({ "$float": "inf" }),
        None => serde_json::json!({ "$float": "-inf" }),
    }
}

/// Run one test function of a test file.
#[derive(Clone, Debug)]
pub struct ScriptTest {
    /// The test file, by its name in the run's folder (and the lab folder).
    pub file: String,
    pub source: Vec<u8>,
    /// The test function.
    pub test: String,
}

pub(super) const CALL_FIELDS: &[&str] = &["function", "args", "expect", "raises", "tolerance"];

pub(super) const CALL: Kind = Kind {
    name: "call",
    family: Some(Family::Script),
    fields: |_| CALL_FIELDS.to_vec(),
    build: |b, c| build_call(b, c, "call").map(CheckKind::ScriptCall),
};

pub(super) const RANDOM: Kind = Kind {
    name: "random",
    family: Some(Family::Script),
    fields: |_| vec!["function", "count", "seed", "ranges", "tolerance"],
    build: |b, c| build_random(b, c).map(CheckKind::ScriptRandom),
};

pub(super) const TEST: Kind = Kind {
    name: "test",
    family: Some(Family::Script),
    fields: |_| vec!["file", "test"],
    build: |b, c| build_test(b, c).map(CheckKind::ScriptTest),
};

/// Reads a TOML value as a literal.
fn literal(v: &toml::Value) -> Result<Literal, String> {
    Ok(match v {
        toml::Value::String(s) => Json::String(s.clone()),
        toml::Value::Integer(i) => Json::from(*i),
        toml::Value::Float(f) => float(*f),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Array(items) => {
            Json::Array(items.iter().map(literal).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), literal(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        toml::Value::Datetime(d) => {
            return Err(format!(
                "the date {d} is not a value a check can pass: write it as a string"
            ));
        }
    })
}

fn function_name(c: &raw::Check, r: &mut Reporter<'_>) -> Option<String> {
    let Some(function) = &c.function else {
        r.at(
            c.kind.span().start,
            format!("a `{}` check needs `function = \"NAME\"`", c.kind.get_ref()),
        );
        return None;
    };
    let name = function.get_ref();
    let ok = name
        .chars()
        .next()
        .is_some_and(|ch| ch.is_alphabetic() || ch == '_')
        && name.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
    if !ok {
        r.at(
            function.span().start,
            format!("`{name}` is not a function name"),
        );
        return None;
    }
    Some(name.clone())
}

pub(super) fn build_call(b: &mut Build<'_, '_>, c: &raw::Check, kind: &str) -> Option<ScriptCall> {
    let (tolerance, r) = (b.tolerance, &mut *b.r);
    let function = function_name(c, r)?;
    let mut args = Vec::new();
    for a in c.args.iter().flat_map(|a| a.get_ref()) {
        match literal(a.get_ref()) {
            Ok(v) => args.push(v),
            Err(e) => r.at(a.span().start, e),
        }
    }
    let expect = match (&c.expect, &c.raises) {
        (Some(_), Some(raises)) => {
            r.at(
                raises.span().start,
                "a check expects either a value (`expect`) or an exception (`raises`), not both",
            );
            return None;
        }
        (Some(e), None) => match literal(e.get_ref()) {
            Ok(v) => ScriptExpect::Value(v),
            Err(msg) => {
                r.at(e.span().start, msg);
                return None;
            }
        },
        (None, Some(raises)) => {
            let name = raises.get_ref();
            if name.is_empty() || !name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
                r.at(
                    raises.span().start,
                    format!("`{name}` is not an exception's name (like \"ValueError\")"),
                );
                return None;
            }
            ScriptExpect::Raises(name.clone())
        }
        // A budget check may check only its budget.
        (None, None) if kind == "budget" => ScriptExpect::Value(Json::Null),
        (None, None) => {
            r.at(
                c.kind.span().start,
                "this check checks nothing: give `expect` or `raises`",
            );
            return None;
        }
    };
    Some(ScriptCall {
        module: main(b.language),
        function,
        args,
        expect,
        tolerance,
    })
}

fn build_random(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<ScriptRandom> {
    let (tolerance, r) = (b.tolerance, &mut *b.r);
    let function = function_name(c, r)?;
    let count = match &c.count {
        Some(n) => r.int_in(n, 1, 10_000, "count")? as u32,
        None => 20,
    };
    let seed = c.seed.as_ref().map_or(1, |s| *s.get_ref() as u64);
    let Some(list) = &c.ranges else {
        r.at(
            c.kind.span().start,
            "a random check of a script needs `ranges`: one [low, high] per argument, integers or floats",
        );
        return None;
    };
    let mut ranges = Vec::new();
    for range in list.get_ref() {
        let pair = range.get_ref();
        let bounds = match (pair.first().map(S::get_ref), pair.get(1).map(S::get_ref)) {
            (Some(toml::Value::Integer(lo)), Some(toml::Value::Integer(hi)))
                if pair.len() == 2 && lo <= hi =>
            {
                Some((Value::I64(*lo), Value::I64(*hi)))
            }
            (Some(lo), Some(hi)) if pair.len() == 2 => match (as_f64(lo), as_f64(hi)) {
                (Some(lo), Some(hi)) if lo <= hi && lo.is_finite() && hi.is_finite() => {
                    Some((Value::F64(lo), Value::F64(hi)))
                }
                _ => None,
            },
            _ => None,
        };
        match bounds {
            Some(b) => ranges.push(b),
            None => r.at(
                range.span().start,
                format!(
                    "a range is [low, high] with low ≤ high, both integers or both numbers; found {}",
                    pair.iter()
                        .map(|v| describe(v.get_ref()))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            ),
        }
    }
    (ranges.len() == list.get_ref().len()).then_some(ScriptRandom {
        module: main(b.language),
        function,
        count,
        seed,
        ranges,
        tolerance,
        expected: None,
    })
}

/// The learner's file in a lab of `language`.
fn main(language: crate::language::Language) -> &'static str {
    language.spec().main.unwrap_or("main")
}

fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn build_test(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<ScriptTest> {
    let (files, dir, r) = (b.files, b.dir, &mut *b.r);
    let Some(file) = &c.file else {
        let extension = main(b.language).rsplit('.').next().unwrap_or("py");
        r.at(
            c.kind.span().start,
            format!(
                "a `test` check needs `file = \"tests.{extension}\"`: the test file in the lab folder"
            ),
        );
        return None;
    };
    let Some(test) = &c.test else {
        r.at(
            c.kind.span().start,
            "a `test` check needs `test = \"test_NAME\"`: the test function it runs",
        );
        return None;
    };
    let source = r.lab_file(files, dir, Some(file), "", "test file", true)?;
    let name = test.get_ref();
    let definitions = b.language.spec().definitions;
    let defined = String::from_utf8_lossy(&source).lines().any(|line| {
        definitions.iter().any(|keyword| {
            line.strip_prefix(keyword)
                .is_some_and(|rest| rest.starts_with(&format!("{name}(")))
        })
    });
    if !defined {
        r.at(
            test.span().start,
            format!(
                "{} defines no function `{name}` (at the start of a line)",
                file.get_ref()
            ),
        );
        return None;
    }
    let run_name = file
        .get_ref()
        .rsplit('/')
        .next()
        .unwrap_or(file.get_ref())
        .to_string();
    Some(ScriptTest {
        file: run_name,
        source,
        test: name.clone(),
    })
}

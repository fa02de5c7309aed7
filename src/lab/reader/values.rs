//! TOML values read as WebAssembly values of the types a signature gives,
//! and memory regions, with a message for each that does not fit.

use super::Reporter;
use crate::lab::raw::{self, S};
use crate::vocab::{FuncSig, TrapKind, ValType, Value};
use std::collections::BTreeMap;

/// The declared signature of the function a check calls.
pub(crate) fn signature<'e>(
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

pub(crate) fn trap_kind(t: &S<String>, r: &mut Reporter<'_>) -> Option<Option<TrapKind>> {
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

pub(crate) fn typed_args(
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

pub(crate) fn typed_results(
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

/// Whether the author wrote `v` as only an unsigned number can be (above
/// the signed range of `ty`): then its check shows values unsigned.
pub(crate) fn written_unsigned(v: &toml::Value, ty: ValType) -> bool {
    match (ty, v) {
        (ValType::I32, toml::Value::Integer(i)) => *i > i64::from(i32::MAX),
        (ValType::I64, toml::Value::String(s)) => s.trim().replace('_', "").parse::<i64>().is_err(),
        _ => false,
    }
}

/// Reads a TOML value as a WebAssembly value of type `ty`.
pub(crate) fn value_of(v: &toml::Value, ty: ValType) -> Result<Value, String> {
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
        (ValType::I32, toml::Value::Boolean(b)) => Ok(Value::I32(i32::from(*b))),
        (ValType::I64, toml::Value::Integer(i)) => Ok(Value::I64(*i)),
        (ValType::I64, toml::Value::String(s)) => {
            let s = s.trim().replace('_', "");
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|u| u as i64))
                .map(Value::I64)
                .map_err(|_| {
                    format!("\"{s}\" is not an i64 (write a number, or a string for values above 2^63, like \"18446744073709551615\" or \"-1\")")
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

pub(crate) fn describe(v: &toml::Value) -> String {
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

//! `call` checks (and `memory` checks, calls that look at memory after):
//! call an export with arguments, expect values, a trap, or bytes in memory.

use super::{Build, CheckKind, Kind};
use crate::lab::raw::{self, S};
use crate::lab::reader::written_unsigned;
use crate::lab::reader::{Reporter, signature, trap_kind, typed_args, typed_results};
use crate::language::Family;
use crate::vocab::{Show, TrapKind, Value};
use std::fmt;

/// The fields of a call, besides those every check takes.
pub(super) const FIELDS: &[&str] = &[
    "function",
    "args",
    "expect",
    "trap",
    "tolerance",
    "memory-before",
    "memory-after",
    "show",
];

pub(super) const CALL: Kind = Kind {
    name: "call",
    family: Some(Family::Module),
    fields: |_| FIELDS.to_vec(),
    build: |b, c| build(b, c, "call").map(CheckKind::Call),
};

pub(super) const MEMORY: Kind = Kind {
    name: "memory",
    family: Some(Family::Module),
    fields: |_| FIELDS.to_vec(),
    build: |b, c| build(b, c, "memory").map(CheckKind::Call),
};

#[derive(Clone, Debug)]
pub struct CallCheck {
    pub function: String,
    pub args: Vec<Value>,
    /// How its integers are shown to the learner.
    pub show: Show,
    pub expect: Expect,
    pub tolerance: f64,
    pub memory_before: Vec<MemoryData>,
    pub memory_after: Vec<MemoryData>,
}

/// What a call must produce.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// Results are not checked (a memory check of a function that returns
    /// something incidental).
    Anything,
    Values(Vec<Value>),
    /// A trap, of this kind if given.
    Trap(Option<TrapKind>),
}

/// Data at an address in linear memory.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryData {
    pub at: u32,
    pub data: Data,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    String(String),
    Bytes(Vec<u8>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Data {
    /// The little-endian bytes, as they sit in memory.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Data::String(s) => s.as_bytes().to_vec(),
            Data::Bytes(b) => b.clone(),
            Data::I32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Data::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        }
    }

    /// Size of one element in bytes.
    pub fn unit(&self) -> usize {
        match self {
            Data::String(_) | Data::Bytes(_) => 1,
            Data::I32(_) | Data::F32(_) => 4,
            Data::I64(_) | Data::F64(_) => 8,
        }
    }

    /// Reads bytes back in this data's own shape, for showing a learner.
    pub fn describe_bytes(&self, bytes: &[u8]) -> String {
        fn list<T: fmt::Display, const N: usize>(bytes: &[u8], f: fn([u8; N]) -> T) -> String {
            let items: Vec<String> = bytes
                .chunks_exact(N)
                .map(|c| {
                    let mut a = [0u8; N];
                    a.copy_from_slice(c);
                    f(a).to_string()
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        match self {
            Data::String(_) => format!("{:?}", String::from_utf8_lossy(bytes)),
            Data::Bytes(_) => format!("{bytes:?}"),
            Data::I32(_) => list(bytes, i32::from_le_bytes),
            Data::I64(_) => list(bytes, i64::from_le_bytes),
            Data::F32(_) => list(bytes, f32::from_le_bytes),
            Data::F64(_) => list(bytes, f64::from_le_bytes),
        }
    }
}

/// Reads a call check; `kind` is how it was written (`call`, `memory` or
/// `budget`).
pub(super) fn build(b: &mut Build<'_, '_>, c: &raw::Check, kind: &str) -> Option<CallCheck> {
    let unsigned_written = written(c, b);
    let (tolerance, r) = (b.tolerance, &mut *b.r);
    let (function, sig) = signature(c, b.exports, r)?;
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
    let show = super::show_for(b, c, &function, unsigned_written);
    Some(CallCheck {
        show,
        function,
        args,
        expect,
        tolerance,
        memory_before,
        memory_after,
    })
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

/// Whether the author wrote an argument or expected value only an unsigned
/// number can be.
fn written(c: &raw::Check, b: &Build<'_, '_>) -> bool {
    let Some(sig) = c.function.as_ref().and_then(|f| b.exports.get(f.get_ref())) else {
        return false;
    };
    let args = c.args.iter().flat_map(|a| a.get_ref()).map(|v| v.get_ref());
    let expected: Vec<&toml::Value> = match c.expect.as_ref().map(|e| e.get_ref()) {
        Some(toml::Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    args.zip(&sig.params)
        .chain(expected.into_iter().zip(&sig.results))
        .any(|(v, ty)| written_unsigned(v, *ty))
}

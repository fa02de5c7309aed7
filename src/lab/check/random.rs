//! `random` checks: call a function on seeded random inputs and expect what
//! the reference solution returns for each (computed when the lab is built:
//! `grade::compute_expected`).

use super::{Build, CheckKind, Expect, Kind};
use crate::lab::raw;
use crate::lab::reader::{signature, value_of};
use crate::language::Family;
use crate::vocab::{Show, ValType, Value};

pub(super) const RANDOM: Kind = Kind {
    name: "random",
    family: Some(Family::Module),
    fields: |_| vec!["function", "count", "seed", "ranges", "tolerance", "show"],
    build: |b, c| build(b, c).map(CheckKind::Random),
};

#[derive(Clone, Debug)]
pub struct RandomCheck {
    pub function: String,
    /// How its integers are shown to the learner.
    pub show: Show,
    pub count: u32,
    pub seed: u64,
    /// Inclusive range per parameter.
    pub ranges: Vec<(Value, Value)>,
    pub tolerance: f64,
    /// What the reference solution produced for each input; filled in by
    /// [`crate::grade::compute_expected`] before grading.
    pub expected: Option<Vec<Expect>>,
}

impl RandomCheck {
    /// The inputs, generated from the seed: the same on every machine.
    pub fn inputs(&self) -> Vec<Vec<Value>> {
        let mut state = self.seed ^ 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            // xorshift64*: small and portable; quality is plenty for tests.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        (0..self.count)
            .map(|_| {
                self.ranges
                    .iter()
                    .map(|(lo, hi)| random_in(*lo, *hi, next()))
                    .collect()
            })
            .collect()
    }
}

fn random_in(lo: Value, hi: Value, r: u64) -> Value {
    match (lo, hi) {
        (Value::I32(a), Value::I32(b)) => {
            let span = (b as i64 - a as i64 + 1) as u64;
            Value::I32((a as i64 + (r % span) as i64) as i32)
        }
        (Value::I64(a), Value::I64(b)) => {
            let span = (b as i128 - a as i128 + 1) as u128;
            Value::I64((a as i128 + (r as u128 % span) as i128) as i64)
        }
        (Value::F32(a), Value::F32(b)) => {
            let t = (r >> 11) as f64 / (1u64 << 53) as f64;
            Value::F32((a as f64 + (b as f64 - a as f64) * t) as f32)
        }
        (Value::F64(a), Value::F64(b)) => {
            let t = (r >> 11) as f64 / (1u64 << 53) as f64;
            Value::F64(a + (b - a) * t)
        }
        _ => lo,
    }
}

/// The default inclusive range of random arguments of a type.
fn default_range(ty: ValType) -> (Value, Value) {
    match ty {
        ValType::I32 => (Value::I32(-1000), Value::I32(1000)),
        ValType::I64 => (Value::I64(-1000), Value::I64(1000)),
        ValType::F32 => (Value::F32(-1000.0), Value::F32(1000.0)),
        ValType::F64 => (Value::F64(-1000.0), Value::F64(1000.0)),
    }
}

fn build(b: &mut Build<'_, '_>, c: &raw::Check) -> Option<RandomCheck> {
    let (tolerance, r) = (b.tolerance, &mut *b.r);
    let (function, sig) = signature(c, b.exports, r)?;
    if sig.results.is_empty() {
        r.at(
            c.kind.span().start,
            format!("`{function}` returns nothing, so a random check has nothing to compare"),
        );
        return None;
    }
    let count = match &c.count {
        Some(n) => r.int_in(n, 1, 10_000, "count")? as u32,
        None => 20,
    };
    let seed = match &c.seed {
        Some(s) => *s.get_ref() as u64,
        None => 1,
    };
    let ranges = match &c.ranges {
        None => sig.params.iter().map(|t| default_range(*t)).collect(),
        Some(list) => {
            if list.get_ref().len() != sig.params.len() {
                r.at(
                    list.span().start,
                    format!(
                        "`{function}` takes {} argument(s); give one [low, high] range for each",
                        sig.params.len()
                    ),
                );
                return None;
            }
            let mut ranges = Vec::new();
            for (range, ty) in list.get_ref().iter().zip(&sig.params) {
                let pair = range.get_ref();
                if pair.len() != 2 {
                    r.at(range.span().start, "a range is [low, high]");
                    continue;
                }
                let unsigned_i32 = *ty == ValType::I32
                    && pair.iter().any(|v| {
                        v.get_ref()
                            .as_integer()
                            .is_some_and(|i| i > i32::MAX as i64)
                    });
                if unsigned_i32 {
                    r.at(
                        range.span().start,
                        "random i32 values are signed: give a range within -2147483648..2147483647",
                    );
                    continue;
                }
                match (
                    value_of(pair[0].get_ref(), *ty),
                    value_of(pair[1].get_ref(), *ty),
                ) {
                    (Ok(lo), Ok(hi)) => {
                        let ordered = match (lo, hi) {
                            (Value::I32(a), Value::I32(b)) => a <= b,
                            (Value::I64(a), Value::I64(b)) => a <= b,
                            (Value::F32(a), Value::F32(b)) => {
                                a <= b && a.is_finite() && b.is_finite()
                            }
                            (Value::F64(a), Value::F64(b)) => {
                                a <= b && a.is_finite() && b.is_finite()
                            }
                            _ => false,
                        };
                        if ordered {
                            ranges.push((lo, hi));
                        } else {
                            r.at(
                                range.span().start,
                                "a range is [low, high] with finite low ≤ high",
                            );
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => r.at(range.span().start, e),
                }
            }
            if ranges.len() != sig.params.len() {
                return None;
            }
            ranges
        }
    };
    let show = super::show_for(b, c, &function, false);
    Some(RandomCheck {
        show,
        function,
        count,
        seed,
        ranges,
        tolerance,
        expected: None,
    })
}

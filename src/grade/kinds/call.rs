//! `call` (and `memory`) checks: call the export, compare what it returned
//! (or how it trapped) and, for memory checks, the bytes it left.

use super::{
    Described, Module, Rules, call_text, describe_expect, expect_verdict, signature_verdict,
};
use crate::grade::{Mismatch, Verdict};
use crate::lab::{CallCheck, Data, Expect};
use crate::sandbox::{MemoryRead, MemoryWrite, Outcome, Request};
use crate::vocab::Value;

impl Rules for CallCheck {
    fn before_running(&self, module: &Module<'_>) -> Option<Verdict> {
        signature_verdict(
            module.program,
            &self.function,
            module.lab.exports.get(&self.function),
        )
    }

    fn runs(&self) -> Vec<Request> {
        vec![call_request(self)]
    }

    fn verdict(&self, _case: usize, _request: &Request, outcome: &Outcome) -> Verdict {
        call_verdict(self, outcome)
    }

    fn describe(&self, _case: usize, _request: &Request) -> Described {
        Described {
            called_in_mismatch: true,
            input: Some(call_text(&self.function, &self.args, self.show)),
            expected: Some(match (&self.expect, self.memory_after.is_empty()) {
                (Expect::Anything, false) => "memory to hold the values given".into(),
                (expect, _) => describe_expect(expect, self.show),
            }),
        }
    }
}

fn call_request(c: &CallCheck) -> Request {
    let mut request = Request::call(&c.function, c.args.clone());
    request.memory_writes = c
        .memory_before
        .iter()
        .map(|m| MemoryWrite {
            address: m.at,
            bytes: m.data.to_bytes(),
        })
        .collect();
    request.memory_reads = c
        .memory_after
        .iter()
        .map(|m| MemoryRead {
            address: m.at,
            len: m.data.to_bytes().len() as u32,
        })
        .collect();
    request
}

fn call_verdict(c: &CallCheck, outcome: &Outcome) -> Verdict {
    let verdict = expect_verdict(
        call_text(&c.function, &c.args, c.show),
        &c.expect,
        &outcome.end,
        c.tolerance,
        c.show,
    );
    if !verdict.is_pass() {
        return verdict;
    }
    for (want, got) in c.memory_after.iter().zip(&outcome.memory) {
        let expected_bytes = want.data.to_bytes();
        let what = format!(
            "memory at address {} after {}",
            want.at,
            call_text(&c.function, &c.args, c.show)
        );
        match got {
            Err(e) => {
                return Verdict::WrongAnswer(Mismatch {
                    what,
                    expected: want.data.describe_bytes(&expected_bytes),
                    actual: e.clone(),
                    diff: None,
                });
            }
            Ok(bytes) if !memory_matches(&want.data, bytes, c.tolerance) => {
                // Long regions: show a window around the first differing byte.
                let first = expected_bytes
                    .iter()
                    .zip(bytes)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let (what, range) = if expected_bytes.len() > WINDOW {
                    let unit = want.data.unit();
                    let start = (first.saturating_sub(WINDOW / 4) / unit) * unit;
                    let end = (start + WINDOW).min(expected_bytes.len());
                    (
                        format!(
                            "{what}, first difference at address {}, showing {}..{}",
                            want.at as usize + first,
                            want.at as usize + start,
                            want.at as usize + end
                        ),
                        start..end,
                    )
                } else {
                    (what, 0..expected_bytes.len())
                };
                return Verdict::WrongAnswer(Mismatch {
                    what,
                    expected: want.data.describe_bytes(&expected_bytes[range.clone()]),
                    actual: want.data.describe_bytes(&bytes[range]),
                    diff: None,
                });
            }
            Ok(_) => {}
        }
    }
    Verdict::Passed
}

/// Bytes of memory shown at most in a wrong answer.
const WINDOW: usize = 64;

fn memory_matches(want: &Data, got: &[u8], tolerance: f64) -> bool {
    match want {
        Data::F32(values) => values.iter().zip(got.chunks_exact(4)).all(|(w, g)| {
            Value::F32(*w).matches(
                Value::F32(f32::from_le_bytes([g[0], g[1], g[2], g[3]])),
                tolerance,
            )
        }),
        Data::F64(values) => values.iter().zip(got.chunks_exact(8)).all(|(w, g)| {
            let mut b = [0u8; 8];
            b.copy_from_slice(g);
            Value::F64(*w).matches(Value::F64(f64::from_le_bytes(b)), tolerance)
        }),
        other => other.to_bytes() == got,
    }
}

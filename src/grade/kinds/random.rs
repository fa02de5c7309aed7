//! `random` checks: one run per seeded input, each expecting what the
//! reference solution returned for it; the first that differs is the
//! verdict.

use super::{
    Described, Module, Rules, call_text, called, describe_expect, expect_verdict, signature_verdict,
};
use crate::grade::Verdict;
use crate::lab::RandomCheck;
use crate::sandbox::{Outcome, Request};

impl Rules for RandomCheck {
    fn before_running(&self, module: &Module<'_>) -> Option<Verdict> {
        if let Some(v) = signature_verdict(
            module.program,
            &self.function,
            module.lab.exports.get(&self.function),
        ) {
            return Some(v);
        }
        let lab_error = |message: &str| {
            Some(Verdict::LabError {
                message: message.into(),
            })
        };
        match &self.expected {
            None => lab_error(
                "the random check's expected values were not computed from the reference \
                 solution (run the lab through `sandlab check`)",
            ),
            Some(expected) if expected.len() != self.count as usize => {
                lab_error("the random check's expected values do not match its inputs")
            }
            Some(_) => None,
        }
    }

    fn runs(&self) -> Vec<Request> {
        self.inputs()
            .into_iter()
            .map(|input| Request::call(&self.function, input))
            .collect()
    }

    fn verdict(&self, case: usize, request: &Request, outcome: &Outcome) -> Verdict {
        let Some(expect) = self.expected.as_ref().and_then(|e| e.get(case)) else {
            return Verdict::LabError {
                message: "the random check's expected values do not match its inputs".into(),
            };
        };
        let (function, args) = called(request);
        let what = format!(
            "{} (random input {} of {})",
            call_text(function, args, self.show),
            case + 1,
            self.count
        );
        expect_verdict(what, expect, &outcome.end, self.tolerance, self.show)
    }

    fn describe(&self, case: usize, request: &Request) -> Described {
        let (function, args) = called(request);
        Described {
            called_in_mismatch: true,
            input: Some(call_text(function, args, self.show)),
            expected: self
                .expected
                .as_ref()
                .and_then(|e| e.get(case))
                .map(|e| describe_expect(e, self.show)),
        }
    }
}

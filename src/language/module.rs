//! WAT and uploaded modules: the learner's code is the module itself, and a
//! run's world is the check's alone.

use super::{Runnable, Runtime, Source, Submission};
use crate::compile::{self, CompileError};
use std::collections::BTreeMap;

pub(super) fn build(
    submission: &Submission,
    _runtime: Option<&Runtime>,
) -> Result<Runnable, CompileError> {
    let binary = match &submission.source {
        Source::Text(text) => compile::wat_binary(text)?,
        Source::Binary(bytes) => compile::module_binary(bytes)?,
    };
    Ok(Runnable {
        binary,
        files: BTreeMap::new(),
        args: Vec::new(),
        program_name: None,
        stdin: Vec::new(),
    })
}

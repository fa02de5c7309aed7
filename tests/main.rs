//! The integration tests: one binary, fixture folders under `tests/fixtures`.
//!
//! - `grading`: every check kind and every verdict, graded through the library
//!   against the fixture labs in `fixtures/labs/course`, with the submissions
//!   in `fixtures/labs/submissions`.
//! - `broken_labs`: each folder in `fixtures/broken` is a labs root with one
//!   mistake; `expect.txt` lists the diagnostics `sandlab check` must print.
//! - `cli`: the real `sandlab` binary, run as a user would.
//! - `docs`: the instructor's guide quotes real, checked lab files.
//! - `records`: completion records written, verified, tampered with.
//! - `hostile`: hostile submissions beyond the grading fixtures (see
//!   docs/reliability.md).
//! - `lrs`: xAPI statements posted to a real LRS (Ralph) on loopback.
//! - `interpreter`: interpreters a course brings (`[interpreter]`): the
//!   tour's Lua, each way of passing the code, modules refused.
//! - `javascript`: JavaScript labs graded in the real runtime (QuickJS-NG),
//!   as `python` does, against `fixtures/labs/javascript`.
//! - `python`: Python labs graded in the real runtime (every script check
//!   kind, what a failure shows, hostile programs), against
//!   `fixtures/labs/python`.
//! - `regression`: tests that each pin a bug that was found and fixed.
//! - `report`: `sandlab report` on a generated class.
//! - `verdicts`: what a failed check tells the learner, and the lab fields
//!   that say how (`show`, per-stream `compare`, `[defaults]`).
//! - `fuzz_corpus`: every input the fuzzers kept, replayed through the
//!   properties they check (`fuzz/props.rs`, shared with the fuzz targets).
//!
//! To add a grading case, put a submission in `fixtures/labs/submissions` and
//! a `case(...)` line in `grading.rs`; to add a broken-lab case, add a folder
//! with an `expect.txt`: the test picks it up by itself.

mod broken_labs;
mod cli;
mod docs;
mod fuzz_corpus;
mod grading;
mod hostile;
mod interpreter;
mod javascript;
mod lrs;
mod python;
mod records;
mod regression;
mod report;
mod support;
mod verdicts;

#[path = "../fuzz/props.rs"]
mod props;

//! sandlab: hands-on WebAssembly labs that run and grade in the browser.
//!
//! The core is pure: [`lab`] reads lab files from memory, [`compile`] turns a
//! submission into a program, [`sandbox`] runs it under deterministic limits
//! and [`grade`] decides a verdict per check. The `sandlab` CLI and the web
//! app are thin edges around it.
//!
//! ```
//! use sandlab::{grade, lab, language::Submission};
//!
//! let mut files = lab::Files::default();
//! files.insert("lab.toml", r#"
//!     format = 1
//!     id = "double"
//!     title = "Double it"
//!     language = "wat"
//!     [exports]
//!     double = "(i32) -> i32"
//!     [[check]]
//!     name = "doubles 21"
//!     kind = "call"
//!     function = "double"
//!     args = [21]
//!     expect = 42
//! "#);
//! files.insert("README.md", "# Double it");
//! files.insert("starter.wat", "(module)");
//! files.insert("solution.wat", r#"(module (func (export "double") (param i32) (result i32)
//!     local.get 0 i32.const 2 i32.mul))"#);
//!
//! let lab = lab::load_lab(&files, "").expect("a valid lab");
//! let report = grade::grade(&lab, lab.solution.as_ref().unwrap());
//! assert!(report.passed);
//!
//! let wrong = Submission::wat(r#"(module (func (export "double") (param i32) (result i32)
//!     local.get 0))"#);
//! let report = grade::grade(&lab, &wrong);
//! assert_eq!(report.checks[0].verdict.name(), "wrong answer");
//! ```

pub mod compile;
mod encode;
pub mod grade;
pub mod lab;
pub mod language;
pub mod lms;
pub mod meter;
pub mod record;
pub mod sandbox;
pub mod snapshot;
pub mod vocab;
#[cfg(any(target_arch = "wasm32", test))]
pub mod web;

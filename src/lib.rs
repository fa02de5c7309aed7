//! sandlab: hands-on WebAssembly labs that run and grade in the browser.

pub mod compile;
pub mod grade;
pub mod lab;
pub mod sandbox;

#![no_main]

#[allow(dead_code)] // each target uses one property
#[path = "../props.rs"]
mod props;
#[allow(dead_code)]
#[path = "../../tests/support.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| props::record(data));

//! Replays every input the fuzzers kept (`fuzz/corpus/<target>/`, grown by
//! `scripts/fuzz`) through the same properties they checked, so what a
//! fuzzing session found stays fixed on stable Rust, in every test run.

use crate::props;
use std::path::Path;

fn replay(target: &str, property: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    inputs.sort();
    // A corpus that went missing would make this test pass vacuously.
    assert!(
        inputs.len() >= 20,
        "{}: only {} inputs",
        dir.display(),
        inputs.len()
    );
    for input in inputs {
        let data = std::fs::read(&input).expect("readable");
        let name = input.display().to_string();
        if std::panic::catch_unwind(|| property(&data)).is_err() {
            panic!(
                "{name} fails its property (run `cargo +nightly fuzz run {target} {name}` from fuzz/ to see it)"
            );
        }
    }
}

#[test]
fn lab_file_corpus() {
    replay("lab_file", props::lab_file);
}

#[test]
fn wat_corpus() {
    replay("wat", props::wat);
}

#[test]
fn module_corpus() {
    replay("module", props::module);
}

#[test]
fn record_corpus() {
    replay("record", props::record);
}

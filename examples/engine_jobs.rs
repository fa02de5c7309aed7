//! Writes the runs that grading the `module` fuzz corpus makes, each with
//! wasmi's outcome, as JSON lines: `{"wasm": base64, "depth", "request",
//! "outcome"}`. The end-to-end test hands each to the browser's engine in
//! the grading worker and requires the same outcome (the differential of
//! the metered fast path). `cargo run --example engine_jobs -- OUT [MAX]`.

#[path = "../tests/support.rs"]
#[allow(dead_code)]
mod support;

#[path = "../fuzz/props.rs"]
#[allow(dead_code)]
mod props;

use base64::Engine as _;
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: engine_jobs OUT [MAX_MODULES]");
    let max: usize = args.next().map_or(400, |n| n.parse().expect("a number"));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/module");
    let mut inputs: Vec<_> = std::fs::read_dir(dir)
        .expect("the module corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    inputs.sort();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out).expect("OUT"));
    let (mut modules, mut jobs) = (0, 0);
    for input in inputs {
        if modules == max {
            break;
        }
        let data = std::fs::read(&input).expect("readable");
        let made = props::jobs(&data);
        if made.is_empty() {
            continue;
        }
        modules += 1;
        for (job, outcome) in made {
            let line = serde_json::json!({
                "module": &*job.module_id,
                "wasm": base64::engine::general_purpose::STANDARD.encode(&job.binary.bytes),
                "depth": job.stack_depth,
                "request": job.request,
                "outcome": outcome,
            });
            writeln!(file, "{line}").expect("written");
            jobs += 1;
        }
    }
    file.flush().expect("written");
    eprintln!("{jobs} runs of {modules} modules written to {out}");
}

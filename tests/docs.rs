//! The instructor's guide quotes real lab files: each `toml` block in
//! docs/authoring.md must appear, verbatim, in a file under labs/, which CI
//! checks with `sandlab check labs`. So the guide's examples cannot go stale.

use std::path::Path;

fn lab_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("labs/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            lab_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(std::fs::read_to_string(&path).expect("readable"));
        }
    }
}

#[test]
fn every_toml_example_in_the_guide_is_a_real_lab_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/authoring.md")).expect("docs/authoring.md");
    let mut files = Vec::new();
    lab_files(&root.join("labs"), &mut files);
    let mut blocks = 0;
    for (i, block) in guide.split("```toml\n").skip(1).enumerate() {
        let body = block.split("```").next().expect("closed block");
        assert!(
            files.iter().any(|f| f.contains(body)),
            "toml example #{} in docs/authoring.md is not in any lab file under labs/:\n{body}",
            i + 1
        );
        blocks += 1;
    }
    assert!(blocks >= 15, "the guide has {blocks} toml examples");
}

#[test]
fn the_guide_documents_every_check_kind_and_field() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/authoring.md")).expect("docs/authoring.md");
    for word in [
        "### call",
        "### memory",
        "### random",
        "### budget",
        "### module",
        "### run",
        "`points`",
        "`hidden`",
        "`feedback`",
        "`tolerance`",
        "`memory-before`",
        "`memory-after`",
        "`forbid-imports`",
        "`max-bytes`",
        "`max-functions`",
        "`files-after`",
        "`compare`",
        "`exit-code`",
        "`stack-depth`",
        "`output-bytes`",
        "`memory-pages`",
        "`fuel`",
        "## Questions",
        "`explanation`",
        "`choices`",
        "`match`",
        "`wrong`",
        "[help]",
        "[schedule]",
        "`requires`",
        "weekly-minutes",
    ] {
        assert!(
            guide.contains(word),
            "docs/authoring.md does not mention {word}"
        );
    }
}

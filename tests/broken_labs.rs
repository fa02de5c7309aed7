//! Each folder in `fixtures/broken` is a labs root with a mistake in it; its
//! `expect.txt` lists what `sandlab check` must say, one line per problem,
//! with file:line:column relative to that folder.

use crate::support::fixtures;
use std::process::Command;

#[test]
fn every_broken_lab_is_reported_with_its_position() {
    let root = fixtures().join("broken");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/broken")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "found {} cases", cases.len());
    for case in cases {
        let expect = std::fs::read_to_string(case.join("expect.txt")).expect("expect.txt");
        let out = Command::new(env!("CARGO_BIN_EXE_sandlab"))
            .arg("check")
            .arg(&case)
            .output()
            .expect("runs");
        let stdout =
            String::from_utf8_lossy(&out.stdout).replace(&format!("{}/", case.display()), "");
        assert_eq!(out.status.code(), Some(1), "{}:\n{stdout}", case.display());
        let wanted: Vec<&str> = expect.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &wanted {
            assert!(
                stdout.lines().any(|l| l.starts_with(line)),
                "{}: expected a line starting with\n  {line}\ngot:\n{stdout}",
                case.display()
            );
        }
        // Exactly these problems: no cascade of follow-on errors.
        let reported = stdout.lines().filter(|l| l.contains(".toml")).count();
        assert_eq!(reported, wanted.len(), "{}:\n{stdout}", case.display());
    }
}

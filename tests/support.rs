use sandlab::grade::{self, Report};
use sandlab::lab::{self, Files, Lab};
use sandlab::language::Submission;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a folder into a `Files` map, as the CLI does.
pub fn read_tree(root: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, files: &mut Files) {
        for entry in std::fs::read_dir(dir).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).expect("readable"));
            }
        }
    }
    let mut files = Files::default();
    walk(root, root, &mut files);
    files
}

/// A fixture lab from `fixtures/labs/course`, prepared for grading.
pub fn fixture_lab(name: &str) -> Lab {
    let files = read_tree(&fixtures().join("labs/course"));
    let mut lab = lab::load_lab(&files, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    grade::compute_expected(&mut lab).expect("prepares");
    lab
}

pub fn submission(file: &str) -> Submission {
    let path = fixtures().join("labs/submissions").join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Submission::from_file(file, bytes).expect("readable submission")
}

pub fn grade_fixture(lab: &str, file: &str) -> Report {
    grade::grade(&fixture_lab(lab), &submission(file))
}

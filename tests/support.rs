use sandlab::grade::{self, Report, Verdict};
use sandlab::lab::{self, Files, Lab};
use sandlab::language::{Language, Runtime, Submission};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// Where the CLI finds `language`'s installed runtime (`$SANDLAB_RUNTIMES`,
/// else `~/.cache/sandlab/runtimes`).
pub fn runtime_path(language: Language) -> PathBuf {
    std::env::var_os("SANDLAB_RUNTIMES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/sandlab/runtimes")
        })
        .join(format!("{}.wasm", language.name()))
}

/// `language`'s runtime where the CLI finds it, loaded once. Missing, the
/// test fails and says how to build it: a test that skipped itself would
/// hide a broken build.
pub fn runtime(language: Language) -> Arc<Runtime> {
    static LOADED: Mutex<BTreeMap<Language, Arc<Runtime>>> = Mutex::new(BTreeMap::new());
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    loaded
        .entry(language)
        .or_insert_with(|| {
            let path = runtime_path(language);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}: build the {} runtime with scripts/{}-runtime (scripts/test does)",
                    path.display(),
                    language.spec().title,
                    language.name()
                )
            });
            Runtime::load(language, bytes).unwrap_or_else(|why| panic!("{}: {why}", path.display()))
        })
        .clone()
}

/// The verdict of the check named `check`.
pub fn verdict<'r>(report: &'r Report, check: &str) -> &'r Verdict {
    &report
        .checks
        .iter()
        .find(|c| c.name == check)
        .unwrap_or_else(|| panic!("no check `{check}`"))
        .verdict
}

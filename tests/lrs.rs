//! xAPI statements posted by the real `sandlab` binary to a real Learning
//! Record Store (Ralph, on loopback, fresh data directory per test) and read
//! back. `scripts/install-lrs` installs Ralph; `scripts/lrs-serve` starts it.

use crate::support::{fixtures, read_tree};
use sandlab::record::{self, Attempts, Learner, Record, xapi};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const LABS: &str = "tests/fixtures/labs/course";
const USER: &str = "teacher";
const PASSWORD: &str = "correct horse battery staple";

/// A Ralph server, stopped when dropped.
struct Lrs {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Lrs {
    fn start(name: &str) -> Lrs {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(
            root.join("target/lrs/bin/uvicorn").exists(),
            "the Ralph LRS is not installed: run scripts/install-lrs (scripts/test does)"
        );
        let dir = std::env::temp_dir().join(format!("sandlab-lrs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        // A free port: bind, note it, release it for the server.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("bash")
            .arg(root.join("scripts/lrs-serve"))
            .args([
                dir.to_str().expect("utf8"),
                &port.to_string(),
                USER,
                PASSWORD,
            ])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log")).expect("log"))
            .spawn()
            .expect("lrs-serve starts");
        let lrs = Lrs { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while ureq::get(format!("http://127.0.0.1:{}/__heartbeat__", lrs.port))
            .call()
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "Ralph did not start: {}",
                std::fs::read_to_string(lrs.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        lrs
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/xAPI/", self.port)
    }

    /// Every statement the LRS holds.
    fn statements(&self) -> Vec<Value> {
        let mut response = ureq::get(format!("{}statements?limit=500", self.endpoint()))
            .header("X-Experience-API-Version", xapi::VERSION)
            .header("Authorization", xapi::basic_auth(USER, PASSWORD))
            .call()
            .expect("the LRS answers");
        let body: Value =
            serde_json::from_str(&response.body_mut().read_to_string().expect("body"))
                .expect("json");
        body["statements"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Lrs {
    fn drop(&mut self) {
        // lrs-serve execs uvicorn, so this is the server itself.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn sandlab(args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sandlab"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    match password {
        Some(p) => cmd.env("SANDLAB_LRS_PASSWORD", p),
        None => cmd.env_remove("SANDLAB_LRS_PASSWORD"),
    };
    cmd.output().expect("sandlab runs")
}

/// The right answers to the fixture quiz.
const QUIZ_ANSWERS: &str = r#"{"locals": {"choices": [1]}, "integer types": {"choices": [0, 1]},
    "bytes": {"text": "8"}, "pi": {"text": "3.14"}, "opcode": {"text": "i32.add"},
    "magic": {"text": "0061736d"}}"#;

/// A record in which the learner passed every fixture lab with its
/// reference solution, and one in which they are stuck on `calc`.
fn records(dir: &Path) -> (PathBuf, PathBuf) {
    let files = read_tree(&fixtures().join("labs/course"));
    let mut loaded = sandlab::lab::load_courses(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let course = &mut loaded.courses[0];
    for lab in &mut course.labs {
        sandlab::grade::compute_expected(lab).expect("prepares");
    }
    let course = &loaded.courses[0];
    let labs = course
        .labs
        .iter()
        .map(|lab| {
            let path = format!("{}/solution.wat", lab.dir);
            // The questions-only lab has no solution file, and its answers
            // are these.
            let source = files
                .get(&path)
                .map(|bytes| String::from_utf8(bytes.to_vec()).expect("utf8"))
                .unwrap_or_default();
            let answers: sandlab::grade::Answers =
                serde_json::from_str(QUIZ_ANSWERS).expect("answers");
            let submission = sandlab::language::Submission::wat(source);
            let report = sandlab::grade::grade_with(lab, &submission, &answers);
            assert!(report.passed, "{} solution passes", lab.id);
            record::lab_record(
                course,
                lab,
                &submission,
                &answers,
                &report,
                Attempts {
                    attempts: 2,
                    first_attempt: Some("2026-11-22T09:00:00Z".into()),
                    last_attempt: Some("2026-11-22T09:30:00Z".into()),
                    time_spent_seconds: 1800,
                    passed_at: None,
                },
            )
        })
        .collect();
    let passed = Record {
        schema: record::SCHEMA.into(),
        sandlab_version: "0.1.0".into(),
        engine: record::ENGINE.into(),
        learner: Learner {
            name: "Ada Lovelace".into(),
            email: Some("ada@example.edu".into()),
        },
        exported_at: "2026-11-22T10:00:00Z".into(),
        labs,
    };
    let passed_path = dir.join("ada.json");
    std::fs::write(&passed_path, record::write(&passed)).expect("written");
    (passed_path, fixtures().join("records/v1-calc.json"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn statements_posted_from_the_cli_are_stored_by_a_real_lrs() {
    let lrs = Lrs::start("post");
    let (ada, grace) = records(&lrs.dir);
    let (ada, grace) = (ada.to_str().expect("utf8"), grace.to_str().expect("utf8"));

    // Printed: three `passed` labs and the course `completed` for Ada, one
    // `failed` lab for Grace.
    let printed = sandlab(&["xapi", ada, grace, "--labs", LABS], None);
    assert_eq!(printed.status.code(), Some(0), "{}", text(&printed.stderr));
    let ours: Vec<Value> = serde_json::from_slice(&printed.stdout).expect("a JSON array");
    let verbs: Vec<&str> = ours
        .iter()
        .map(|s| s["verb"]["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        verbs,
        [
            xapi::VERB_PASSED,
            xapi::VERB_PASSED,
            xapi::VERB_PASSED,
            xapi::VERB_PASSED,
            xapi::VERB_COMPLETED,
            xapi::VERB_FAILED
        ]
    );
    assert_eq!(
        ours[0]["object"]["id"],
        "https://example.edu/courses/fixtures/calc"
    );
    assert_eq!(ours[0]["actor"]["mbox"], "mailto:ada@example.edu");
    assert_eq!(
        ours[5]["actor"]["account"]["homePage"],
        "https://example.edu"
    );
    for s in &ours {
        assert_eq!(xapi::validate(s), Ok(()));
    }

    // Posted, and read back exactly.
    let endpoint = lrs.endpoint();
    let args = [
        "xapi", ada, grace, "--labs", LABS, "--post", &endpoint, "--user", USER,
    ];
    let post = sandlab(&args, Some(PASSWORD));
    assert_eq!(post.status.code(), Some(0), "{}", text(&post.stderr));
    assert!(
        text(&post.stdout).contains("posted 6 statements"),
        "{}",
        text(&post.stdout)
    );
    let stored = lrs.statements();
    assert_eq!(stored.len(), 6);
    for mine in &ours {
        let theirs = stored
            .iter()
            .find(|s| s["id"] == mine["id"])
            .unwrap_or_else(|| panic!("statement {} stored", mine["id"]));
        for field in ["actor", "verb", "object", "result", "context", "timestamp"] {
            assert_eq!(theirs[field], mine[field], "{field} of {}", mine["id"]);
        }
    }

    // Posting the same work again is safe: the LRS keeps one copy.
    let again = sandlab(&args, Some(PASSWORD));
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(lrs.statements().len(), 6);
}

#[test]
fn a_refused_post_says_why_and_a_tampered_record_sends_nothing() {
    let lrs = Lrs::start("refuse");
    // Beside the LRS's folder, which goes when the server stops below.
    let dir = lrs.dir.with_extension("records");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (ada, _) = records(&dir);
    let endpoint = lrs.endpoint();
    let ada = ada.to_str().expect("utf8");

    let wrong = sandlab(
        &[
            "xapi", ada, "--labs", LABS, "--post", &endpoint, "--user", USER,
        ],
        Some("wrong password"),
    );
    let stderr = text(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("is not accepted"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong password") && !text(&wrong.stdout).contains("wrong password"));

    // A record edited to claim more than its submission earns.
    let mut record = record::read(
        &std::fs::read_to_string(fixtures().join("records/v1-calc.json")).expect("fixture"),
    )
    .expect("reads");
    record.labs[0].score = record.labs[0].max_score;
    record.labs[0].status = "passed".into();
    let tampered = lrs.dir.join("tampered.json");
    std::fs::write(&tampered, record::write(&record)).expect("written");
    let out = sandlab(
        &[
            "xapi",
            tampered.to_str().expect("utf8"),
            "--labs",
            LABS,
            "--post",
            &endpoint,
            "--user",
            USER,
        ],
        Some(PASSWORD),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("DIFFERS") && stderr.contains("no statements were made"),
        "{stderr}"
    );
    assert!(lrs.statements().is_empty());

    // An LRS that is not there.
    drop(lrs);
    let gone = sandlab(
        &[
            "xapi", ada, "--labs", LABS, "--post", &endpoint, "--user", USER,
        ],
        Some(PASSWORD),
    );
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        text(&gone.stderr).contains("could not reach the LRS"),
        "{}",
        text(&gone.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

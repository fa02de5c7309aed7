//! Completion records: written, read back, verified by re-grading, and a
//! record edited by hand caught. `fixtures/records/v1-calc.json` is a record
//! exported by this version: later versions must keep reading it.

use crate::support::fixtures;
use std::process::Command;

fn sandlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sandlab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sandlab runs")
}

/// `sandlab record` of the fixture quiz, answered from `answers`.
fn record_quiz(answers: &str, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "record",
        "--course",
        "fixtures",
        "--lab",
        "quiz",
        "--learner",
        "Ada",
        "--labs",
        LABS,
        "--answers",
        answers,
    ];
    args.extend_from_slice(more);
    sandlab(&args)
}

const FIXTURE: &str = "tests/fixtures/records/v1-calc.json";
const LABS: &str = "tests/fixtures/labs/course";

fn fixture() -> sandlab::record::Record {
    let text = std::fs::read_to_string(fixtures().join("records/v1-calc.json")).expect("fixture");
    sandlab::record::read(&text).expect("a v1 record stays readable")
}

#[test]
fn a_stored_v1_record_reads_and_verifies() {
    let record = fixture();
    assert_eq!(record.schema, "sandlab.record/1");
    assert_eq!(record.learner.name, "Grace Hopper");
    let lab = &record.labs[0];
    assert_eq!((lab.score, lab.max_score, lab.attempts), (7, 9, 4));
    assert_eq!(lab.checks.len(), 8);
    let out = sandlab(&["verify", FIXTURE, "--labs", LABS]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("fixtures/calc: verified"), "{stdout}");
    assert!(
        stdout.contains("fuel not compared: the record counts `wasmi 2.0.0` fuel"),
        "{stdout}"
    );
}

#[test]
fn a_record_edited_to_claim_a_pass_is_caught() {
    let mut record = fixture();
    let lab = &mut record.labs[0];
    lab.score = lab.max_score;
    lab.status = "passed".into();
    for c in &mut lab.checks {
        c.verdict = "passed".into();
    }
    let dir = std::env::temp_dir().join(format!("sandlab-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, sandlab::record::write(&record)).expect("written");
    let out = sandlab(&[
        "verify",
        FIXTURE,
        tampered.to_str().expect("utf8"),
        "--labs",
        LABS,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("fixtures/calc: verified"),
        "the honest record still verifies: {stdout}"
    );
    assert!(stdout.contains("DIFFERS"), "{stdout}");
    assert!(
        stdout.contains("score: the record claims 9/9, re-grading gives 7/9"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verdict passed claimed, over budget on re-grading"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fuel_submission_and_lab_changes_are_caught() {
    let courses = {
        let files = crate::support::read_tree(&fixtures().join("labs/course"));
        let mut loaded = sandlab::lab::load_courses(&files);
        for c in &mut loaded.courses {
            for l in &mut c.labs {
                sandlab::grade::compute_expected(l).expect("prepares");
            }
        }
        loaded.courses
    };
    let verify = |record: &sandlab::record::Record| {
        sandlab::record::verify(record, &courses)[0]
            .differences
            .join("\n")
    };

    // The fixture's fuel was counted by wasmi 2.0.0, before the metering
    // pass: its fuel is not compared, and the verification says so.
    let mut old = fixture();
    old.labs[0].checks[0].fuel += 1;
    let verification = &sandlab::record::verify(&old, &courses)[0];
    assert!(verification.verified(), "{:?}", verification.differences);
    let note = verification.note.as_deref().unwrap_or_default();
    assert!(
        note.contains("fuel not compared") && note.contains("wasmi 2.0.0"),
        "{note}"
    );

    // The same work recorded today: its fuel is exact, so a change shows.
    let mut current = fixture();
    current.engine = sandlab::record::ENGINE.into();
    let lab = courses[0]
        .labs
        .iter()
        .find(|l| l.id == current.labs[0].lab)
        .expect("the fixture's lab");
    let submission = current.labs[0].submission.to_submission().expect("decodes");
    let report = sandlab::grade::grade_with(lab, &submission, &current.labs[0].answers);
    for (claimed, actual) in current.labs[0].checks.iter_mut().zip(&report.checks) {
        claimed.fuel = actual.fuel;
    }
    assert_eq!(
        verify(&current),
        "",
        "a current record verifies to the fuel"
    );
    assert!(
        sandlab::record::verify(&current, &courses)[0]
            .note
            .is_none()
    );
    current.labs[0].checks[0].fuel += 1;
    assert!(verify(&current).contains("fuel"), "{}", verify(&current));

    let mut source = fixture();
    if let Some(s) = &mut source.labs[0].submission.source {
        s.push_str("\n;; edited");
    }
    assert!(
        verify(&source).contains("does not match its hash"),
        "{}",
        verify(&source)
    );

    let mut lab = fixture();
    lab.labs[0].content_hash = "sha256:0000".into();
    assert!(
        verify(&lab).contains("the lab has changed"),
        "{}",
        verify(&lab)
    );

    let mut missing = fixture();
    missing.labs[0].lab = "nope".into();
    assert!(
        verify(&missing).contains("no lab `nope`"),
        "{}",
        verify(&missing)
    );
}

#[test]
fn unreadable_records_say_why() {
    for (text, needle) in [
        ("{", "not JSON"),
        ("{}", "no `schema`"),
        (
            r#"{"schema": "sandlab.record/99"}"#,
            "not one this sandlab reads",
        ),
        (
            r#"{"schema": "sandlab.record/1", "labs": []}"#,
            "not a sandlab.record/1 record",
        ),
    ] {
        let e = sandlab::record::read(text).expect_err(text);
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
    use sandlab::record::ReadError;
    let kind = |text: &str| sandlab::record::read(text).expect_err(text);
    assert!(matches!(kind("{"), ReadError::NotJson(_)));
    assert_eq!(kind("{}"), ReadError::NotARecord);
    assert!(matches!(
        kind(r#"{"schema": "sandlab.record/2"}"#),
        ReadError::NewerSchema(_)
    ));
    assert!(matches!(
        kind(r#"{"schema": "other/1"}"#),
        ReadError::UnknownSchema(_)
    ));
    assert!(matches!(
        kind(r#"{"schema": "sandlab.record/1", "labs": []}"#),
        ReadError::Invalid(_)
    ));
}

#[test]
fn uploaded_modules_round_trip_through_base64() {
    let out = sandlab(&[
        "record",
        "labs/wasm-from-scratch/byo/solution.wasm",
        "--course",
        "wasm-from-scratch",
        "--lab",
        "byo",
        "--learner",
        "Ada",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record = sandlab::record::read(&String::from_utf8_lossy(&out.stdout)).expect("reads");
    let sub = record.labs[0].submission.to_submission().expect("decodes");
    let original = std::fs::read("labs/wasm-from-scratch/byo/solution.wasm").expect("committed");
    assert_eq!(sub, sandlab::language::Submission::wasm(original));
    assert_eq!(record.labs[0].status, "passed");
}

#[test]
fn the_json_schema_describes_every_field_a_record_has() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/record.schema.json").expect("schema"))
            .expect("json");
    let record = serde_json::to_value(fixture()).expect("serialises");
    fn check(
        value: &serde_json::Value,
        schema: &serde_json::Value,
        root: &serde_json::Value,
        at: &str,
    ) {
        let schema = match schema.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => &root["$defs"][r.trim_start_matches("#/$defs/")],
            None => schema,
        };
        match value {
            serde_json::Value::Object(map) => {
                let props = &schema["properties"];
                for (k, v) in map {
                    // A map (answers by question name) describes its values once.
                    let sub = props
                        .get(k)
                        .or_else(|| Some(&schema["additionalProperties"]).filter(|s| s.is_object()))
                        .unwrap_or_else(|| panic!("{at}.{k} is not in docs/record.schema.json"));
                    check(v, sub, root, &format!("{at}.{k}"));
                }
                for req in schema["required"].as_array().into_iter().flatten() {
                    let req = req.as_str().expect("string");
                    assert!(
                        map.contains_key(req),
                        "{at}: required `{req}` missing from a real record"
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(item, &schema["items"], root, &format!("{at}[{i}]"));
                }
            }
            _ => {}
        }
    }
    check(&record, &schema, &schema, "record");
    // A record with answers and questions, as `sandlab record` writes it.
    let quiz = serde_json::from_str(
        &String::from_utf8(record_quiz("tests/fixtures/records/quiz-answers.json", &[]).stdout)
            .expect("utf8"),
    )
    .expect("a record");
    check(&quiz, &schema, &schema, "record");
    assert!(quiz["labs"][0]["answers"]["locals"]["choices"].is_array());
    assert_eq!(quiz["labs"][0]["questions"][0]["verdict"], "correct");
}

#[test]
fn gradebook_counts_verified_scores_only_unless_trusted() {
    let mut tampered = fixture();
    tampered.learner.name = "Mallory".into();
    tampered.labs[0].score = 9;
    let dir = std::env::temp_dir().join(format!("sandlab-gradebook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("mallory.json");
    std::fs::write(&path, sandlab::record::write(&tampered)).expect("written");
    let path = path.to_str().expect("utf8");
    let out = sandlab(&["gradebook", FIXTURE, path, FIXTURE, "--labs", LABS]);
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "a header and one row per learner: {csv}");
    assert!(lines[0].starts_with("learner,fixtures/calc (/9)"), "{csv}");
    assert!(lines.contains(&"Grace Hopper,7,,,,7,23,0"), "{csv}");
    assert!(
        lines.contains(&"Mallory,,,,,0,23,1"),
        "the tampered score does not count: {csv}"
    );
    let out = sandlab(&[
        "gradebook",
        path,
        "--labs",
        LABS,
        "--trust",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        json["learners"][0]["total"], 9,
        "--trust takes the record's word"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_export_has_one_row_per_lab_and_quotes_what_needs_it() {
    let mut record = fixture();
    record.learner.name = "Hopper, Grace \"Amazing\"".into();
    let csv = sandlab::record::csv(&record);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("learner,email,course,lab,status,score,max_score,attempts,"));
    let lab = &record.labs[0];
    assert!(
        lines[1].starts_with(&format!(
            "\"Hopper, Grace \"\"Amazing\"\"\",,fixtures,calc,in progress,7,9,4,{},{},2100,{},{}",
            lab.first_attempt.as_deref().unwrap_or(""),
            lab.last_attempt.as_deref().unwrap_or(""),
            lab.submission_sha256,
            lab.content_hash
        )),
        "{csv}"
    );
    // A name a spreadsheet would run as a formula stays text.
    record.learner.name = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
    record.learner.email = Some("@SUM(1+1)".into());
    let csv = sandlab::record::csv(&record);
    let row = csv.lines().nth(1).expect("a row");
    assert!(
        row.starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(1+1),"),
        "{row}"
    );
}

#[test]
fn xapi_refuses_a_bad_endpoint_and_an_unreadable_record() {
    let out = sandlab(&[
        "xapi",
        FIXTURE,
        "--labs",
        LABS,
        "--post",
        "not-a-url",
        "--user",
        "u",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`not-a-url` is not an http(s) URL"),
        "{stderr}"
    );

    let dir = std::env::temp_dir().join(format!("sandlab-xapi-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"schema\": \"x\"}").expect("written");
    let out = sandlab(&["xapi", bad.to_str().expect("utf8"), "--labs", LABS]);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot be read: schema `x`"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn answers_travel_in_the_record_and_a_claimed_answer_is_re_graded() {
    let dir = std::env::temp_dir().join(format!("sandlab-quiz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let answers = dir.join("answers.json");
    std::fs::write(
        &answers,
        r#"{"locals": {"choices": [1]}, "bytes": {"text": "64"}}"#,
    )
    .expect("written");
    let out = sandlab(&[
        "grade",
        "tests/fixtures/labs/course/quiz",
        "--answers",
        answers.to_str().expect("utf8"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("ok   question: locals  [1/1 pts, correct]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL question: bytes  [0/1 pts, wrong]"),
        "{stdout}"
    );
    assert!(stdout.contains("64 is its size in bits."), "{stdout}");
    assert!(stdout.contains("---- question: pi"), "{stdout}");
    assert!(
        stdout.contains("score 1/7: 5 of 6 checks and questions failed"),
        "{stdout}"
    );

    let record = dir.join("quiz.json");
    let out = record_quiz(
        answers.to_str().expect("utf8"),
        &["-o", record.to_str().expect("utf8")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&record).expect("record");
    let mut parsed = sandlab::record::read(&text).expect("reads");
    let lab = &parsed.labs[0];
    assert_eq!((lab.score, lab.max_score), (1, 7));
    assert_eq!(lab.answers.len(), 2);
    assert_eq!(lab.questions.len(), 6);
    assert_eq!(
        (
            lab.questions[2].name.as_str(),
            lab.questions[2].verdict.as_str()
        ),
        ("bytes", "wrong")
    );
    let out = sandlab(&["verify", record.to_str().expect("utf8"), "--labs", LABS]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Claiming the wrong answer was right is caught by re-grading it.
    let lab = &mut parsed.labs[0];
    lab.questions[2].verdict = "correct".into();
    lab.questions[2].points = 1;
    lab.score = 2;
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, sandlab::record::write(&parsed)).expect("written");
    let out = sandlab(&["verify", tampered.to_str().expect("utf8"), "--labs", LABS]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "question `bytes`: correct for 1 points claimed, wrong for 0 on re-grading the answer"
        ),
        "{stdout}"
    );
    // Answers that are not answers are refused with the shape to write.
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "[1, 2, 3]").expect("written");
    let out = record_quiz(garbage.to_str().expect("utf8"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not answers") && stderr.contains(r#"{"q1": {"choices": [0]}"#),
        "{stderr}"
    );
    // A lab with code still needs its file.
    let out = sandlab(&["grade", "tests/fixtures/labs/course/calc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give the submission FILE"));
    std::fs::remove_dir_all(&dir).ok();
}

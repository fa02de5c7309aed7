//! The reducer, the saved form, merging across tabs and backups, natively.

use super::*;
use crate::grade::Answer;
use std::rc::Rc;
use yew::Reducible;

fn apply(p: Progress, actions: Vec<Action>) -> Progress {
    let mut rc = Rc::new(p);
    for a in actions {
        rc = rc.reduce(a);
    }
    (*rc).clone()
}

#[test]
fn status_follows_edits_and_passes() {
    let key = lab_key("c", "l");
    let p = Progress::default();
    assert_eq!(p.lab(&key).status(), LabStatus::NotStarted);
    let p = apply(
        p,
        vec![Action::Edit {
            key: key.clone(),
            code: "(module)".into(),
        }],
    );
    assert_eq!(p.lab(&key).status(), LabStatus::InProgress);
    let p = apply(
        p,
        vec![
            Action::Graded {
                key: key.clone(),
                score: 3,
                max: 5,
                passed: false,
                at: 10.0,
            },
            Action::Graded {
                key: key.clone(),
                score: 5,
                max: 5,
                passed: true,
                at: 20.0,
            },
            Action::Graded {
                key: key.clone(),
                score: 1,
                max: 5,
                passed: false,
                at: 30.0,
            },
        ],
    );
    let lab = p.lab(&key);
    assert_eq!(lab.status(), LabStatus::Passed, "a pass is kept");
    assert_eq!((lab.attempts, lab.best_score), (3, 5));
    assert_eq!(
        (lab.first_attempt, lab.last_attempt),
        (Some(10.0), Some(30.0))
    );
}

/// A tab that loaded `stored`, as `load_progress` leaves it.
fn tab(stored: &Progress) -> Progress {
    Progress {
        synced: stored
            .labs
            .iter()
            .map(|(k, l)| (k.clone(), fingerprint(l)))
            .collect(),
        ..stored.clone()
    }
}

fn edit(p: Progress, key: &str, code: &str) -> Progress {
    apply(
        p,
        vec![Action::Edit {
            key: key.into(),
            code: code.into(),
        }],
    )
}

fn saved(ours: &Progress, stored: &Progress) -> (Progress, Vec<(String, LabProgress)>) {
    let (merged, conflicts) = merge(ours, stored);
    // What storage holds is what the next tab reads back.
    (load(&save(&merged)).expect("reads"), conflicts)
}

#[test]
fn two_tabs_editing_different_labs_keep_both() {
    let s0 = edit(edit(Progress::default(), "c/x", "x0"), "c/y", "y0");
    let s0 = load(&save(&s0)).expect("reads");
    let (a, b) = (tab(&s0), tab(&s0));
    let a = edit(a, "c/x", "x from A");
    let (s1, conflicts) = saved(&a, &s0);
    assert!(conflicts.is_empty());
    // B never saw A's save and changes another lab: A's work survives.
    let b = edit(b, "c/y", "y from B");
    let (s2, conflicts) = saved(&b, &s1);
    assert!(conflicts.is_empty());
    assert_eq!(s2.lab("c/x").code.as_deref(), Some("x from A"));
    assert_eq!(s2.lab("c/y").code.as_deref(), Some("y from B"));
    // B shows A's lab once synced, and its own edit stays.
    let b = apply(b, vec![Action::Synced(Box::new(s2.clone()))]);
    assert_eq!(b.lab("c/x").code.as_deref(), Some("x from A"));
    assert!(b.dirty.is_empty());
}

#[test]
fn two_tabs_editing_the_same_lab_hand_back_the_other_version() {
    let s0 = load(&save(&edit(Progress::default(), "c/x", "x0"))).expect("reads");
    let (a, b) = (tab(&s0), tab(&s0));
    let (s1, _) = saved(&edit(a, "c/x", "from A"), &s0);
    let (s2, conflicts) = saved(&edit(b, "c/x", "from B"), &s1);
    assert_eq!(s2.lab("c/x").code.as_deref(), Some("from B"));
    assert_eq!(
        conflicts.len(),
        1,
        "A's version is handed back to be kept aside"
    );
    assert_eq!(conflicts[0].1.code.as_deref(), Some("from A"));
    // Saving again without another tab's change is no conflict.
    let b = apply(tab(&s2), vec![]);
    let (_, conflicts) = saved(&edit(b, "c/x", "again"), &s2);
    assert!(conflicts.is_empty());
}

#[test]
fn another_tabs_save_shows_here_except_where_this_tab_has_changes() {
    let s0 = load(&save(&edit(
        edit(Progress::default(), "c/x", "x0"),
        "c/y",
        "y0",
    )))
    .expect("reads");
    let b = edit(tab(&s0), "c/y", "typing in B");
    let theirs = edit(edit(tab(&s0), "c/x", "x from A"), "c/y", "y from A");
    let b = apply(b, vec![Action::External(Box::new(theirs))]);
    assert_eq!(b.lab("c/x").code.as_deref(), Some("x from A"));
    assert_eq!(b.lab("c/y").code.as_deref(), Some("typing in B"));
    assert_eq!(
        b.storage,
        StorageStatus::Pending,
        "B's own change still gets saved"
    );
}

#[test]
fn answers_are_kept_saved_and_restored_and_start_a_lab() {
    let key = lab_key("c", "quiz");
    let p = apply(
        Progress::default(),
        vec![
            Action::Answer {
                key: key.clone(),
                question: "bytes".into(),
                answer: Answer::Text("6".into()),
            },
            Action::Answer {
                key: key.clone(),
                question: "bytes".into(),
                answer: Answer::Text("8".into()),
            },
            Action::Answer {
                key: key.clone(),
                question: "locals".into(),
                answer: Answer::Choices(vec![1]),
            },
        ],
    );
    let lab = p.lab(&key);
    assert_eq!(lab.status(), LabStatus::InProgress);
    assert_eq!(lab.answers.get("bytes"), Some(&Answer::Text("8".into())));
    let back = load(&save(&p)).expect("loads");
    assert_eq!(back.lab(&key).answers, lab.answers);
    // A changed answer is a change another tab would see.
    let mut other = lab.clone();
    other
        .answers
        .insert("bytes".into(), Answer::Text("9".into()));
    assert_ne!(fingerprint(&lab), fingerprint(&other));
    // State saved before answers existed still loads, with none.
    let old = r#"{"schema":1,"labs":{"c/quiz":{"attempts":1}}}"#;
    assert!(load(old).expect("loads").lab(&key).answers.is_empty());
}

#[test]
fn a_backup_restores_code_scores_and_uploads() {
    let key = lab_key("c", "l");
    let up = lab_key("c", "u");
    let p = apply(
        Progress::default(),
        vec![
            Action::Edit {
                key: key.clone(),
                code: "(module) ;; mine".into(),
            },
            Action::Graded {
                key: key.clone(),
                score: 2,
                max: 3,
                passed: false,
                at: 5.0,
            },
            Action::Upload {
                key: up.clone(),
                name: "wc.wasm".into(),
                bytes: vec![0, 97, 115, 109, 255],
            },
            Action::SetLearner {
                name: "Ada".into(),
                email: "ada@example.edu".into(),
            },
        ],
    );
    let text = backup(&p, "2026-11-22T10:00:00Z");
    let (back, at) = restore(&text).expect("restores");
    assert_eq!(at, "2026-11-22T10:00:00Z");
    assert_eq!(back.labs, p.labs);
    assert_eq!(back.learner_email, "ada@example.edu");
    let restored = apply(Progress::default(), vec![Action::Restore(Box::new(back))]);
    assert_eq!(restored.labs, p.labs);
    assert_eq!(restored.learner_name, "Ada");

    assert!(
        restore("hello")
            .expect_err("not json")
            .contains("not a sandlab backup")
    );
    assert!(
        restore("{}")
            .expect_err("no format")
            .contains("not a sandlab backup")
    );
    let newer = text.replace("sandlab.backup/1", "sandlab.backup/7");
    assert!(
        restore(&newer)
            .expect_err("newer")
            .contains("newer sandlab")
    );
    let damaged = text.replace(&encode_upload(&[0, 97, 115, 109, 255]), "zz");
    assert!(restore(&damaged).expect_err("damaged").contains("wc.wasm"));
}

#[test]
fn time_spent_is_active_time_and_survives_a_reload() {
    let key = lab_key("c", "l");
    let graded = |at: f64| Action::Graded {
        key: key.clone(),
        score: 0,
        max: 1,
        passed: false,
        at,
    };
    // Before active time was measured: the span between Checks.
    let p = apply(
        Progress::default(),
        vec![graded(1_000.0), graded(601_000.0)],
    );
    assert_eq!(p.lab(&key).time_spent_seconds(), 600);
    // Measured: a day between two Checks counts only the working time.
    let active = || Action::Active {
        key: key.clone(),
        ms: 15_000.0,
    };
    let p = apply(p, vec![active(), active(), graded(86_400_000.0)]);
    assert_eq!(p.lab(&key).time_spent_seconds(), 30);
    let back = load(&save(&p)).expect("loads");
    assert_eq!(back.lab(&key).time_spent_seconds(), 30);
    // State saved before the field existed reads as 0 active time.
    let old = r#"{"schema":1,"labs":{"c/l":{"attempts":1,"first_attempt":0,"last_attempt":5000}}}"#;
    assert_eq!(
        load(old).expect("old state").lab(&key).time_spent_seconds(),
        5
    );
}

#[test]
fn reset_can_be_undone() {
    let key = lab_key("c", "l");
    let p = apply(
        Progress::default(),
        vec![
            Action::Edit {
                key: key.clone(),
                code: "mine".into(),
            },
            Action::Reset { key: key.clone() },
        ],
    );
    assert_eq!(p.lab(&key).code, None, "starter shows again");
    let p = apply(p, vec![Action::UndoReset { key: key.clone() }]);
    assert_eq!(p.lab(&key).code.as_deref(), Some("mine"));
}

#[test]
fn hints_stop_at_the_last() {
    let key = lab_key("c", "l");
    let hint = || Action::RevealHint {
        key: key.clone(),
        total: 2,
    };
    let p = apply(Progress::default(), vec![hint(), hint(), hint()]);
    assert_eq!(p.lab(&key).hints_shown, 2);
}

#[test]
fn saved_state_round_trips() {
    let key = lab_key("c", "l");
    let p = apply(
        Progress::default(),
        vec![
            Action::Edit {
                key: key.clone(),
                code: "(module) ;; ünïcode".into(),
            },
            Action::Upload {
                key: key.clone(),
                name: "a.wasm".into(),
                bytes: vec![0, 97, 115, 109, 255],
            },
            Action::Graded {
                key: key.clone(),
                score: 1,
                max: 2,
                passed: false,
                at: 1.5,
            },
            Action::SetDark(true),
            Action::SetLearner {
                name: "Ada".into(),
                email: "ada@example.org".into(),
            },
        ],
    );
    let text = save(&p);
    assert!(
        !text.contains("upload_hex"),
        "uploads are stored apart: {text}"
    );
    let mut back = load(&text).expect("loads");
    // The storage module fills uploads in from their own keys.
    let lab = back.labs.get_mut(&key).expect("lab");
    assert_eq!(
        lab.upload.as_ref().map(|(n, b)| (n.as_str(), b.len())),
        Some(("a.wasm", 0))
    );
    let bytes = decode_upload(&encode_upload(&[0, 97, 115, 109, 255])).expect("round trip");
    lab.upload = Some(("a.wasm".into(), bytes));
    assert_eq!(back.labs, p.labs);
    assert_eq!(back.dark, Some(true));
    assert_eq!(
        (back.learner_name.as_str(), back.learner_email.as_str()),
        ("Ada", "ada@example.org")
    );
}

#[test]
fn damaged_and_newer_state_is_refused_not_guessed() {
    assert!(matches!(load("{not json"), Err(LoadError::Corrupt(_))));
    assert!(matches!(
        load(r#"{"labs": {}}"#),
        Err(LoadError::Corrupt(_))
    ));
    assert_eq!(
        load(r#"{"schema": 99, "labs": {}}"#),
        Err(LoadError::Newer(99))
    );
    assert!(matches!(
        load(r#"{"schema": 1, "labs": {"c/l": {"upload_name": "x", "upload_hex": "zz"}}}"#),
        Err(LoadError::Corrupt(_))
    ));
}

#[test]
fn blocked_saves_stay_blocked_after_edits() {
    let key = lab_key("c", "l");
    let p = Progress {
        saves_blocked: Some("old progress could not be kept aside".into()),
        ..Progress::default()
    };
    let p = apply(
        p,
        vec![Action::Edit {
            key,
            code: "a".into(),
        }],
    );
    assert!(p.saves_blocked.is_some());
    assert!(
        matches!(p.storage, StorageStatus::Failed(_)),
        "{:?}",
        p.storage
    );
}

#[test]
fn edits_bump_the_revision_but_status_changes_do_not() {
    let key = lab_key("c", "l");
    let p = apply(
        Progress::default(),
        vec![Action::Edit {
            key: key.clone(),
            code: "a".into(),
        }],
    );
    assert_eq!(p.revision, 1);
    let p = apply(
        p,
        vec![Action::Storage(StorageStatus::Saved { persistent: false })],
    );
    assert_eq!(p.revision, 1);
    let p = apply(
        p,
        vec![Action::Edit {
            key,
            code: "a".into(),
        }],
    );
    assert_eq!(p.revision, 1, "an edit that changes nothing saves nothing");
}

#[test]
fn the_lab_version_a_learner_worked_on_is_kept_and_saved() {
    let p = apply(
        Progress::default(),
        vec![
            Action::Edit {
                key: "c/l".into(),
                code: "x".into(),
            },
            Action::Seen {
                key: "c/l".into(),
                hash: "sha256:aaa".into(),
            },
        ],
    );
    assert_eq!(p.lab("c/l").seen.as_deref(), Some("sha256:aaa"));
    let revision = p.revision;
    // Seeing the same version again changes nothing, so saves nothing.
    let p = apply(
        p,
        vec![Action::Seen {
            key: "c/l".into(),
            hash: "sha256:aaa".into(),
        }],
    );
    assert_eq!(p.revision, revision);
    let back = saved::load(&saved::save(&p)).expect("loads");
    assert_eq!(back.lab("c/l").seen.as_deref(), Some("sha256:aaa"));
    assert_eq!(back.lab("c/l").code.as_deref(), Some("x"));
}

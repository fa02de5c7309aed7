use super::*;
use crate::lab::{self, Files};
use crate::web::progress::Progress;

fn course(labs: usize) -> Course {
    let mut files = Files::default();
    let ids: Vec<String> = (1..=labs).map(|i| format!("l{i}")).collect();
    files.insert(
        "course.toml".to_string(),
        format!(
            "format = 1\nid = \"c\"\ntitle = \"C\"\nlabs = [{}]\n",
            ids.iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .into_bytes(),
    );
    for id in &ids {
        files.insert(
            format!("{id}/lab.toml"),
            format!(
                "format = 1\nid = \"{id}\"\ntitle = \"{id}\"\n\n[[question]]\nname = \"q\"\nkind = \"text\"\nprompt = \"?\"\nanswer = \"4\"\npoints = 2\n"
            )
            .into_bytes(),
        );
        files.insert(format!("{id}/README.md"), b"# x\n".to_vec());
    }
    let loaded = lab::load_courses(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.courses.into_iter().next().expect("course")
}

fn progress(labs: &[(&str, u32, bool, &str)]) -> Progress {
    let mut p = Progress::default();
    for (i, (id, score, passed, code)) in labs.iter().enumerate() {
        p.labs.insert(
            lab_key("c", id),
            LabProgress {
                code: Some(code.to_string()),
                attempts: 1,
                best_score: *score,
                max_score: 2,
                passed: *passed,
                last_attempt: Some(1000.0 + i as f64),
                ..LabProgress::default()
            },
        );
    }
    p
}

#[test]
fn a_launch_is_read_from_the_query() {
    assert_eq!(
        Launch::from_query("?lms=scorm2004&lab=add"),
        Launch {
            standard: Some(Standard::Scorm2004),
            lab: Some("add".into())
        }
    );
    assert_eq!(Launch::from_query(""), Launch::default());
    assert_eq!(Launch::from_query("?lms=nonsense").standard, None);
}

#[test]
fn the_score_and_statuses_follow_the_units_labs_and_never_say_failed() {
    let c = course(2);
    let half = progress(&[("l1", 2, true, "a"), ("l2", 0, false, "b")]);
    let s = Standing::of(&c, None, &half);
    assert_eq!((s.raw, s.max, s.all_passed), (2, 4, false));
    let v12 = scorm_values(Standard::Scorm12, &s, None);
    assert!(v12.contains(&("cmi.core.score.raw", "50".into())));
    assert!(v12.contains(&("cmi.core.lesson_status", "incomplete".into())));
    // A mastery score the learner reached passes them before every lab does.
    let passed = scorm_values(Standard::Scorm12, &s, Some(0.5));
    assert!(passed.contains(&("cmi.core.lesson_status", "passed".into())));
    let v2004 = scorm_values(Standard::Scorm2004, &s, None);
    assert!(v2004.contains(&("cmi.score.scaled", "0.5000".into())));
    assert!(v2004.contains(&("cmi.completion_status", "incomplete".into())));
    assert!(v2004.contains(&("cmi.success_status", "unknown".into())));
    for (_, value) in v12.iter().chain(&v2004) {
        assert_ne!(value, "failed");
    }
    // One lab's unit counts that lab alone.
    let one = Standing::of(&c, Some("l1"), &half);
    assert!(one.all_passed && one.passed(None));
    let done = scorm_values(Standard::Scorm2004, &one, None);
    assert!(done.contains(&("cmi.completion_status", "completed".into())));
    assert!(done.contains(&("cmi.success_status", "passed".into())));
    assert_eq!(percent(2.0 / 3.0), "66.67");
}

#[test]
fn session_times_are_written_as_each_standard_wants() {
    let ms = ((3600 + 2 * 60 + 3) * 1000 + 450) as f64;
    assert_eq!(session_time_12(ms), "0001:02:03.45");
    assert_eq!(session_time_2004(ms), "PT1H2M3.45S");
}

#[test]
fn suspend_data_round_trips_and_keeps_to_the_limit() {
    let c = course(3);
    let p = progress(&[("l1", 2, true, "x = 1\n"), ("l2", 1, false, "y = 2\n")]);
    let (text, cut) = encode_suspend(&c, None, &p, suspend_limit(Standard::Scorm12));
    let text = text.expect("fits");
    assert!(!cut);
    assert!(text.starts_with("s1."));
    assert!(
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{text}"
    );
    let back = decode_suspend(&text).expect("decodes");
    assert_eq!(back[&lab_key("c", "l2")].code.as_deref(), Some("y = 2\n"));
    assert_eq!(back[&lab_key("c", "l1")].best_score, 2);
    // Too much code for SCORM 1.2: the passed lab's code goes first.
    // Text that does not compress: a learner's long, varied code.
    let mut state = 0x2545_f491_u32;
    let noise: String = (0..6000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect();
    let big = progress(&[("l1", 2, true, &noise), ("l2", 1, false, "y = 2\n")]);
    let (text, cut) = encode_suspend(&c, None, &big, 4_096);
    assert!(cut);
    let back = decode_suspend(&text.expect("fits once cut")).expect("decodes");
    assert_eq!(back[&lab_key("c", "l1")].code, None);
    assert_eq!(back[&lab_key("c", "l2")].code.as_deref(), Some("y = 2\n"));
    // Damaged or foreign data is no progress at all.
    assert_eq!(decode_suspend(&text_cut(&decode_fixture(&c))), None);
    assert_eq!(decode_suspend("bookmark=page3"), None);
    assert_eq!(decode_suspend(""), None);
}

fn decode_fixture(c: &Course) -> String {
    encode_suspend(c, None, &progress(&[("l1", 2, true, "z")]), 64_000)
        .0
        .expect("fits")
}

/// The text cut short, as an LMS that truncates it would.
fn text_cut(text: &str) -> String {
    text[..text.len() / 2].to_string()
}

#[test]
fn the_lms_copy_wins_only_where_it_is_the_later_work() {
    let local = progress(&[("l1", 1, false, "mine")]);
    let mut theirs = BTreeMap::new();
    let mut later = local.lab(&lab_key("c", "l1"));
    later.code = Some("from another browser".into());
    later.last_attempt = Some(5000.0);
    theirs.insert(lab_key("c", "l1"), later);
    let merged = merge_kept(&local, theirs.clone()).expect("changed");
    assert_eq!(
        merged.lab(&lab_key("c", "l1")).code.as_deref(),
        Some("from another browser")
    );
    // This browser's later work stays.
    let mut newer_here = local.clone();
    newer_here
        .labs
        .get_mut(&lab_key("c", "l1"))
        .expect("lab")
        .last_attempt = Some(9000.0);
    assert_eq!(merge_kept(&newer_here, theirs), None);
}

mod cmi5_rules {
    use super::super::Standing;
    use super::super::cmi5::*;
    use serde_json::json;

    const QUERY: &str = "?lms=cmi5&endpoint=http%3A%2F%2F127.0.0.1%3A9%2Fxapi%2F&fetch=http%3A%2F%2F127.0.0.1%3A9%2Ffetch%2Fs1&actor=%7B%22objectType%22%3A%22Agent%22%2C%22name%22%3A%22Ada%20L%22%2C%22account%22%3A%7B%22homePage%22%3A%22http%3A%2F%2Flms%22%2C%22name%22%3A%22u7%22%7D%7D&registration=9d1b5b8e-3c2f-4b7a-9a55-0f2d7e1c6b11&activityId=https%3A%2F%2Fexample.org%2Fau%2F1";

    fn launch() -> Cmi5Launch {
        Cmi5Launch::from_query(QUERY).expect("a launch")
    }

    fn data(mode: &str, mastery: Option<f64>) -> LaunchData {
        let mut doc = json!({
            "contextTemplate": {
                "contextActivities": { "grouping": [{ "id": "https://example.org/au/1" }] },
                "extensions": { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1" }
            },
            "launchMode": mode,
            "moveOn": "CompletedOrPassed"
        });
        if let Some(m) = mastery {
            doc["masteryScore"] = json!(m);
        }
        LaunchData::parse(&doc.to_string()).expect("launch data")
    }

    fn standing(raw: u32, max: u32, all_passed: bool) -> Standing {
        Standing {
            raw,
            max,
            all_passed,
            started: true,
        }
    }

    #[test]
    fn the_launch_parameters_are_decoded_and_the_missing_ones_named() {
        let l = launch();
        assert_eq!(l.endpoint, "http://127.0.0.1:9/xapi/");
        assert_eq!(l.fetch, "http://127.0.0.1:9/fetch/s1");
        assert_eq!(l.activity_id, "https://example.org/au/1");
        assert_eq!(l.learner().as_deref(), Some("Ada L"));
        let err = Cmi5Launch::from_query("?lms=cmi5&endpoint=x&actor=%7B%7D").expect_err("missing");
        assert!(
            err.contains("without fetch, registration, activityId"),
            "{err}"
        );
        let err = Cmi5Launch::from_query(&QUERY.replace("actor=%7B", "actor=%5B%7B"))
            .expect_err("not an agent");
        assert!(err.contains("actor"), "{err}");
    }

    #[test]
    fn a_used_token_says_to_launch_again() {
        assert_eq!(
            auth_token(r#"{"auth-token":"QWxh"}"#).as_deref(),
            Ok("QWxh")
        );
        let err =
            auth_token(r#"{"error-code":"1","error-text":"already used"}"#).expect_err("used");
        assert!(err.contains("open the unit from your LMS again"), "{err}");
        assert!(err.contains("error 1: already used"), "{err}");
        assert!(auth_token("<html>").is_err());
    }

    #[test]
    fn launch_data_needs_its_required_parts() {
        let err = LaunchData::parse(r#"{"launchMode":"Normal","moveOn":"Passed"}"#)
            .expect_err("no template");
        assert!(err.contains("contextTemplate"), "{err}");
        let err = LaunchData::parse(r#"{"contextTemplate":{},"launchMode":"Sometimes"}"#)
            .expect_err("mode");
        assert!(err.contains("launchMode"), "{err}");
        let err =
            LaunchData::parse(r#"{"contextTemplate":{},"launchMode":"Normal","masteryScore":80}"#)
                .expect_err("percent");
        assert!(err.contains("masteryScore"), "{err}");
        assert_eq!(data("Normal", Some(0.8)).mastery_score, Some(0.8));
        assert_eq!(data("Normal", None).return_url, None);
        let with_return = LaunchData::parse(
            r#"{"contextTemplate":{},"launchMode":"Normal","moveOn":"Passed","returnURL":"https://lms.example/back"}"#,
        )
        .expect("launch data");
        assert_eq!(
            with_return.return_url.as_deref(),
            Some("https://lms.example/back")
        );
    }

    #[test]
    fn passed_and_completed_are_due_once_and_never_outside_normal_mode() {
        let none = Sent::default();
        assert_eq!(
            due(&standing(1, 4, false), &data("Normal", None), none),
            vec![]
        );
        assert_eq!(
            due(&standing(4, 4, true), &data("Normal", None), none),
            vec![Verb::Passed, Verb::Completed]
        );
        // The mastery score reached before every lab passed: passed only.
        assert_eq!(
            due(&standing(3, 4, false), &data("Normal", Some(0.75)), none),
            vec![Verb::Passed]
        );
        assert_eq!(
            due(&standing(2, 4, false), &data("Normal", Some(0.75)), none),
            vec![]
        );
        // Every lab passed but the mastery score not reached (questions
        // left): completed, never a passed below the mastery score.
        assert_eq!(
            due(&standing(3, 5, true), &data("Normal", Some(0.8)), none),
            vec![Verb::Completed]
        );
        let both = Sent {
            passed: true,
            completed: true,
        };
        assert_eq!(
            due(&standing(4, 4, true), &data("Normal", None), both),
            vec![]
        );
        assert_eq!(
            due(&standing(4, 4, true), &data("Browse", None), none),
            vec![]
        );
        assert_eq!(
            due(&standing(4, 4, true), &data("Review", None), none),
            vec![]
        );
    }

    #[test]
    fn statements_carry_the_cmi5_context_and_results_and_are_valid_xapi() {
        let (l, d) = (launch(), data("Normal", Some(0.5)));
        let s = standing(3, 4, false);
        let init = statement(&l, &d, Verb::Initialized, &s, 0, "2026-11-29T10:00:00.000Z");
        let passed = statement(&l, &d, Verb::Passed, &s, 75, "2026-11-29T10:01:15.000Z");
        let done = statement(&l, &d, Verb::Completed, &s, 80, "2026-11-29T10:01:20.000Z");
        let end = statement(&l, &d, Verb::Terminated, &s, 90, "2026-11-29T10:01:30.000Z");
        for st in [&init, &passed, &done, &end] {
            crate::record::xapi::validate(st).unwrap_or_else(|e| panic!("{e:?}: {st}"));
            assert_eq!(st["context"]["registration"], l.registration.as_str());
            assert_eq!(st["object"]["id"], "https://example.org/au/1");
            assert_eq!(
                st["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"],
                "s-1"
            );
            assert_eq!(
                st["context"]["contextActivities"]["grouping"][0]["id"],
                "https://example.org/au/1"
            );
            let categories: Vec<&str> = st["context"]["contextActivities"]["category"]
                .as_array()
                .expect("categories")
                .iter()
                .filter_map(|c| c["id"].as_str())
                .collect();
            assert!(categories.contains(&CATEGORY_CMI5));
            let moveon = st == &passed || st == &done;
            assert_eq!(categories.contains(&CATEGORY_MOVEON), moveon, "{st}");
        }
        assert!(init.get("result").is_none());
        assert_eq!(passed["result"]["success"], true);
        assert_eq!(passed["result"]["score"]["scaled"], 0.75);
        assert_eq!(passed["result"]["duration"], "PT1M15S");
        assert_eq!(passed["context"]["extensions"][EXT_MASTERY], 0.5);
        assert!(done["context"]["extensions"].get(EXT_MASTERY).is_none());
        assert_eq!(done["result"]["completion"], true);
        assert!(done["result"].get("success").is_none());
        assert_eq!(end["result"]["duration"], "PT1M30S");
        assert_ne!(init["id"], end["id"]);
    }

    #[test]
    fn a_state_url_encodes_the_agent_and_ids() {
        let url = state_url(&launch(), "LMS.LaunchData");
        assert!(url.starts_with("http://127.0.0.1:9/xapi/activities/state?stateId=LMS%2ELaunchData&activityId=https%3A%2F%2Fexample%2Eorg%2Fau%2F1&agent=%7B%22"), "{url}");
        assert!(
            url.ends_with("&registration=9d1b5b8e%2D3c2f%2D4b7a%2D9a55%2D0f2d7e1c6b11"),
            "{url}"
        );
    }
}

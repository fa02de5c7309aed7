//! The manifests' content (their validity against the published schemas is
//! checked by the e2e tests, with a real XML schema validator).

use super::*;
use crate::lab::{self, Files};

fn course() -> Course {
    let mut files = Files::default();
    files.insert(
        "course.toml".to_string(),
        b"format = 1\nid = \"intro\"\ntitle = \"Intro & more <fun>\"\nlabs = [\"one\", \"two\"]\n"
            .to_vec(),
    );
    for lab in ["one", "two"] {
        files.insert(
            format!("{lab}/lab.toml"),
            format!(
                "format = 1\nid = \"{lab}\"\ntitle = \"Lab {lab}\"\n\n[[question]]\nname = \"q\"\nkind = \"text\"\nprompt = \"2+2?\"\nanswer = \"4\"\n"
            )
            .into_bytes(),
        );
        files.insert(format!("{lab}/README.md"), b"# Lab\n".to_vec());
    }
    let loaded = lab::load_courses(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.courses.into_iter().next().expect("a course")
}

#[test]
fn units_are_the_course_or_each_lab_with_their_launch_query() {
    let c = course();
    let whole = units(&c, false);
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].query(Standard::Scorm12), "?lms=scorm12");
    let labs = units(&c, true);
    assert_eq!(labs.len(), 2);
    assert_eq!(labs[1].query(Standard::Cmi5), "?lms=cmi5&lab=two");
    assert_eq!(unit_iri(&c, &labs[1]), "urn:sandlab:course:intro/two");
}

#[test]
fn manifests_name_every_unit_and_file_and_escape_text() {
    let c = course();
    let files = vec!["index.html".to_string(), "a b&c.js".to_string()];
    for standard in [Standard::Scorm12, Standard::Scorm2004] {
        let m = manifest(standard, &c, &units(&c, true), &files, Some(0.8));
        assert!(m.contains("Intro &amp; more &lt;fun&gt;"), "{m}");
        assert!(m.contains(r#"<file href="a b&amp;c.js"/>"#), "{m}");
        assert_eq!(m.matches("identifierref=\"app\"").count(), 2, "{m}");
        assert!(
            m.contains(&format!(
                "parameters=\"?lms={}&amp;lab=one\"",
                standard.name()
            )),
            "{m}"
        );
    }
    let m12 = manifest(Standard::Scorm12, &c, &units(&c, false), &files, Some(0.8));
    assert!(
        m12.contains("<adlcp:masteryscore>80</adlcp:masteryscore>"),
        "{m12}"
    );
    let m2004 = manifest(
        Standard::Scorm2004,
        &c,
        &units(&c, false),
        &files,
        Some(0.8),
    );
    assert!(
        m2004.contains("<imsss:minNormalizedMeasure>0.8000</imsss:minNormalizedMeasure>"),
        "{m2004}"
    );
    let cmi5 = manifest(Standard::Cmi5, &c, &units(&c, true), &files, None);
    assert_eq!(cmi5.matches("<au ").count(), 2, "{cmi5}");
    assert!(
        cmi5.contains("<url>index.html?lms=cmi5&amp;lab=two</url>"),
        "{cmi5}"
    );
    assert!(!cmi5.contains("masteryScore"), "{cmi5}");
}

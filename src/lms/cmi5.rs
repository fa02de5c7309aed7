//! `cmi5.xml`: the course structure of a cmi5 package, one assignable unit
//! (AU) per unit, each the app opened with its own query.

use super::{Standard, Unit, unit_iri, xml};
use crate::lab::Course;
use std::fmt::Write as _;

/// The course structure. An AU is satisfied when completed or passed
/// (`moveOn`): the app sends both when every lab of the unit passes, and
/// `passed` alone when a mastery score is set and the unit's score
/// reaches it.
pub(super) fn course_structure(course: &Course, units: &[Unit], mastery: Option<f64>) -> String {
    let mut out = String::new();
    let description = if course.summary.is_empty() {
        course.title.clone()
    } else {
        course.summary.clone()
    };
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{id}">
    <title><langstring lang="en">{title}</langstring></title>
    <description><langstring lang="en">{description}</langstring></description>
  </course>
"#,
        id = xml(&course.xapi.activity_id),
        title = xml(&course.title),
        description = xml(&description),
    );
    for unit in units {
        let mastery_attr =
            mastery.map_or_else(String::new, |m| format!(r#" masteryScore="{m:.4}""#));
        let unit_description = match &unit.lab {
            Some(lab) => format!("Lab {lab} of {}", course.title),
            None => description.clone(),
        };
        let _ = write!(
            out,
            r#"  <au id="{id}" moveOn="CompletedOrPassed"{mastery_attr} launchMethod="AnyWindow">
    <title><langstring lang="en">{title}</langstring></title>
    <description><langstring lang="en">{description}</langstring></description>
    <url>index.html{query}</url>
  </au>
"#,
            id = xml(&unit_iri(course, unit)),
            title = xml(&unit.title),
            description = xml(&unit_description),
            query = xml(&unit.query(Standard::Cmi5)),
        );
    }
    out.push_str("</courseStructure>\n");
    out
}

//! Packages for learning management systems: what an LMS reads to import a
//! course, for SCORM 1.2, SCORM 2004 (4th edition) and cmi5. A package is
//! the course's site (what `sandlab build` writes) with a manifest at its
//! root (`imsmanifest.xml` or `cmi5.xml`); the CLI zips them. The app, opened
//! by the LMS with `?lms=…` in its address, finds the LMS and reports to it
//! (`web::lms`).
//!
//! A package holds one course, launched as one unit, or one unit per lab
//! (`per_lab`: the LMS then lists, scores and tracks each lab).

mod cmi5;
mod scorm;
#[cfg(test)]
mod tests;

use crate::lab::Course;
use std::fmt;

/// An LMS standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standard {
    Scorm12,
    Scorm2004,
    Cmi5,
}

impl Standard {
    pub const ALL: [Standard; 3] = [Standard::Scorm12, Standard::Scorm2004, Standard::Cmi5];

    /// The name used on the command line and in the app's address (`lms=`).
    pub fn name(self) -> &'static str {
        match self {
            Standard::Scorm12 => "scorm12",
            Standard::Scorm2004 => "scorm2004",
            Standard::Cmi5 => "cmi5",
        }
    }

    pub fn parse(name: &str) -> Option<Standard> {
        Standard::ALL.into_iter().find(|s| s.name() == name)
    }

    /// How people write it.
    pub fn title(self) -> &'static str {
        match self {
            Standard::Scorm12 => "SCORM 1.2",
            Standard::Scorm2004 => "SCORM 2004 (4th edition)",
            Standard::Cmi5 => "cmi5",
        }
    }

    /// The manifest's file name, at the package's root.
    pub fn manifest_name(self) -> &'static str {
        match self {
            Standard::Scorm12 | Standard::Scorm2004 => "imsmanifest.xml",
            Standard::Cmi5 => "cmi5.xml",
        }
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// What the LMS launches: the whole course, or one lab of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// The lab's id, or `None` for the whole course.
    pub lab: Option<String>,
    pub title: String,
}

impl Unit {
    /// The query the app is opened with for this unit (`?lms=scorm12&lab=…`):
    /// a query, not a `#` route, so that an LMS adding its own parameters
    /// (cmi5's) cannot hide it.
    pub fn query(&self, standard: Standard) -> String {
        match &self.lab {
            Some(lab) => format!("?lms={}&lab={}", standard.name(), lab),
            None => format!("?lms={}", standard.name()),
        }
    }
}

/// The units of a package of `course`.
pub fn units(course: &Course, per_lab: bool) -> Vec<Unit> {
    if per_lab {
        course
            .labs
            .iter()
            .map(|l| Unit {
                lab: Some(l.id.clone()),
                title: l.title.clone(),
            })
            .collect()
    } else {
        vec![Unit {
            lab: None,
            title: course.title.clone(),
        }]
    }
}

/// The manifest of a package of `course` in `standard`, launching `units`,
/// listing `files` (the site's, by path); `mastery` is the score (0 to 1)
/// a unit needs to pass, when the author sets one (otherwise a unit passes
/// when every lab in it passes).
pub fn manifest(
    standard: Standard,
    course: &Course,
    units: &[Unit],
    files: &[String],
    mastery: Option<f64>,
) -> String {
    match standard {
        Standard::Scorm12 => scorm::manifest_12(course, units, files, mastery),
        Standard::Scorm2004 => scorm::manifest_2004(course, units, files, mastery),
        Standard::Cmi5 => cmi5::course_structure(course, units, mastery),
    }
}

/// The IRI of a unit, as the course's xAPI statements name it: the
/// course's activity id, or a lab's (the course's, `/`, the lab's id).
pub fn unit_iri(course: &Course, unit: &Unit) -> String {
    match &unit.lab {
        Some(lab) => format!("{}/{lab}", course.xapi.activity_id),
        None => course.xapi.activity_id.clone(),
    }
}

/// Text for an XML attribute or element.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids: left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// An `xsd:ID` (an NCName) made of `text`: `item-` and the letters,
/// digits, `-`, `_` and `.` of it.
fn ncname(prefix: &str, text: &str) -> String {
    let body: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{body}")
}

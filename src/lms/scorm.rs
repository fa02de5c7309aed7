//! `imsmanifest.xml` for SCORM 1.2 and SCORM 2004 (4th edition): one
//! organization whose items (the course, or each lab) all launch the app
//! (one resource, a SCO) with their own query.

use super::{Unit, ncname, xml};
use crate::lab::Course;
use std::fmt::Write as _;

/// The SCORM 1.2 manifest.
pub(super) fn manifest_12(
    course: &Course,
    units: &[Unit],
    files: &[String],
    mastery: Option<f64>,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
"#,
        id = xml(&ncname("sandlab", &course.id)),
        title = xml(&course.title),
    );
    for unit in units {
        let _ = writeln!(
            out,
            r#"      <item identifier="{id}" identifierref="app" isvisible="true" parameters="{query}">
        <title>{title}</title>"#,
            id = xml(&ncname("item", unit.lab.as_deref().unwrap_or(&course.id))),
            query = xml(&unit.query(super::Standard::Scorm12)),
            title = xml(&unit.title),
        );
        // SCORM 1.2's mastery score is a percentage (0 to 100).
        if let Some(m) = mastery {
            let _ = writeln!(
                out,
                "        <adlcp:masteryscore>{}</adlcp:masteryscore>",
                (m * 100.0).round() as u32
            );
        }
        out.push_str("      </item>\n");
    }
    // SCORM 1.2 spells the attribute `scormtype`, 2004 `scormType`.
    end_with_app(&mut out, "scormtype", files);
    out
}

/// The SCORM 2004 (4th edition) manifest. Each item's content sets its own
/// completion and success (no sequencing rules beyond that), and with a
/// mastery score its primary objective is satisfied by that measure.
pub(super) fn manifest_2004(
    course: &Course,
    units: &[Unit],
    files: &[String],
    mastery: Option<f64>,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
"#,
        id = xml(&ncname("sandlab", &course.id)),
        title = xml(&course.title),
    );
    for unit in units {
        let key = unit.lab.as_deref().unwrap_or(&course.id);
        let _ = writeln!(
            out,
            r#"      <item identifier="{id}" identifierref="app" parameters="{query}">
        <title>{title}</title>
        <imsss:sequencing>"#,
            id = xml(&ncname("item", key)),
            query = xml(&unit.query(super::Standard::Scorm2004)),
            title = xml(&unit.title),
        );
        if let Some(m) = mastery {
            let _ = writeln!(
                out,
                r#"          <imsss:objectives>
            <imsss:primaryObjective objectiveID="{id}" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{m:.4}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>"#,
                id = xml(&ncname("objective", key)),
            );
        }
        out.push_str(
            r#"          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
"#,
        );
    }
    // SCORM 1.2 spells the attribute `scormtype`, 2004 `scormType`.
    end_with_app(&mut out, "scormType", files);
    out
}

/// Ends the organization and lists the one resource: the app, a SCO (its
/// type attribute named `scorm_type`), with every file of the package.
fn end_with_app(out: &mut String, scorm_type: &str, files: &[String]) {
    out.push_str("    </organization>\n  </organizations>\n  <resources>\n");
    let _ = writeln!(
        out,
        r#"    <resource identifier="app" type="webcontent" adlcp:{scorm_type}="sco" href="index.html">"#
    );
    for file in files {
        let _ = writeln!(out, r#"      <file href="{}"/>"#, xml(file));
    }
    out.push_str("    </resource>\n  </resources>\n</manifest>\n");
}

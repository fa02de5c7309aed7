//! `sandlab package`: a course as a package an LMS imports (SCORM 1.2,
//! SCORM 2004, cmi5).

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use crate::site::{self, Sources};
use crate::{app, zip};
use sandlab::lms::{self, Standard};
use std::path::PathBuf;

/// Write a course as a package for a learning management system: a zip
/// with the course's site and the manifest the LMS reads (imsmanifest.xml
/// or cmi5.xml). Upload it as a SCORM package or a cmi5 course; the app,
/// launched by the LMS, takes the learner's name from it, reports score,
/// completion and success as labs are checked, and keeps the learner's work
/// in the LMS.
#[derive(clap::Args)]
pub struct Args {
    /// The course folder (one course).
    dir: PathBuf,
    /// The standard: scorm12, scorm2004 or cmi5.
    #[arg(long, value_parser = parse_standard)]
    lms: Standard,
    /// One unit per lab, which the LMS lists and scores apart (default: the
    /// whole course as one unit).
    #[arg(long)]
    per_lab: bool,
    /// The score (0 to 1) a unit needs to pass; without it a unit passes
    /// when every lab in it passes.
    #[arg(long, value_name = "SCALED")]
    mastery: Option<f64>,
    /// The zip to write.
    #[arg(long, short)]
    out: PathBuf,
}

fn parse_standard(text: &str) -> Result<Standard, String> {
    Standard::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Standard::ALL.iter().map(|s| s.name()).collect();
        format!("`{text}` is not an LMS standard: use {}", names.join(", "))
    })
}

/// Where cmi5's LRS may be: given at launch, so the page's policy allows
/// any secure origin (and the machine itself, for testing).
const CMI5_CONNECT: &[&str] = &["https:", "http://localhost:*", "http://127.0.0.1:*"];

pub fn exec(args: Args) -> CliResult {
    app::files()?;
    if let Some(m) = args.mastery
        && !(0.0..=1.0).contains(&m)
    {
        return Err(CliError::Unusable(format!(
            "--mastery {m}: give the score a unit needs as a number from 0 to 1 (0.8 for 80%)"
        )));
    }
    let sources = Sources::new(std::slice::from_ref(&args.dir))?;
    let files = sources.read()?;
    let courses = site::prepare_all_or_nothing(&sources, &files, "no package was written")?;
    let [course] = courses.as_slice() else {
        return Err(CliError::Unusable(format!(
            "{} holds {} courses: a package holds one, so give one course's folder",
            args.dir.display(),
            courses.len()
        )));
    };
    let connect: Vec<String> = if args.lms == Standard::Cmi5 {
        CMI5_CONNECT.iter().map(|s| s.to_string()).collect()
    } else {
        Vec::new()
    };
    let mut entries = site::site_files(&files, &courses, &connect)?;
    let units = lms::units(course, args.per_lab);
    let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let manifest = lms::manifest(args.lms, course, &units, &names, args.mastery);
    // The manifest first: some LMSs look for it at the zip's start.
    entries.insert(
        0,
        (args.lms.manifest_name().to_string(), manifest.into_bytes()),
    );
    let bytes = zip::zip(&entries).map_err(CliError::Unusable)?;
    if let Some(parent) = args.out.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(io::io_error(parent))?;
    }
    std::fs::write(&args.out, &bytes).map_err(io::io_error(&args.out))?;
    out!(
        "wrote {}: {} package of `{}` ({} unit(s), {} files, {:.1} MB). Upload it to the LMS as a {} package.",
        args.out.display(),
        args.lms,
        course.id,
        units.len(),
        entries.len(),
        bytes.len() as f64 / 1e6,
        args.lms
    );
    Ok(())
}

//! The web app inside this binary: the files `trunk build` wrote, embedded
//! by build.rs when `scripts/build-app` made them (for `sandlab serve` and
//! `sandlab build`, and the Python runtime for an instructor who has only
//! this binary).

use crate::error::CliError;
use sandlab::language::Language;
use std::io::Read as _;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/app_files.rs"));
}

/// The app's files, or how to get a `sandlab` that has them.
pub fn files() -> Result<&'static [(&'static str, &'static [u8])], CliError> {
    if app_file("index.html").is_some() {
        Ok(embedded::FILES)
    } else {
        Err(CliError::Unusable(
            "this sandlab was built without the web app inside, so it cannot serve or build a \
             site: build one that has it with scripts/build-app (or install it with \
             scripts/install-cli)"
                .into(),
        ))
    }
}

/// One of the app's files.
pub fn app_file(name: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

/// The runtime of `language` the app carries, gunzipped.
pub fn runtime(language: Language) -> Option<Vec<u8>> {
    let prefix = format!("runtimes/{}-", language.name());
    let (_, gz) = embedded::FILES
        .iter()
        .find(|(n, _)| n.starts_with(&prefix) && n.ends_with(".wasm.gz"))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(*gz)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

//! `sandlab xapi`: a class's records as xAPI statements, printed or posted
//! to a Learning Record Store.

use crate::cli::{load_prepared, parallel_map, read_record};
use sandlab::record::{self, xapi};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

pub fn xapi_cmd(
    records: &[PathBuf],
    labs: &Path,
    post: Option<&str>,
    auth: Option<(String, String)>,
    trust: bool,
) -> ExitCode {
    let fail = |code: u8, e: String| {
        eprintln!("error: {e}");
        ExitCode::from(code)
    };
    if let Some(url) = post
        && !sandlab::vocab::is_url(url)
    {
        return fail(
            2,
            format!(
                "`{url}` is not an http(s) URL: give the LRS endpoint, like https://lrs.example.edu/xAPI/"
            ),
        );
    }
    let courses = match load_prepared(labs) {
        Ok(c) => c,
        Err(e) => return fail(2, e),
    };
    let mut read = Vec::new();
    for path in records {
        match read_record(path) {
            Ok(r) => read.push((path, r)),
            Err(e) => return fail(2, format!("{}: cannot be read: {e}", path.display())),
        }
    }
    if !trust {
        // Nothing is sent unless every claim holds: an LRS keeps what it is
        // given, so a false pass there cannot be taken back.
        let verdicts = parallel_map(&read, |(_, r)| record::verify(r, &courses));
        let mut differs = false;
        for ((path, r), verdicts) in read.iter().zip(verdicts) {
            for v in verdicts.iter().filter(|v| !v.verified()) {
                differs = true;
                eprintln!(
                    "{}: {} {}/{}: DIFFERS",
                    path.display(),
                    r.learner.name,
                    v.course,
                    v.lab
                );
                for d in &v.differences {
                    eprintln!("    {d}");
                }
            }
        }
        if differs {
            return fail(
                1,
                "some records do not verify, so no statements were made (--trust sends what they claim)".into(),
            );
        }
    }
    let mut statements = Vec::new();
    for (path, r) in &read {
        match xapi::statements(r, &courses) {
            Ok(s) => statements.extend(s),
            Err(e) => return fail(2, format!("{}: {e}", path.display())),
        }
    }
    for s in &statements {
        if let Err(problems) = xapi::validate(s) {
            return fail(
                2,
                format!(
                    "statement {} is not valid xAPI {}:\n    {}",
                    s["id"],
                    xapi::VERSION,
                    problems.join("\n    ")
                ),
            );
        }
    }
    let Some(endpoint) = post else {
        out!(
            "{}",
            serde_json::to_string_pretty(&statements).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    };
    let url = xapi::statements_url(endpoint);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut posted = 0;
    for batch in statements.chunks(xapi::BATCH) {
        match post_batch(&agent, &url, auth.as_ref(), batch) {
            Ok(()) => posted += batch.len(),
            Err(e) => {
                return fail(
                    1,
                    format!(
                        "{e}\n{posted} of {} statements were posted before this; posting again is safe, the LRS keeps one copy of each",
                        statements.len()
                    ),
                );
            }
        }
    }
    out!("posted {posted} statements to {url}");
    ExitCode::SUCCESS
}

fn post_batch(
    agent: &ureq::Agent,
    url: &str,
    auth: Option<&(String, String)>,
    batch: &[Value],
) -> Result<(), String> {
    let mut request = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("X-Experience-API-Version", xapi::VERSION);
    if let Some((user, password)) = auth {
        request = request.header("Authorization", xapi::basic_auth(user, password));
    }
    let body = Value::Array(batch.to_vec()).to_string();
    let mut response = request
        .send(body.as_bytes())
        .map_err(|e| format!("could not reach the LRS at {url}: {e}"))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Err(xapi::refusal(url, status, &text))
}

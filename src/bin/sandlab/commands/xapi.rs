//! `sandlab xapi`: a class's records as xAPI statements, printed or posted
//! to a Learning Record Store.

use crate::error::{CliError, CliResult};
use crate::io::{self, out};
use crate::parallel::parallel_map;
use sandlab::lab::Course;
use sandlab::record::{self, Record, xapi};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Print the records' xAPI 1.0.3 statements (a JSON array), or post
/// them to a Learning Record Store with --post. Submissions are
/// re-graded first and nothing is sent if a record does not verify,
/// unless --trust. Exits 0 on success, 1 if a record does not verify or
/// the LRS refused, 2 if a record or the labs cannot be used.
#[derive(clap::Args)]
pub struct Args {
    /// Completion records (JSON).
    #[arg(required = true)]
    records: Vec<PathBuf>,
    #[arg(long, default_value = "labs")]
    labs: PathBuf,
    /// The LRS endpoint (the URL ending in `/xAPI/` or similar); the
    /// statements are posted to its `statements` resource.
    #[arg(long, value_name = "URL")]
    post: Option<String>,
    /// The LRS user (HTTP basic auth).
    #[arg(long, requires = "post")]
    user: Option<String>,
    /// The LRS password; SANDLAB_LRS_PASSWORD keeps it out of the
    /// process list.
    #[arg(long, requires = "user")]
    password: Option<String>,
    /// Skip re-grading: send what the records claim.
    #[arg(long)]
    trust: bool,
}

pub fn exec(args: Args) -> CliResult {
    if let Some(url) = &args.post
        && !sandlab::vocab::is_url(url)
    {
        return Err(CliError::Unusable(format!(
            "`{url}` is not an http(s) URL: give the LRS endpoint, like https://lrs.example.edu/xAPI/"
        )));
    }
    let courses = io::load_prepared(&args.labs)?;
    let read = args
        .records
        .iter()
        .map(|path| io::read_record(path).map(|r| (path, r)))
        .collect::<Result<Vec<_>, CliError>>()?;
    if !args.trust {
        // Nothing is sent unless every claim holds: an LRS keeps what it is
        // given, so a false pass there cannot be taken back.
        verify_all(&read, &courses)?;
    }
    let mut statements = Vec::new();
    for (path, r) in &read {
        let made = xapi::statements(r, &courses)
            .map_err(|e| CliError::Unusable(format!("{}: {e}", path.display())))?;
        statements.extend(made);
    }
    for s in &statements {
        xapi::validate(s).map_err(|invalid| CliError::Statement {
            id: s["id"].clone(),
            invalid,
        })?;
    }
    let Some(endpoint) = &args.post else {
        out!(
            "{}",
            serde_json::to_string_pretty(&statements).unwrap_or_default()
        );
        return Ok(());
    };
    let password = args
        .password
        .or_else(|| std::env::var("SANDLAB_LRS_PASSWORD").ok());
    let auth = args.user.map(|u| (u, password.unwrap_or_default()));
    post(endpoint, auth.as_ref(), &statements)
}

/// Re-grades every record, saying on stderr what differs.
///
/// # Errors
///
/// [`CliError::NotVerified`] if anything differs.
fn verify_all(read: &[(&PathBuf, Record)], courses: &[Course]) -> CliResult {
    let verdicts = parallel_map(read, |(_, r)| record::verify(r, courses));
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
        Err(CliError::NotVerified)
    } else {
        Ok(())
    }
}

/// Posts `statements` to the LRS at `endpoint` in batches.
fn post(endpoint: &str, auth: Option<&(String, String)>, statements: &[Value]) -> CliResult {
    let url = xapi::statements_url(endpoint);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut posted = 0;
    for batch in statements.chunks(xapi::BATCH) {
        post_batch(&agent, &url, auth, batch).map_err(|error| CliError::Lrs {
            error,
            posted,
            total: statements.len(),
        })?;
        posted += batch.len();
    }
    out!("posted {posted} statements to {url}");
    Ok(())
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

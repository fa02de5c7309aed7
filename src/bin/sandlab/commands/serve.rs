//! `sandlab serve`: the author's preview. Serves the site of their course
//! folders on 127.0.0.1, watches the folders, re-checks and re-bundles on
//! every save (re-proving only the labs an edit touched), and tells the
//! open page, which fetches the courses again. A save with problems shows
//! them, in the terminal and on the page, and the page keeps the last
//! version without any.

use crate::app;
use crate::error::{CliError, CliResult};
use crate::io::out;
use crate::site::{self, Proved, Sources};
use sandlab::lab::Preview;
use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

/// Preview the courses in DIR… in the browser as you edit them: serves the
/// app with those courses on http://127.0.0.1:PORT, and on every save
/// re-checks what changed and refreshes the open page. Problems show in
/// the terminal and on the page (file:line:column), and the page keeps
/// the last version without problems meanwhile. Ctrl+C stops.
#[derive(clap::Args)]
pub struct Args {
    /// Course folders (or folders of courses).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

/// Where the page listens for changes (server-sent events).
const EVENTS: &str = "__sandlab/events";
/// How often the folders are looked at.
const POLL: Duration = Duration::from_millis(200);

/// What is served, replaced whole on each change.
struct Site {
    /// Bumped on each change; the page's event stream waits for it.
    version: u64,
    /// The last good version's bundle with the preview's fields.
    bundle: String,
    index: Vec<u8>,
    good: Good,
}

/// A version of the courses without problems.
#[derive(Clone, Default)]
struct Good {
    bundle: String,
    /// Images, by path in the sources.
    images: BTreeMap<String, Vec<u8>>,
    /// Runtimes the labs download, by site path.
    runtimes: BTreeMap<String, Vec<u8>>,
}

struct Shared {
    site: Mutex<Site>,
    changed: Condvar,
}

pub fn exec(args: Args) -> CliResult {
    app::files()?;
    let sources = Sources::new(&args.dirs)?;
    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            CliError::Unusable(format!(
                "port {} is in use (another sandlab serve?): give another with --port",
                args.port
            ))
        } else {
            CliError::Unusable(format!("cannot listen on 127.0.0.1:{}: {e}", args.port))
        }
    })?;
    let shared = Arc::new(Shared {
        site: Mutex::new(Site {
            version: 0,
            bundle: String::new(),
            index: Vec::new(),
            good: Good::default(),
        }),
        changed: Condvar::new(),
    });
    let mut watcher = Watcher {
        sources,
        proved: Proved::default(),
        last_good: None,
        seen: None,
    };
    watcher.update(&shared);
    out!(
        "serving http://127.0.0.1:{}/ — the page follows your edits; Ctrl+C stops",
        args.port
    );
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(POLL);
                watcher.update(&shared);
            }
        });
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        std::thread::spawn(move || {
            // A page that goes away mid-answer is nothing to report.
            let _ = answer(stream, &shared);
        });
    }
    Ok(())
}

/// Follows the author's folders.
struct Watcher {
    sources: Sources,
    proved: Proved,
    /// The last version without problems.
    last_good: Option<Good>,
    /// What the folders looked like when last read.
    seen: Option<u64>,
}

impl Watcher {
    /// Rebuilds the site if a file changed since the last look.
    fn update(&mut self, shared: &Shared) {
        let now = fingerprint(self.sources.dirs());
        if self.seen == Some(now) {
            return;
        }
        self.seen = Some(now);
        let started = std::time::Instant::now();
        let problems = match self.rebuild() {
            Ok(problems) => problems,
            Err(e) => vec![e.to_string()],
        };
        let good = self.last_good.clone().unwrap_or_else(|| Good {
            bundle: empty_bundle(),
            ..Good::default()
        });
        let preview = Preview {
            live: Some(EVENTS.to_string()),
            problems: problems.clone(),
        };
        let index = site::index_html(&site::connect_origins(&good.bundle));
        let mut site = shared
            .site
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        site.version += 1;
        site.bundle = sandlab::lab::with_preview(&good.bundle, &preview);
        site.index = index;
        site.good = good;
        drop(site);
        shared.changed.notify_all();
        let at = clock();
        if problems.is_empty() {
            eprintln!(
                "[{at}] ok: checked in {} ms; the page is up to date",
                started.elapsed().as_millis()
            );
        } else {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!(
                "[{at}] {} problem(s); the page shows them and keeps the last version without any",
                problems.len()
            );
        }
    }

    /// Reads, checks and bundles the courses; keeps the result as the last
    /// good version when it has no problems. Returns the problems.
    fn rebuild(&mut self) -> Result<Vec<String>, CliError> {
        let files = self.sources.read()?;
        let prepared = site::prepare(&self.sources, &files, &mut self.proved)?;
        if !prepared.problems.is_empty() {
            return Ok(prepared.problems);
        }
        let mut runtime_files = Vec::new();
        let mut runtimes = BTreeMap::new();
        for (file, runtime) in site::runtimes(&prepared.courses)? {
            runtimes.insert(file.file.clone(), site::runtime_bytes(&file, &runtime)?);
            runtime_files.push(file);
        }
        let bundle = site::bundle(&files, &prepared.courses, &runtime_files, None);
        let images = site::course_files(&files, &prepared.courses)
            .into_iter()
            .collect();
        self.last_good = Some(Good {
            bundle,
            images,
            runtimes,
        });
        Ok(Vec::new())
    }
}

/// A bundle without courses: what the page shows before any version has
/// been free of problems.
fn empty_bundle() -> String {
    sandlab::lab::make_bundle(&Default::default(), &[], &[])
}

/// A hash of every file's path, size and modification time: cheap to take
/// every [`POLL`], even for thousands of files.
fn fingerprint<'a>(dirs: impl Iterator<Item = &'a Path>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for dir in dirs {
        let mut stack = vec![dir.to_path_buf()];
        let mut entries = Vec::new();
        while let Some(d) = stack.pop() {
            let Ok(list) = std::fs::read_dir(&d) else {
                // A folder that went away changes the hash by its absence.
                continue;
            };
            for entry in list.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name == "target" || name == "node_modules" {
                    continue;
                }
                let Ok(meta) = entry.metadata() else { continue };
                if meta.is_dir() {
                    stack.push(entry.path());
                } else {
                    let modified = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    entries.push((entry.path(), meta.len(), modified));
                }
            }
        }
        entries.sort();
        entries.hash(&mut hasher);
    }
    hasher.finish()
}

fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// Answers one request on `stream`.
fn answer(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // The headers: read and let go.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            method,
        );
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let path = path.trim_start_matches('/');
    if path == EVENTS {
        return events(stream, shared);
    }
    let site = shared
        .site
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let body: Option<(Vec<u8>, &str)> = match path {
        "" | "index.html" => Some((site.index.clone(), "index.html")),
        "courses.json" => Some((site.bundle.clone().into_bytes(), "courses.json")),
        _ => {
            if let Some(image) = path.strip_prefix("files/") {
                site.good.images.get(image).map(|b| (b.clone(), image))
            } else if let Some(bytes) = site.good.runtimes.get(path) {
                Some((bytes.clone(), path))
            } else {
                app::app_file(path).map(|b| (b.to_vec(), path))
            }
        }
    };
    drop(site);
    match body {
        Some((bytes, name)) => {
            let kind = site::content_type(name);
            respond(&mut stream, "200 OK", kind, &bytes, method)
        }
        None => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            method,
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    // A preview is never cached: every reload shows the author's last save.
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The page's event stream: a message whenever the site changes, and a
/// comment every 15 s so nothing between closes it as idle.
fn events(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: sandlab serve\n\n",
    )?;
    stream.flush()?;
    let mut seen = shared
        .site
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .version;
    loop {
        let site = shared
            .site
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (site, _) = shared
            .changed
            .wait_timeout_while(site, Duration::from_secs(15), |s| s.version == seen)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let version = site.version;
        drop(site);
        if version == seen {
            stream.write_all(b": still here\n\n")?;
        } else {
            seen = version;
            write!(stream, "data: {version}\n\n")?;
        }
        stream.flush()?;
    }
}

/// `%20` and friends in a request's path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(hex) = path.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

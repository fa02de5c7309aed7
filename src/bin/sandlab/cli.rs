use clap::{Parser, Subcommand};
use sandlab::compile;
use sandlab::grade::{self, Report, Verdict};
use sandlab::lab::{self, Files, Lab};
use sandlab::language::{self, Submission};
use sandlab::sandbox::{self, End, Request};
use sandlab::vocab::{FuncSig, Limits, ValType, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Hands-on WebAssembly labs: check labs, grade submissions, run modules.
#[derive(Parser)]
#[command(name = "sandlab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every course and lab under DIR: report each problem with
    /// file:line, prove every reference solution passes every check and every
    /// starter fails at least one. Exits 0 only if all is well.
    Check {
        /// The labs folder.
        #[arg(default_value = "labs")]
        dir: PathBuf,
    },
    /// Grade a submission (.wat or .wasm) against a lab. Exits 0 if every
    /// check passed, 1 if some failed, 2 if the lab or the file could not be
    /// used.
    Grade {
        /// The lab's folder (holding lab.toml).
        lab: PathBuf,
        /// The submission: WebAssembly text (.wat) or a module (.wasm);
        /// not needed for a lab of questions alone.
        file: Option<PathBuf>,
        /// The answers to the lab's questions: a JSON object by question
        /// name, as records hold them (`{"name": {"choices": [0]}}` or
        /// `{"name": {"text": "8"}}`; choices count from 0).
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Print one JSON report instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run a module in the sandbox with default limits: a WASI command's
    /// `_start`, or the function named by --invoke with ARGS as its
    /// arguments. Prints its stdout and stderr as they are, then the exit
    /// code and fuel on stderr. Exits with the program's exit code, 125 if
    /// it trapped or hit a limit, 2 if the file could not be used.
    Run {
        /// The module: .wat or .wasm.
        file: PathBuf,
        /// A file to use as stdin (default: this tool's own stdin).
        #[arg(long)]
        stdin: Option<PathBuf>,
        /// Call this exported function instead of `_start`.
        #[arg(long, value_name = "FUNCTION")]
        invoke: Option<String>,
        /// Instruction budget.
        #[arg(long, default_value_t = Limits::default().fuel)]
        fuel: u64,
        /// Memory cap in 64 KiB pages.
        #[arg(long, default_value_t = Limits::default().memory_pages)]
        memory_pages: u32,
        /// Command-line arguments for the program (after `--`), or the
        /// function's arguments with --invoke.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Write the browser bundle: the labs under DIR without their reference
    /// solutions, with random checks' expected values computed from them.
    Bundle {
        #[arg(default_value = "labs")]
        dir: PathBuf,
        /// Where to write the bundle (JSON).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Compile WebAssembly text to a binary module (for authors preparing
    /// `wasm` labs, whose reference solutions are binaries).
    Compile {
        /// The .wat file.
        file: PathBuf,
        /// Where to write the .wasm.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Grade a submission and write a completion record for it (what the
    /// browser exports; useful for trying `verify` and for test data).
    Record {
        /// The submission (.wat or .wasm); not needed for a lab of
        /// questions alone.
        file: Option<PathBuf>,
        /// The answers to the lab's questions (JSON, as for `grade`).
        #[arg(long)]
        answers: Option<PathBuf>,
        /// The course id.
        #[arg(long)]
        course: String,
        /// The lab id.
        #[arg(long)]
        lab: String,
        /// The learner's name or id.
        #[arg(long)]
        learner: String,
        /// The labs folder.
        #[arg(long, default_value = "labs")]
        labs: PathBuf,
        /// Where to write the record (default: stdout).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Re-grade every submission in each record and report, per lab,
    /// "verified" or exactly what differs. Exits 0 only if everything
    /// matches, 1 if something differs, 2 if a record cannot be read.
    Verify {
        /// Completion records (JSON).
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// The labs folder the records were graded against.
        #[arg(long, default_value = "labs")]
        labs: PathBuf,
    },
    /// One row per learner, one column per lab, with totals. Scores are
    /// re-graded (on all cores) and only verified scores count, unless
    /// --trust takes the records' word for them.
    Gradebook {
        /// Completion records (JSON).
        #[arg(required = true)]
        records: Vec<PathBuf>,
        #[arg(long, default_value = "labs")]
        labs: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Skip re-grading: use the scores the records claim.
        #[arg(long)]
        trust: bool,
    },
    /// Write a class report: a self-contained HTML page (charts as inline
    /// SVG, nothing fetched) with completion per lab, the score spread, the
    /// checks and questions that fail most with the commonest verdicts and
    /// wrong answers, time spent against the estimate and who needs a look;
    /// plus the same tables as CSV. Labs that do not verify by re-grading
    /// are left out and listed, unless --trust. Exits 0, or 2 if the labs,
    /// a record or the output folder cannot be used.
    Report {
        /// Completion records (JSON), one or more per learner.
        #[arg(required = true)]
        records: Vec<PathBuf>,
        #[arg(long, default_value = "labs")]
        labs: PathBuf,
        /// The folder to write index.html and the CSV files into.
        #[arg(long, default_value = "report")]
        out: PathBuf,
        /// The page's title.
        #[arg(long, default_value = "Class report")]
        title: String,
        /// Skip re-grading: count what the records claim.
        #[arg(long)]
        trust: bool,
    },
    /// Print the records' xAPI 1.0.3 statements (a JSON array), or post
    /// them to a Learning Record Store with --post. Submissions are
    /// re-graded first and nothing is sent if a record does not verify,
    /// unless --trust. Exits 0 on success, 1 if a record does not verify or
    /// the LRS refused, 2 if a record or the labs cannot be used.
    Xapi {
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
    },
    /// List the courses and labs under DIR.
    List {
        #[arg(default_value = "labs")]
        dir: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir } => check(&dir),
        Command::Grade {
            lab,
            file,
            answers,
            json,
        } => grade_cmd(&lab, file.as_deref(), answers.as_deref(), json),
        Command::Run {
            file,
            stdin,
            invoke,
            fuel,
            memory_pages,
            args,
        } => run(&file, stdin.as_deref(), invoke, fuel, memory_pages, args),
        Command::List { dir } => list(&dir),
        Command::Bundle { dir, out } => bundle(&dir, &out),
        Command::Compile { file, out } => compile_cmd(&file, &out),
        Command::Record {
            file,
            answers,
            course,
            lab,
            learner,
            labs,
            out,
        } => record_cmd(
            file.as_deref(),
            answers.as_deref(),
            &course,
            &lab,
            &learner,
            &labs,
            out.as_deref(),
        ),
        Command::Verify { records, labs } => verify_cmd(&records, &labs),
        Command::Gradebook {
            records,
            labs,
            format,
            trust,
        } => gradebook_cmd(&records, &labs, format, trust),
        Command::Report {
            records,
            labs,
            out,
            title,
            trust,
        } => report_cmd(&records, &labs, &out, &title, trust),
        Command::Xapi {
            records,
            labs,
            post,
            user,
            password,
            trust,
        } => {
            let password = password.or_else(|| std::env::var("SANDLAB_LRS_PASSWORD").ok());
            let auth = user.map(|u| (u, password.unwrap_or_default()));
            crate::xapi::xapi_cmd(&records, &labs, post.as_deref(), auth, trust)
        }
    }
}

/// Largest file read into a lab: larger ones are almost surely a mistake.
const MAX_LAB_FILE: u64 = 16 * 1024 * 1024;
/// Largest submission accepted, the same cap the browser applies.
const MAX_SUBMISSION: u64 = 16 * 1024 * 1024;

/// Reads every file under `root` into a [`Files`] map keyed by relative path.
fn read_tree(root: &Path) -> Result<Files, String> {
    let mut files = Files::default();
    let meta = std::fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            let meta = entry
                .metadata()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && meta.len() <= MAX_LAB_FILE {
                let rel = path
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                files.insert(rel, bytes);
            }
        }
    }
    Ok(files)
}

fn prefixed(root: &Path, d: &lab::Diagnostic) -> String {
    let file = root.join(&d.file);
    if d.line == 0 {
        format!("{}: {}", file.display(), d.message)
    } else {
        format!("{}:{}:{}: {}", file.display(), d.line, d.column, d.message)
    }
}

fn check(dir: &Path) -> ExitCode {
    let files = match read_tree(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let loaded = lab::load_courses(&files);
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| prefixed(dir, d))
        .collect();
    let mut labs = 0;
    for course in &loaded.courses {
        for lab in &course.labs {
            labs += 1;
            problems.extend(prove(dir, lab));
        }
    }
    for p in &problems {
        out!("{p}");
    }
    let courses = loaded.courses.len();
    if problems.is_empty() {
        out!(
            "checked {courses} course(s), {labs} lab(s): every solution passes, every starter fails"
        );
        ExitCode::SUCCESS
    } else {
        out!(
            "{} problem(s) in {courses} course(s), {labs} lab(s)",
            problems.len()
        );
        ExitCode::from(1)
    }
}

/// Proves a lab: its solution passes every check, its starter fails one.
fn prove(root: &Path, lab: &Lab) -> Vec<String> {
    let toml = root.join(&lab.dir).join("lab.toml");
    let at = |line: u32| format!("{}:{line}:1", toml.display());
    let mut lab = lab.clone();
    if let Err(e) = grade::compute_expected(&mut lab) {
        return vec![format!("{}: {e}", toml.display())];
    }
    let mut problems = Vec::new();
    match &lab.solution {
        // A lab of questions alone: the loader already checked that each
        // question can be answered.
        _ if !lab.has_code() => {}
        Some(solution) => {
            let report = grade::grade(&lab, solution);
            if let Some(e) = &report.compile_error {
                problems.push(format!(
                    "{}: the reference solution does not compile: {e}",
                    toml.display()
                ));
            } else {
                for (c, check) in report.checks.iter().zip(&lab.checks) {
                    if !c.verdict.is_pass() {
                        problems.push(format!(
                            "{}: check `{}`: the reference solution fails: {}",
                            at(check.line),
                            c.name,
                            c.verdict
                        ));
                    }
                }
            }
        }
        None => problems.push(format!(
            "{}: the lab has no reference solution",
            toml.display()
        )),
    }
    if let Some(starter) = &lab.starter {
        let report = grade::grade(&lab, starter);
        // The code alone: the starter cannot have answered the questions.
        if report.checks.iter().all(|c| c.verdict.is_pass()) {
            problems.push(format!(
                "{}: the starter already passes every check: learners would have nothing to do",
                toml.display()
            ));
        }
        if let Some(check) = report.checks.iter().find(|c| c.verdict.is_lab_error()) {
            problems.push(format!(
                "{}: check `{}`: {}",
                toml.display(),
                check.name,
                check.verdict
            ));
        }
    }
    problems
}

fn load_one_lab(dir: &Path) -> Result<Lab, String> {
    let files = read_tree(dir)?;
    if files.get("lab.toml").is_none() {
        return Err(format!(
            "{} holds no lab.toml: give the folder of a lab",
            dir.display()
        ));
    }
    let mut lab = lab::load_lab(&files, "").map_err(|ds| {
        ds.iter()
            .map(|d| prefixed(dir, d))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    grade::compute_expected(&mut lab)
        .map_err(|e| format!("{}: {e}", dir.join("lab.toml").display()))?;
    Ok(lab)
}

fn read_submission(file: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if meta.len() > MAX_SUBMISSION {
        return Err(format!(
            "{} is {} MB; submissions are limited to {} MB",
            file.display(),
            meta.len() / 1_000_000,
            MAX_SUBMISSION / 1_000_000
        ));
    }
    std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))
}

/// The submission in `file`, or the empty one a lab of questions alone
/// takes.
///
/// # Errors
///
/// A lab with code checks and no file, or a file that cannot be read (a
/// text that is not UTF-8 is a compile error, reported as the grade).
fn submission_for(
    lab: &Lab,
    file: Option<&Path>,
) -> Result<Result<Submission, sandlab::compile::CompileError>, String> {
    match file {
        None if lab.has_code() => Err(format!(
            "the lab `{}` has code checks: give the submission FILE",
            lab.id
        )),
        None => Ok(Ok(Submission::text(lab.language, String::new()))),
        Some(file) => {
            let bytes = read_submission(file)?;
            Ok(Submission::for_lab(
                lab.language,
                &file.to_string_lossy(),
                bytes,
            ))
        }
    }
}

/// Answers from a JSON file, or none.
///
/// # Errors
///
/// The file cannot be read or is not answers.
fn read_answers(path: Option<&Path>) -> Result<grade::Answers, String> {
    let Some(path) = path else {
        return Ok(grade::Answers::new());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not answers ({e}); write a JSON object by question name, like {{\"q1\": {{\"choices\": [0]}}, \"q2\": {{\"text\": \"8\"}}}}",
            path.display()
        )
    })
}

fn grade_cmd(lab_dir: &Path, file: Option<&Path>, answers: Option<&Path>, json: bool) -> ExitCode {
    let lab = match load_one_lab(lab_dir) {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("error: the lab cannot be used:\n{e}");
            return ExitCode::from(2);
        }
    };
    let (submission, answers) = match (submission_for(&lab, file), read_answers(answers)) {
        (Ok(s), Ok(a)) => (s, a),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let name = file.map_or_else(|| "(questions only)".into(), |f| f.to_string_lossy());
    let report = match submission {
        Ok(submission) => grade::grade_with(&lab, &submission, &answers),
        Err(e) => grade::compile_failure(&lab, e).answered(&lab, &answers),
    };
    if json {
        out!("{}", grade::report_json(&report));
    } else {
        print_report(&lab, &report, &name);
    }
    if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_report(lab: &Lab, report: &Report, file: &str) {
    out!("{} ({}): {file}", lab.title, lab.id);
    if let Some(e) = &report.compile_error {
        match (e.line, e.column) {
            (Some(l), Some(c)) => out!("compile error: {file}:{l}:{c}: {}", e.message),
            _ => out!("compile error: {file}: {}", e.message),
        }
    }
    for c in &report.checks {
        let mark = if c.verdict.is_pass() { "ok  " } else { "FAIL" };
        let fuel = match c.budget {
            Some(b) => format!("fuel {} (budget {b})", c.fuel),
            None => format!("fuel {}", c.fuel),
        };
        let hidden = if c.hidden { " (hidden)" } else { "" };
        out!(
            "  {mark} {}{hidden}  [{}/{} pts, {fuel}]",
            c.name,
            c.score,
            c.points
        );
        if c.verdict.is_pass() || matches!(c.verdict, Verdict::CompileError(_)) {
            continue;
        }
        if c.hidden {
            out!("       {}", c.verdict.name());
        } else {
            for line in c.verdict.to_string().lines() {
                out!("       {line}");
            }
            if let Some(f) = &c.feedback {
                out!("       hint: {f}");
            }
        }
    }
    for q in &report.questions {
        let mark = match q.verdict {
            grade::AnswerVerdict::Correct => "ok  ",
            grade::AnswerVerdict::Wrong => "FAIL",
            grade::AnswerVerdict::Unanswered => "----",
        };
        out!(
            "  {mark} question: {}  [{}/{} pts, {}]",
            q.name,
            q.score,
            q.points,
            q.verdict.name()
        );
        for f in &q.feedback {
            out!("       {f}");
        }
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| !c.verdict.is_pass())
        .count()
        + report
            .questions
            .iter()
            .filter(|q| q.verdict != grade::AnswerVerdict::Correct)
            .count();
    let total = report.checks.len() + report.questions.len();
    let what = if report.questions.is_empty() {
        "checks"
    } else {
        "checks and questions"
    };
    if failed == 0 {
        out!(
            "score {}/{}: all {total} {what} passed",
            report.score,
            report.max_score,
        );
    } else {
        out!(
            "score {}/{}: {failed} of {total} {what} failed",
            report.score,
            report.max_score,
        );
    }
}

fn parse_arg(text: &str, ty: ValType) -> Result<Value, String> {
    let bad = || format!("`{text}` is not an {ty}");
    Ok(match ty {
        ValType::I32 => Value::I32(
            text.parse::<i32>()
                .or_else(|_| text.parse::<u32>().map(|u| u as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Value::I64(
            text.parse::<i64>()
                .or_else(|_| text.parse::<u64>().map(|u| u as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Value::F32(text.parse().map_err(|_| bad())?),
        ValType::F64 => Value::F64(text.parse().map_err(|_| bad())?),
    })
}

fn run(
    file: &Path,
    stdin: Option<&Path>,
    invoke: Option<String>,
    fuel: u64,
    memory_pages: u32,
    args: Vec<String>,
) -> ExitCode {
    let fail = |e: String| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    let bytes = match read_submission(file) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let name = file.to_string_lossy().into_owned();
    let limits = Limits {
        fuel,
        memory_pages,
        ..Limits::default()
    };
    let program = match Submission::from_file(&name, bytes)
        .and_then(|s| language::build(s.language, &s))
        .and_then(|r| compile::load(&r.binary, limits.stack_depth))
    {
        Ok(p) => p,
        Err(e) => return fail(format!("{name}: {e}")),
    };
    let mut request = match &invoke {
        Some(function) => {
            let sig: FuncSig = match program.export_sig(function) {
                Some(Ok(sig)) => sig,
                Some(Err(e)) => return fail(e),
                None => return fail(format!("{name} does not export `{function}`")),
            };
            if sig.params.len() != args.len() {
                return fail(format!(
                    "`{function}` has signature {sig}: give {} argument(s) after --",
                    sig.params.len()
                ));
            }
            let values: Result<Vec<Value>, String> = args
                .iter()
                .zip(&sig.params)
                .map(|(a, t)| parse_arg(a, *t))
                .collect();
            match values {
                Ok(v) => Request::call(function, v),
                Err(e) => return fail(e),
            }
        }
        None => {
            let mut r = Request::command();
            r.world.args = args;
            r
        }
    };
    request.limits = limits;
    request.world.program_name = file
        .file_name()
        .map_or("main.wasm".into(), |n| n.to_string_lossy().into_owned());
    if invoke.is_none() {
        let input = match stdin {
            Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display())),
            None => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map(|_| buf)
                    .map_err(|e| format!("stdin: {e}"))
            }
        };
        match input {
            Ok(bytes) => request.world.stdin = bytes,
            Err(e) => return fail(e),
        }
    }
    let outcome = sandbox::run(&program, request);
    let _ = std::io::stdout().write_all(&outcome.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&outcome.stderr);
    let fuel = outcome.fuel_used;
    match &outcome.end {
        End::Returned(values) => {
            if !values.is_empty() {
                out!("{}", sandbox::join_values(values));
            }
            eprintln!("[sandlab] exit code 0, fuel {fuel}");
            ExitCode::SUCCESS
        }
        End::Exited(code) => {
            eprintln!("[sandlab] exit code {code}, fuel {fuel}");
            ExitCode::from((*code & 0xff) as u8)
        }
        other => {
            eprintln!("[sandlab] {other} (fuel {fuel})");
            ExitCode::from(125)
        }
    }
}

fn list(dir: &Path) -> ExitCode {
    let files = match read_tree(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let loaded = lab::load_courses(&files);
    for course in &loaded.courses {
        out!(
            "{} — {} ({} labs)",
            course.id,
            course.title,
            course.labs.len()
        );
        for lab in &course.labs {
            out!(
                "  {:<24} {:<40} {:>3} min  {} pts  {}",
                lab.id,
                lab.title,
                lab.minutes,
                lab.max_score(),
                lab.language.name()
            );
        }
    }
    for d in &loaded.diagnostics {
        eprintln!("{}", prefixed(dir, d));
    }
    if loaded.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn bundle(dir: &Path, out: &Path) -> ExitCode {
    let files = match read_tree(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut loaded = lab::load_courses(&files);
    let mut problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| prefixed(dir, d))
        .collect();
    for course in &mut loaded.courses {
        for lab in &mut course.labs {
            if let Err(e) = grade::compute_expected(lab) {
                problems.push(format!(
                    "{}: {e}",
                    dir.join(&lab.dir).join("lab.toml").display()
                ));
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!("error: the labs have problems; fix them (see `sandlab check`) before bundling");
        return ExitCode::from(1);
    }
    let text = lab::make_bundle(&files, &loaded.courses);
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    match std::fs::write(out, &text) {
        Ok(()) => {
            let labs: usize = loaded.courses.iter().map(|c| c.labs.len()).sum();
            eprintln!(
                "wrote {} ({} course(s), {labs} lab(s), {} bytes)",
                out.display(),
                loaded.courses.len(),
                text.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}

fn compile_cmd(file: &Path, out: &Path) -> ExitCode {
    let result = read_submission(file)
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", file.display()))
        })
        .and_then(|text| {
            // Validate too, so a module that would not load is never written.
            compile::wat_binary(&text)
                .and_then(|binary| compile::load(&binary, Limits::default().stack_depth))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            compile::wat(&text).map_err(|e| format!("{}: {e}", file.display()))
        })
        .and_then(|wasm| std::fs::write(out, &wasm).map_err(|e| format!("{}: {e}", out.display())));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Every course under `dir`, with random checks prepared.
pub(crate) fn load_prepared(dir: &Path) -> Result<Vec<lab::Course>, String> {
    let files = read_tree(dir)?;
    let mut loaded = lab::load_courses(&files);
    if !loaded.diagnostics.is_empty() {
        let problems: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| prefixed(dir, d))
            .collect();
        return Err(format!(
            "the labs have problems (see `sandlab check`):\n{}",
            problems.join("\n")
        ));
    }
    for course in &mut loaded.courses {
        for lab in &mut course.labs {
            grade::compute_expected(lab)
                .map_err(|e| format!("{}: {e}", dir.join(&lab.dir).join("lab.toml").display()))?;
        }
    }
    Ok(loaded.courses)
}

/// Now as RFC 3339 in UTC (the CLI is an edge: it may read the clock).
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn record_cmd(
    file: Option<&Path>,
    answers: Option<&Path>,
    course_id: &str,
    lab_id: &str,
    learner: &str,
    labs: &Path,
    out: Option<&Path>,
) -> ExitCode {
    let fail = |e: String| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    let courses = match load_prepared(labs) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let Some((course, lab)) = courses
        .iter()
        .find(|c| c.id == course_id)
        .and_then(|c| c.labs.iter().find(|l| l.id == lab_id).map(|l| (c, l)))
    else {
        return fail(format!(
            "no lab `{lab_id}` in a course `{course_id}` under {}",
            labs.display()
        ));
    };
    let submission = match submission_for(lab, file) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return fail(format!("{}: {e}", file.unwrap_or(Path::new("")).display())),
        Err(e) => return fail(e),
    };
    let answers = match read_answers(answers) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let report = grade::grade_with(lab, &submission, &answers);
    let now = now_rfc3339();
    let record = sandlab::record::Record::new(
        sandlab::record::Learner {
            name: learner.into(),
            email: None,
        },
        now.clone(),
        vec![sandlab::record::lab_record(
            course,
            lab,
            &submission,
            &answers,
            &report,
            sandlab::record::Attempts {
                attempts: 1,
                first_attempt: Some(now.clone()),
                last_attempt: Some(now.clone()),
                time_spent_seconds: 0,
                passed_at: report.passed.then_some(now),
            },
        )],
    );
    let text = sandlab::record::write(&record);
    match out {
        Some(path) => match std::fs::write(path, &text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("{}: {e}", path.display())),
        },
        None => {
            out!("{text}");
            ExitCode::SUCCESS
        }
    }
}

/// Reads a completion record file.
pub(crate) fn read_record(path: &Path) -> Result<sandlab::record::Record, String> {
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| sandlab::record::read(&t).map_err(|e| e.to_string()))
}

fn verify_cmd(records: &[PathBuf], labs: &Path) -> ExitCode {
    let courses = match load_prepared(labs) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Re-grading is the work: it runs on every core, the report keeps order.
    let checked = parallel_map(records, |path| {
        read_record(path).map(|record| {
            let verdicts = sandlab::record::verify(&record, &courses);
            (record.learner.name, verdicts)
        })
    });
    let mut unreadable = false;
    let mut differs = false;
    for (path, checked) in records.iter().zip(checked) {
        let (learner, verdicts) = match checked {
            Ok(c) => c,
            Err(e) => {
                out!("{}: cannot be read: {e}", path.display());
                unreadable = true;
                continue;
            }
        };
        for v in verdicts {
            if v.verified() {
                out!(
                    "{}: {learner} {}/{}: verified",
                    path.display(),
                    v.course,
                    v.lab
                );
                if let Some(note) = &v.note {
                    out!("    {note}");
                }
            } else {
                differs = true;
                out!(
                    "{}: {learner} {}/{}: DIFFERS",
                    path.display(),
                    v.course,
                    v.lab
                );
                for d in &v.differences {
                    out!("    {d}");
                }
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if differs {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report_cmd(records: &[PathBuf], labs: &Path, out: &Path, title: &str, trust: bool) -> ExitCode {
    let fail = |e: String| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    let courses = match load_prepared(labs) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let mut read = Vec::new();
    for path in records {
        match read_record(path) {
            Ok(r) => read.push(r),
            Err(e) => return fail(format!("{}: cannot be read: {e}", path.display())),
        }
    }
    let verified: Vec<Vec<bool>> = parallel_map(&read, |record| {
        if trust {
            vec![true; record.labs.len()]
        } else {
            sandlab::record::verify(record, &courses)
                .iter()
                .map(|v| v.verified())
                .collect()
        }
    });
    // One entry per learner: several records of one learner merge.
    let mut learners: Vec<sandlab::record::class::Learner<'_>> = Vec::new();
    let mut notes = Vec::new();
    for (record, ok) in read.iter().zip(&verified) {
        let name = &record.learner.name;
        let index = match learners.iter().position(|l| &l.name == name) {
            Some(i) => i,
            None => {
                learners.push(sandlab::record::class::Learner {
                    name: name.clone(),
                    labs: Vec::new(),
                });
                learners.len() - 1
            }
        };
        for (lab, ok) in record.labs.iter().zip(ok) {
            if *ok {
                learners[index].labs.push(lab);
            } else {
                notes.push(format!("{name}: {}/{}", lab.course, lab.lab));
            }
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let report = sandlab::record::class::analyse(&courses, &learners, now);
    let page = sandlab::record::class::html(&report, title, &now_rfc3339(), &notes);
    if let Err(e) = std::fs::create_dir_all(out) {
        return fail(format!("{}: {e}", out.display()));
    }
    let mut files = vec![("index.html", page)];
    files.extend(sandlab::record::class::csv_files(&report));
    for (name, text) in &files {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            return fail(format!("{}: {e}", path.display()));
        }
    }
    out!(
        "wrote {} ({} learner(s), {} lab(s) left out as unverified) and {} CSV files",
        out.join("index.html").display(),
        report.learners,
        notes.len(),
        files.len() - 1
    );
    ExitCode::SUCCESS
}

/// Runs `f` over `items` on every core, keeping the order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // SANDLAB_THREADS overrides the core count (for measuring the speed-up).
    let cores = std::env::var("SANDLAB_THREADS")
        .ok()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|t| *t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = cores.min(items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// A learner, their counted score per lab column, and how many of their labs
/// did not verify; or why a record could not be read.
type GradebookRow = Result<(String, Vec<Option<u32>>, usize), String>;

fn gradebook_cmd(records: &[PathBuf], labs: &Path, format: Format, trust: bool) -> ExitCode {
    let courses = match load_prepared(labs) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let columns: Vec<(String, String, u32)> = courses
        .iter()
        .flat_map(|c| {
            c.labs
                .iter()
                .map(|l| (c.id.clone(), l.id.clone(), l.max_score()))
        })
        .collect();
    let read: Vec<(PathBuf, Result<sandlab::record::Record, String>)> = records
        .iter()
        .map(|p| (p.clone(), read_record(p)))
        .collect();
    let mut failed = false;
    // Per record: learner, and per column the score that counts (None: not
    // done, or not verified).
    let rows = parallel_map(&read, |(path, record)| match record {
        Err(e) => Err(format!("{}: cannot be read: {e}", path.display())),
        Ok(record) => {
            let verified: Vec<bool> = if trust {
                vec![true; record.labs.len()]
            } else {
                sandlab::record::verify(record, &courses)
                    .iter()
                    .map(|v| v.verified())
                    .collect()
            };
            let scores: Vec<Option<u32>> = columns
                .iter()
                .map(|(course, lab, _)| {
                    record
                        .labs
                        .iter()
                        .zip(&verified)
                        .filter(|(l, _)| &l.course == course && &l.lab == lab)
                        .filter(|(_, ok)| **ok)
                        .map(|(l, _)| l.score)
                        .max()
                })
                .collect();
            let unverified = verified.iter().filter(|v| !**v).count();
            Ok((record.learner.name.clone(), scores, unverified))
        }
    });
    let max_total: u32 = columns.iter().map(|c| c.2).sum();
    // One row per learner: several records of one learner merge, keeping
    // the best counted score per lab.
    let mut merged: Vec<GradebookRow> = Vec::new();
    for row in rows {
        match row {
            Ok((name, scores, unverified)) => {
                match merged
                    .iter_mut()
                    .find_map(|m| m.as_mut().ok().filter(|m| m.0 == name))
                {
                    Some(existing) => {
                        for (best, s) in existing.1.iter_mut().zip(scores) {
                            *best = (*best).max(s);
                        }
                        existing.2 += unverified;
                    }
                    None => merged.push(Ok((name, scores, unverified))),
                }
            }
            Err(e) => merged.push(Err(e)),
        }
    }
    let rows = merged;
    match format {
        Format::Csv => {
            let mut header = vec!["learner".to_string()];
            header.extend(
                columns
                    .iter()
                    .map(|(c, l, m)| sandlab::record::csv_field(&format!("{c}/{l} (/{m})"))),
            );
            header.extend([
                "total".to_string(),
                format!("max {max_total}"),
                "unverified labs".to_string(),
            ]);
            out!("{}", header.join(","));
            for row in &rows {
                match row {
                    Err(e) => {
                        failed = true;
                        eprintln!("{e}");
                    }
                    Ok((name, scores, unverified)) => {
                        let mut line = vec![sandlab::record::csv_field(name)];
                        line.extend(
                            scores
                                .iter()
                                .map(|s| s.map_or(String::new(), |s| s.to_string())),
                        );
                        let total: u32 = scores.iter().flatten().sum();
                        line.extend([
                            total.to_string(),
                            max_total.to_string(),
                            unverified.to_string(),
                        ]);
                        out!("{}", line.join(","));
                    }
                }
            }
        }
        Format::Json => {
            let learners: Vec<serde_json::Value> = rows
                .iter()
                .filter_map(|row| match row {
                    Err(e) => {
                        failed = true;
                        eprintln!("{e}");
                        None
                    }
                    Ok((name, scores, unverified)) => Some(serde_json::json!({
                        "learner": name,
                        "labs": columns.iter().zip(scores).map(|((c, l, _), s)| serde_json::json!({
                            "course": c, "lab": l, "score": s,
                        })).collect::<Vec<_>>(),
                        "total": scores.iter().flatten().sum::<u32>(),
                        "max_total": max_total,
                        "unverified_labs": unverified,
                    })),
                })
                .collect();
            out!(
                "{}",
                serde_json::json!({ "verified_only": !trust, "learners": learners })
            );
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

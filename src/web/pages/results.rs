//! The Results page: the learner's name, every lab's score, status,
//! attempts and time, the exports (completion record, CSV, xAPI), sending
//! to a course's LRS, and the backup that carries everything to another
//! browser.

use crate::lab::Course;
use crate::record::Record;
use crate::web::app::{Catalog, use_ctx};
use crate::web::browser;
use crate::web::components::SendPanel;
use crate::web::progress::{self, Action, Progress, lab_key};
use crate::web::storage;
use crate::web::views::lab_href;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// What the Results page can export.
#[derive(Clone, Copy, PartialEq)]
enum Export {
    Record,
    Csv,
    Xapi,
}

#[component]
pub fn ResultsPage() -> Html {
    let ctx = use_ctx();
    let message = use_state(|| None::<String>);
    browser::set_title("Results");
    let progress = ctx.progress.clone();
    let on_name = {
        let progress = progress.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            progress.dispatch(Action::SetLearner {
                name: input.value(),
                email: progress.learner_email.clone(),
            });
        })
    };
    let on_email = {
        let progress = progress.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            progress.dispatch(Action::SetLearner {
                name: progress.learner_name.clone(),
                email: input.value(),
            });
        })
    };
    let on_export = on_export(ctx.catalog.clone(), progress.clone(), message.clone());
    let on_backup = on_backup(progress.clone(), message.clone());
    let on_restore = on_restore(progress.clone(), message.clone());
    let courses = &ctx.catalog.courses;
    let labs = || {
        courses
            .iter()
            .flat_map(|c| c.labs.iter().map(move |l| (c, l)))
    };
    let total: u32 = labs()
        .map(|(c, l)| progress.lab(&lab_key(&c.id, &l.id)).best_score)
        .sum();
    let max: u32 = labs().map(|(_, l)| l.max_score()).sum();
    html! {
        <section class="results-page">
            <h1>{ "Results" }</h1>
            <div class="learner">
                <label>{ "Your name or id" }
                    <input type="text" value={progress.learner_name.clone()} onchange={on_name} autocomplete="name" />
                </label>
                <label>{ "Email (optional)" }
                    <input type="email" value={progress.learner_email.clone()} onchange={on_email} autocomplete="email" />
                </label>
            </div>
            { for courses.iter().map(|course| html! {
                <>
                { results_table(course, &progress) }
                if course.xapi.endpoint.is_some() {
                    <SendPanel course={course.id.clone()} />
                }
                </>
            }) }
            <p class="summary" data-testid="results-summary">{ format!("{total} of {max} points in all courses.") }</p>
            <div class="exports">
                <button class="primary export" onclick={on_export.reform(|_| Export::Record)}>{ "Export completion record (JSON)" }</button>
                <button class="export-csv" onclick={on_export.reform(|_| Export::Csv)}>{ "Results (CSV)" }</button>
                <button class="export-xapi" onclick={on_export.reform(|_| Export::Xapi)}>{ "xAPI statements (JSON)" }</button>
            </div>
            <h2>{ "Backup" }</h2>
            <p>{ "Your work lives in this browser. A backup file holds all of it (code, uploads, scores) to restore here or in another browser." }</p>
            <div class="exports">
                <button class="backup-export" onclick={on_backup}>{ "Download a backup" }</button>
                <label class="file-label">{ "Restore a backup" }
                    <input type="file" class="backup-import" accept=".json,application/json" onchange={on_restore} />
                </label>
            </div>
            if let Some(m) = &*message { <p role="status" class="export-message">{ m }</p> }
        </section>
    }
}

/// One course's labs: status, score, attempts and time spent.
fn results_table(course: &Course, progress: &Progress) -> Html {
    html! {
        <table class="results-table">
            <caption>{ &course.title }</caption>
            <thead><tr><th scope="col">{ "Lab" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Score" }</th><th scope="col">{ "Attempts" }</th><th scope="col">{ "Time spent" }</th></tr></thead>
            <tbody>
            { for course.labs.iter().map(|lab| {
                let p = progress.lab(&lab_key(&course.id, &lab.id));
                html! {
                    <tr>
                        <th scope="row"><a href={lab_href(&course.id, &lab.id)}>{ &lab.title }</a></th>
                        <td>{ p.status().label() }</td>
                        <td>{ format!("{}/{}", p.best_score, lab.max_score()) }</td>
                        <td>{ p.attempts }</td>
                        <td>{ spent(p.attempts > 0, p.time_spent_seconds()) }</td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}

/// `1 h 5 min`, `12 min`, `< 1 min`, or `—` for a lab not attempted.
fn spent(attempted: bool, seconds: u64) -> String {
    match seconds {
        _ if !attempted => "—".into(),
        s if s < 60 => "< 1 min".into(),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// Downloads the record, the CSV or the xAPI statements of everything
/// attempted, re-graded now; says in `message` what became of it.
fn on_export(
    catalog: Rc<Catalog>,
    progress: UseReducerHandle<Progress>,
    message: UseStateHandle<Option<String>>,
) -> Callback<Export> {
    Callback::from(move |what: Export| {
        if progress.learner_name.trim().is_empty() {
            message.set(Some(
                "Enter your name or id first: the record says whose work it is.".into(),
            ));
            return;
        }
        let (catalog, progress, message) = (catalog.clone(), progress.clone(), message.clone());
        message.set(Some("Re-grading your work for the record…".into()));
        spawn_local(async move {
            let record = match catalog.record(&progress).await {
                Ok(record) => record,
                Err(e) => {
                    message.set(Some(format!("Export failed: {e}")));
                    return;
                }
            };
            export(&catalog, &progress, &message, what, &record);
        });
    })
}

/// Offers `record` (or its CSV or statements) as a download.
fn export(
    catalog: &Catalog,
    progress: &Progress,
    message: &UseStateHandle<Option<String>>,
    what: Export,
    record: &Record,
) {
    {
        let stem = progress
            .learner_name
            .trim()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        let (file, mime, text) = match what {
            Export::Record => (
                format!("sandlab-record-{stem}.json"),
                "application/json",
                Ok(crate::record::write(record)),
            ),
            Export::Csv => (
                format!("sandlab-results-{stem}.csv"),
                "text/csv",
                Ok(crate::record::csv(record)),
            ),
            Export::Xapi => (
                format!("sandlab-xapi-{stem}.json"),
                "application/json",
                catalog
                    .statements(record)
                    .map(|s| serde_json::to_string_pretty(&s).unwrap_or_default()),
            ),
        };
        message.set(Some(
            match text.and_then(|text| browser::download(&file, mime, &text)) {
                Ok(()) => format!("Exported {} lab(s) to {file}.", record.labs.len()),
                Err(e) => format!("Export failed: {e}"),
            },
        ));
    }
}

/// Downloads a backup of all the learner's work.
fn on_backup(
    progress: UseReducerHandle<Progress>,
    message: UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let now = browser::iso(storage::now_ms());
        let file = format!("sandlab-backup-{}.json", &now[..10]);
        let text = progress::backup(&progress, &now);
        message.set(Some(
            match browser::download(&file, "application/json", &text) {
                Ok(()) => format!(
                    "Saved a backup of {} lab(s) to {file}. Restore it here, in any browser.",
                    progress.labs.len()
                ),
                Err(e) => format!("The backup failed: {e}"),
            },
        ));
    })
}

/// Restores the backup file the learner picked (see [`restore`]).
fn on_restore(
    progress: UseReducerHandle<Progress>,
    message: UseStateHandle<Option<String>>,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Cleared, so picking the same file again restores it again.
        input.set_value("");
        spawn_local(restore(file, progress.clone(), message.clone()));
    })
}

/// Reads a backup and, once the learner confirms, replaces the progress
/// here with it; the progress it replaces is kept aside first, or nothing
/// is restored.
async fn restore(
    file: web_sys::File,
    progress: UseReducerHandle<Progress>,
    message: UseStateHandle<Option<String>>,
) {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let (backup, made) = match progress::restore(&text) {
        Ok(b) => b,
        Err(e) => {
            message.set(Some(format!("Nothing was restored: {e}.")));
            return;
        }
    };
    let question = format!(
        "Replace your progress here with the backup of {} ({} lab(s))? Your current progress is kept aside in this browser.",
        if made.is_empty() {
            "unknown date"
        } else {
            &made
        },
        backup.labs.len()
    );
    if !browser::confirm(&question) {
        return;
    }
    let aside = match storage::keep_current_aside() {
        Ok(a) => a,
        Err(e) => {
            message.set(Some(format!(
                "Nothing was restored: your current progress could not be kept aside first ({e})."
            )));
            return;
        }
    };
    storage::forget_saved_uploads();
    let labs = backup.labs.len();
    progress.dispatch(Action::Restore(Box::new(backup)));
    message.set(Some(match aside {
        Some(key) => format!(
            "Restored {labs} lab(s). Your previous progress is kept in this browser's storage under \"{key}\"."
        ),
        None => format!("Restored {labs} lab(s)."),
    }));
}

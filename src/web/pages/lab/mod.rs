//! The lab workspace: instructions, hints and the checks on one side; the
//! questions, the editor (or the upload), the buttons, the help panel and
//! the results on the other.
//!
//! `LabPage` composes the parts. State that outlives a render lives in
//! hooks: time spent (`time`), Check with what it shares with Run (`check`),
//! and Run (`run`). What the workspace decides that is not about the page
//! (the code shown, the submission, Run's request) is in
//! [`crate::web::workspace`], where native tests reach it.

mod actions;
mod check;
mod checks_summary;
mod help_panel;
mod hints;
mod prerequisites;
mod run;
mod runtime;
mod time;
mod upload;

use super::NotFound;
use crate::grade::{Answer, QuestionReport, Report};
use crate::web::app::use_ctx;
use crate::web::browser;
use crate::web::components::BusyView;
use crate::web::editor::Editor;
use crate::web::markdown;
use crate::web::progress::{Action, Progress, lab_key};
use crate::web::views::{self, Console, ReportView, course_href, status_class};
use crate::web::workspace;
use actions::ActionButtons;
use check::use_check;
use checks_summary::ChecksSummary;
use help_panel::HelpPanel;
use hints::Hints;
use prerequisites::Prerequisites;
use run::use_run;
use runtime::use_runtime;
use time::use_active_time;
use upload::UploadZone;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub course: String,
    pub lab: String,
}

#[component]
pub fn LabPage(props: &LabProps) -> Html {
    let ctx = use_ctx();
    let check = use_check();
    let run = use_run(&check);
    let help_open = use_state(|| false);
    let help_question = use_state(String::new);
    let found = ctx.catalog.find(&props.course, &props.lab).is_some();
    let key = lab_key(&props.course, &props.lab);
    let on_input = use_active_time(&ctx.progress, key.clone(), found);
    let listed = ctx.catalog.find(&props.course, &props.lab);
    let language = listed.map(|(_, lab)| (lab.language, lab.language_title().to_string()));
    let runtime_file = listed.and_then(|(_, lab)| ctx.catalog.runtime_file(lab).cloned());
    let runtime = use_runtime(language, runtime_file);

    let Some((course, found_lab)) = ctx.catalog.find(&props.course, &props.lab) else {
        return html! { <NotFound /> };
    };
    // The lab as it runs: with its runtime, once loaded.
    let lab = &match runtime.runtime() {
        Some(r) => {
            let mut lab = found_lab.clone();
            lab.attach(r);
            lab
        }
        None => found_lab.clone(),
    };
    browser::set_title(&lab.title);
    let saved = ctx.progress.lab(&key);
    // The learner's code was written for an earlier version of this lab.
    let changed_since =
        saved.code.is_some() && saved.seen.as_ref().is_some_and(|h| *h != lab.content_hash);
    let code = workspace::code(lab, &saved);
    let dark = ctx.progress.dark.unwrap_or_else(browser::prefers_dark);
    let is_busy = check.is_busy();
    let submission = workspace::submission(lab, &saved);
    let to = Dispatch {
        progress: ctx.progress.clone(),
        key: key.clone(),
    };
    let on_reset = {
        let (to, report) = (to.clone(), check.report.clone());
        Callback::from(move |_| {
            if browser::confirm("Reset your code to the starter? You can undo this.") {
                to.send(Action::Reset {
                    key: to.key.clone(),
                });
                report.set(None);
            }
        })
    };
    let on_question = {
        let help_question = help_question.clone();
        Callback::from(move |q| help_question.set(q))
    };
    let on_help = {
        let help_open = help_open.clone();
        Callback::from(move |_| help_open.set(!*help_open))
    };
    let status = saved.status();
    let instructions = Html::from_html_unchecked(AttrValue::from(markdown::to_safe_html_in(
        &lab.instructions,
        Some(&lab.dir),
    )));
    // Prerequisites not passed yet: a course that locks keeps the lab shut.
    let waiting = prerequisites::waiting(course, lab, &ctx.progress);
    let locked = course.schedule.lock && !waiting.is_empty();
    let graded: Vec<QuestionReport> = check
        .report
        .as_ref()
        .map(|r| r.questions.clone())
        .unwrap_or_default();
    let questions = views::questions_view(
        lab,
        &saved.answers,
        &graded,
        &to.answer(),
        &to.answer_text(),
        is_busy,
    );

    html! {
        <div class="lab-page" data-runtime={runtime.name()} onkeydown={on_key(on_input.clone())} onpointerdown={on_input.reform(|_: PointerEvent| ())}>
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href="#/">{ "Labs" }</a>{ " / " }
                <a href={course_href(&course.id)}>{ &course.title }</a>
            </nav>
            <div class="lab-head">
                <h1>{ &lab.title }</h1>
                <span class={classes!("badge", status_class(status))} data-testid="lab-status">{ status.label() }</span>
                <span class="meta">{ format!("{}/{} pts · {} attempt(s) · about {} min", saved.best_score, lab.max_score(), saved.attempts, lab.minutes) }</span>
            </div>
            <Prerequisites course={course.id.clone()} {locked}
                waiting={waiting.iter().map(|l| (l.id.clone(), l.title.clone())).collect::<Vec<_>>()} />
            <div class="workspace">
                <section class="instructions" aria-label="Instructions">
                    { instructions }
                    <Hints hints={lab.hints.clone()} shown={saved.hints_shown as usize}
                        on_reveal={to.reveal_hint(lab.hints.len() as u32)} />
                    <ChecksSummary lab={lab.clone()} />
                </section>
                <section class="work" aria-label="Your solution">
                    if changed_since {
                        <div class="notice lab-changed" role="status">
                            <span>{ "This lab was updated since you last worked on it: its instructions or checks may have changed. Your code is kept as you left it." }</span>
                            <button onclick={to.seen(&lab.content_hash).reform(|_: MouseEvent| ())}>{ "Got it" }</button>
                        </div>
                    }
                    { questions }
                    if !lab.has_code() {
                    } else if lab.language.has_editor() {
                        <Editor code={AttrValue::from(code.clone())} on_change={to.edit(&lab.content_hash)}
                            error={error_mark(&check.report)} dark={dark}
                            label={format!("{} editor", lab.language_title())}
                            mode={editor_mode(lab)} />
                        <p class="keys" id="editor-keys">{ keys_hint() }</p>
                    } else {
                        <UploadZone on_upload={to.upload()}
                            uploaded={saved.upload.as_ref().map(|(name, bytes)| (name.clone(), bytes.len()))} />
                    }
                    <ActionButtons has_code={lab.has_code()} has_editor={lab.language.has_editor()}
                        busy={is_busy} ready={submission.is_some() && !locked && runtime.ready()}
                        help_open={*help_open} edited={saved.code.is_some()} can_undo={saved.before_reset.is_some()}
                        on_check={check.on_check(&ctx.progress, lab, &key, submission.clone(), &saved.answers)}
                        on_run={run.on_run(lab, submission.clone())} on_stop={check.on_stop()}
                        {on_help} {on_reset} on_undo={to.undo_reset()} />
                    if *help_open {
                        <HelpPanel course={course.id.clone()} lab={lab.id.clone()}
                            question={(*help_question).clone()} {on_question}
                            report={(*check.report).clone()} />
                    }
                    { runtime::status(&runtime, lab.language_title()) }
                    <BusyView busy={*check.busy} />
                    <div class="results" aria-live="polite" data-finished={check.finished.to_string()}>
                        if let Some(r) = &*check.report { <ReportView report={r.clone()} /> }
                        if lab.has_code() { <Console run={(*run.view).clone()} /> }
                    </div>
                </section>
            </div>
        </div>
    }
}

/// Any key counts as activity; Ctrl/⌘+Enter checks and with Shift runs.
fn on_key(on_input: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        on_input.emit(());
        if actions::shortcut(&e) {
            e.prevent_default();
        }
    })
}

/// How the keyboard gets around the editor: CodeMirror keeps Tab for
/// indenting, so leaving it takes Escape first.
fn keys_hint() -> String {
    let keys = actions::Shortcuts::here();
    format!(
        "Keys: {} checks, {} runs. Tab indents in the editor; to move on, press {}.",
        keys.check, keys.run, keys.leave
    )
}

/// CodeMirror's mode for the lab's language.
fn editor_mode(lab: &crate::lab::Lab) -> AttrValue {
    AttrValue::from(lab.editor_mode().unwrap_or("wat").to_string())
}

/// Marks where a compile error is, for the editor.
fn error_mark(report: &Option<Report>) -> Option<(u32, u32, String)> {
    let e = report.as_ref()?.compile_error.as_ref()?;
    Some((e.line?, e.column.unwrap_or(1), e.message.clone()))
}

/// The learner's changes to this lab's progress, as callbacks.
#[derive(Clone)]
struct Dispatch {
    progress: UseReducerHandle<Progress>,
    key: String,
}

impl Dispatch {
    fn send(&self, action: Action) {
        self.progress.dispatch(action);
    }

    fn callback<T: 'static>(&self, action: impl Fn(String, T) -> Action + 'static) -> Callback<T> {
        let to = self.clone();
        Callback::from(move |value: T| to.send(action(to.key.clone(), value)))
    }

    /// An edit of the code, to the lab as it is now (`hash`).
    fn edit(&self, hash: &str) -> Callback<String> {
        let (to, hash) = (self.clone(), hash.to_string());
        Callback::from(move |code: String| {
            to.send(Action::Edit {
                key: to.key.clone(),
                code,
            });
            to.send(Action::Seen {
                key: to.key.clone(),
                hash: hash.clone(),
            });
        })
    }

    /// The learner has seen the lab as it is now (`hash`).
    fn seen(&self, hash: &str) -> Callback<()> {
        let hash = hash.to_string();
        self.callback(move |key, ()| Action::Seen {
            key,
            hash: hash.clone(),
        })
    }

    fn upload(&self) -> Callback<(String, Vec<u8>)> {
        self.callback(|key, (name, bytes)| Action::Upload { key, name, bytes })
    }

    fn answer(&self) -> Callback<(String, Answer)> {
        self.callback(|key, (question, answer)| Action::Answer {
            key,
            question,
            answer,
        })
    }

    /// A text answer, from its input's event.
    fn answer_text(&self) -> Callback<(String, InputEvent)> {
        self.answer().reform(|(question, e): (String, InputEvent)| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            (question, Answer::Text(input.value()))
        })
    }

    fn reveal_hint(&self, total: u32) -> Callback<MouseEvent> {
        self.callback(move |key, _| Action::RevealHint { key, total })
    }

    fn undo_reset(&self) -> Callback<MouseEvent> {
        self.callback(|key, _| Action::UndoReset { key })
    }
}

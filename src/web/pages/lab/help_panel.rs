//! "Ask for help": the learner's question with the lab, their code or
//! upload, their answers and the last Check's results packed into one text
//! (see [`crate::web::help`]) to copy, email or take to the discussion
//! board.

use crate::grade::Report;
use crate::web::app::use_ctx;
use crate::web::browser;
use crate::web::help;
use crate::web::progress::lab_key;
use crate::web::workspace;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpPanelProps {
    pub course: String,
    pub lab: String,
    /// The learner's question; the page keeps it while the panel is closed.
    pub question: String,
    pub on_question: Callback<String>,
    /// The last Check's report.
    pub report: Option<Report>,
}

#[component]
pub fn HelpPanel(props: &HelpPanelProps) -> Html {
    let ctx = use_ctx();
    // Gone with the panel: reopened, it starts without the last copy's news.
    let status = use_state(|| None::<String>);
    let Some((course, lab)) = ctx.catalog.find(&props.course, &props.lab) else {
        return html! {};
    };
    let saved = ctx.progress.lab(&lab_key(&course.id, &lab.id));
    let code = workspace::code(lab, &saved);
    let page = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let text = help::help_text(&help::HelpRequest {
        course,
        lab,
        page: &page,
        question: &props.question,
        code: (lab.has_code() && lab.language.has_editor()).then_some(code.as_str()),
        upload: saved
            .upload
            .as_ref()
            .map(|(name, bytes)| (name.as_str(), bytes.len())),
        answers: &saved.answers,
        report: props.report.as_ref(),
        attempts: saved.attempts,
    });
    let subject = format!("Help with {} ({}/{})", lab.title, course.id, lab.id);
    let on_question = props.on_question.reform(|e: InputEvent| {
        let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        area.value()
    });
    let on_copy = {
        let (text, status) = (text.clone(), status.clone());
        Callback::from(move |_| {
            let (text, status) = (text.clone(), status.clone());
            spawn_local(async move {
                let copied = browser::copy_to_clipboard(&text).await;
                status.set(Some(if copied {
                    "Copied. Paste it into an email or a post on the discussion board.".into()
                } else {
                    "This browser did not allow copying: select the text above and copy it yourself.".into()
                }));
            });
        })
    };
    html! {
        <section class="help-panel" aria-label="Ask for help">
            <h2>{ "Ask for help" }</h2>
            <p>{ "Say what you expected and what happened instead. Your code and the last Check's results are added below, so whoever helps sees what you see." }</p>
            <label class="help-question-label">{ "Your question" }
                <textarea class="help-question" rows="3" value={props.question.clone()} oninput={on_question} />
            </label>
            <pre class="help-text" aria-label="The text to send" tabindex="0">{ &text }</pre>
            <div class="actions">
                <button class="help-copy" onclick={on_copy}>{ "Copy" }</button>
                if let Some(email) = &course.help.email {
                    <a class="button help-email" href={help::mailto(email, &subject, &text)}>{ format!("Email {email}") }</a>
                }
                if let Some(board) = &course.help.discussion {
                    <a class="button help-discussion" href={board.clone()} target="_blank" rel="noopener noreferrer">{ "Discussion board" }</a>
                }
            </div>
            if let Some(s) = &*status { <p class="help-status" role="status">{ s }</p> }
        </section>
    }
}

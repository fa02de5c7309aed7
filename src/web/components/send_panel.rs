//! Sending a course's results to its Learning Record Store from the Results
//! page: the learner's key (if the course asks for one), the Send button,
//! and what became of the last send.

use crate::lab::Credentials;
use crate::web::app::{Catalog, use_ctx};
use crate::web::lrs::{self, LrsAction, LrsView};
use crate::web::outbox::Key;
use crate::web::progress::Progress;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SendPanelProps {
    pub course: String,
}

#[component]
pub fn SendPanel(props: &SendPanelProps) -> Html {
    let ctx = use_ctx();
    let problem = use_state(|| None::<String>);
    let key_input = use_node_ref();
    let secret_input = use_node_ref();
    let Some(course) = ctx.catalog.courses.iter().find(|c| c.id == props.course) else {
        return html! {};
    };
    let Some(endpoint) = course.xapi.endpoint.clone() else {
        return html! {};
    };
    let asks_key = course.xapi.credentials == Credentials::Learner;
    let saved_key = lrs::keys().get(&endpoint).cloned();
    let view = ctx
        .lrs
        .endpoints
        .get(&endpoint)
        .cloned()
        .unwrap_or_default();
    let on_send = on_send(
        Send {
            catalog: ctx.catalog.clone(),
            progress: ctx.progress.clone(),
            lrs: ctx.lrs.clone(),
            course: course.id.clone(),
            endpoint: endpoint.clone(),
            key_input: asks_key.then(|| (key_input.clone(), secret_input.clone())),
        },
        problem.clone(),
    );
    let on_forget = {
        let (endpoint, lrs_view) = (endpoint.clone(), ctx.lrs.clone());
        Callback::from(move |_: MouseEvent| {
            lrs::set_key(&endpoint, None);
            lrs_view.dispatch(LrsAction::Refresh);
        })
    };
    html! {
        <div class="send-panel" data-course={course.id.clone()} data-finished={view.finished.to_string()}>
            <p>{ "Your instructor collects results in a Learning Record Store at " }<code>{ &endpoint }</code>{ "." }</p>
            if asks_key {
                if let Some(k) = &saved_key {
                    <p class="lrs-key">{ format!("Sending with the key \"{}\" saved in this browser. ", k.key) }
                        <button class="link forget-key" onclick={on_forget}>{ "Forget it" }</button>
                    </p>
                } else {
                    <div class="learner">
                        <label>{ "LRS key" }<input type="text" class="lrs-key-input" ref={key_input} autocomplete="username" /></label>
                        <label>{ "LRS secret" }<input type="password" class="lrs-secret-input" ref={secret_input} autocomplete="current-password" /></label>
                    </div>
                }
            }
            <button class="send" onclick={on_send} disabled={view.sending}>
                { if view.sending { "Sending…" } else { "Send results to the LRS" } }
            </button>
            if view.waiting > 0 && !view.sending {
                <p class="lrs-waiting">{ format!("{} statement(s) waiting to be sent.", view.waiting) }</p>
            }
            if let Some(p) = &*problem { <p role="alert" class="send-message error">{ p }</p> }
            if let Some((m, ok)) = &view.message {
                <p role="status" class={classes!("send-message", (!ok).then_some("error"))}>{ m }</p>
            }
        </div>
    }
}

/// What the Send button needs.
struct Send {
    catalog: Rc<Catalog>,
    progress: UseReducerHandle<Progress>,
    lrs: UseReducerHandle<LrsView>,
    course: String,
    endpoint: String,
    /// The key and secret inputs, when the course asks the learner for them.
    key_input: Option<(NodeRef, NodeRef)>,
}

/// Queues the course's statements and sends them; says in `problem` why
/// nothing was queued.
fn on_send(send: Send, problem: UseStateHandle<Option<String>>) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        problem.set(None);
        if send.progress.learner_name.trim().is_empty() {
            problem.set(Some(
                "Enter your name or id first: the statements say whose work it is.".into(),
            ));
            return;
        }
        if let Some((key_input, secret_input)) = &send.key_input {
            let value = |r: &NodeRef| {
                r.cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (k, secret) = (value(key_input), value(secret_input));
            if !k.trim().is_empty() {
                lrs::set_key(
                    &send.endpoint,
                    Some(Key {
                        key: k.trim().to_string(),
                        secret,
                    }),
                );
            }
        }
        let key = match send.catalog.key_for(&send.endpoint) {
            Ok(k) => k,
            Err(()) => {
                problem.set(Some(
                    "Enter the key and secret your instructor gave you for sending results.".into(),
                ));
                return;
            }
        };
        let (catalog, progress, lrs_view) = (
            send.catalog.clone(),
            send.progress.clone(),
            send.lrs.clone(),
        );
        let (course, endpoint, problem) =
            (send.course.clone(), send.endpoint.clone(), problem.clone());
        spawn_local(async move {
            let mut record = match catalog.record(&progress).await {
                Ok(record) => record,
                Err(e) => {
                    problem.set(Some(e));
                    return;
                }
            };
            record.labs.retain(|l| l.course == course);
            if record.labs.is_empty() {
                problem.set(Some(
                    "Nothing to send yet: check a lab of this course first.".into(),
                ));
                return;
            }
            let statements = match catalog.statements(&record) {
                Ok(s) => s,
                Err(e) => {
                    problem.set(Some(e));
                    return;
                }
            };
            // Queued first: from here on nothing is lost, whatever the
            // network does.
            if let Err(e) = lrs::update(|o| {
                o.add(&endpoint, statements);
            }) {
                problem.set(Some(e));
            }
            lrs::send(endpoint, key, lrs_view);
        });
    })
}

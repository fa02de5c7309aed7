//! Messages above every page: labs of this build that failed to load, and
//! what the learner should know about their saved state, each dismissable.

use crate::web::app::use_ctx;
use crate::web::progress::Action;
use yew::prelude::*;

#[component]
pub fn Notices() -> Html {
    let ctx = use_ctx();
    let mut items: Vec<Html> = ctx
        .catalog
        .problems
        .iter()
        .map(|p| html! { <div class="notice error" role="alert">{ format!("A lab in this build is broken (tell the instructor): {p}") }</div> })
        .collect();
    // The LMS that opened the page: results not reaching it, or a word on
    // what it keeps.
    if let Some(lms) = &ctx.lms {
        let class = if lms.problem {
            "notice error lms"
        } else {
            "notice lms"
        };
        items.push(html! {
            <div class={class} role={if lms.problem { "alert" } else { "status" }}>
                { format!("LMS: {}", lms.text) }
            </div>
        });
    }
    // The preview of `sandlab serve`: the author's latest edit has problems.
    if !ctx.catalog.live_problems.is_empty() {
        items.push(html! {
            <div class="notice error live-problems" role="alert">
                <p>{ "Your latest edit has problems; this preview shows the last version without any. Fix them and save:" }</p>
                <ul>{ for ctx.catalog.live_problems.iter().map(|p| html! { <li><code>{ p }</code></li> }) }</ul>
            </div>
        });
    }
    for (i, text) in ctx.progress.notices.iter().enumerate() {
        let progress = ctx.progress.clone();
        let dismiss = Callback::from(move |_| progress.dispatch(Action::DismissNotice(i)));
        items.push(html! {
            <div class="notice" role="alert">
                <span>{ text }</span>
                <button onclick={dismiss} aria-label="Dismiss this message">{ "✕" }</button>
            </div>
        });
    }
    html! { <>{ for items }</> }
}

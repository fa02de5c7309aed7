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
    if ctx.lms.notice.is_some() || ctx.lms.exit.is_some() {
        let problem = ctx.lms.notice.as_ref().is_some_and(|n| n.problem);
        let class = if problem {
            "notice error lms"
        } else {
            "notice lms"
        };
        let text = ctx.lms.notice.as_ref().map_or_else(
            || "your results go to your LMS".to_string(),
            |n| n.text.clone(),
        );
        items.push(html! {
            <div class={class} role={if problem { "alert" } else { "status" }}>
                { format!("LMS: {text}") }
                if let Some(exit) = &ctx.lms.exit {
                    { " " }
                    <button class="lms-exit" onclick={exit.clone()}>{ "Return to the LMS" }</button>
                }
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

//! The home page: every course with its labs and the learner's progress.

use crate::web::app::use_ctx;
use crate::web::browser;
use crate::web::progress::{Action, Progress};
use crate::web::views::{CourseList, course_rows};
use yew::prelude::*;

#[component]
pub fn CatalogPage() -> Html {
    let ctx = use_ctx();
    browser::set_title("Labs");
    let rows = course_rows(&ctx.catalog.courses, &ctx.progress, browser::now_seconds());
    html! {
        <>
            <h1>{ "Labs" }</h1>
            <p class="lead">{ "Hands-on WebAssembly labs. Your code runs in this page, is graded instantly, and your progress is saved in this browser." }</p>
            <CourseList courses={rows} expanded={true}
                weekly_plan={ctx.progress.weekly_plan} on_plan={on_plan(&ctx.progress)} />
        </>
    }
}

/// Sets the learner's weekly time from the plan input (empty clears it).
pub(super) fn on_plan(progress: &UseReducerHandle<Progress>) -> Callback<Event> {
    let progress = progress.clone();
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let plan = input
            .value()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=10_080).contains(m));
        progress.dispatch(Action::SetWeeklyPlan(plan));
    })
}

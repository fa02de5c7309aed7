//! One course's page: its labs, progress, due dates and pace.

use super::NotFound;
use super::catalog::on_plan;
use crate::web::app::use_ctx;
use crate::web::browser;
use crate::web::views::{CourseList, course_rows};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CourseProps {
    pub course: String,
}

#[component]
pub fn CoursePage(props: &CourseProps) -> Html {
    let ctx = use_ctx();
    let rows: Vec<_> = course_rows(&ctx.catalog.courses, &ctx.progress, browser::now_seconds())
        .into_iter()
        .filter(|c| c.id == props.course)
        .collect();
    if rows.is_empty() {
        return html! { <NotFound /> };
    }
    browser::set_title(&rows[0].title);
    html! {
        <>
            <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">{ "Labs" }</a></nav>
            <CourseList courses={rows} expanded={true} page={true}
                weekly_plan={ctx.progress.weekly_plan} on_plan={on_plan(&ctx.progress)} />
        </>
    }
}

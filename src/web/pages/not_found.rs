//! The page for an address with no page (a mistyped link, a renamed lab):
//! the way back to every course.

use crate::web::app::use_ctx;
use crate::web::browser;
use crate::web::views::course_href;
use yew::prelude::*;

#[component]
pub fn NotFound() -> Html {
    browser::set_title("Not found");
    let ctx = use_ctx();
    html! {
        <section class="not-found">
            <h1>{ "There is no page at this address" }</h1>
            <p>{ "The link may be mistyped, or the lab may have been renamed. Your saved work is not affected." }</p>
            <p><a href="#/">{ "Go to all labs" }</a></p>
            <ul>
                { for ctx.catalog.courses.iter().map(|c| html! {
                    <li><a href={course_href(&c.id)}>{ &c.title }</a></li>
                }) }
            </ul>
        </section>
    }
}

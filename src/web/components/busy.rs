//! What a lab page is busy with, and the progress it shows meanwhile.

use crate::web::runner::Tick;
use crate::web::views::thousands;
use yew::prelude::*;

/// A lab page runs one thing at a time: a Check or a Run, or nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Busy {
    Idle,
    Running(Tick),
    Checking(Tick),
}

#[derive(Properties, PartialEq)]
pub struct BusyProps {
    pub busy: Busy,
}

/// Checks done (and fuel) while checking; fuel while running.
#[component]
pub fn BusyView(props: &BusyProps) -> Html {
    match props.busy {
        Busy::Idle => html! {},
        Busy::Checking(t) => html! {
            <div class="busy" role="status">
                <progress max={t.checks_total.max(1).to_string()} value={t.checks_done.to_string()} aria-label="Checks done"></progress>
                <span>{ format!("Checking… {} of {} checks done", t.checks_done, t.checks_total) }</span>
                if t.fuel_limit > 0 { <span class="fuel">{ format!(" · fuel {} of {}", thousands(t.fuel), thousands(t.fuel_limit)) }</span> }
            </div>
        },
        Busy::Running(t) => html! {
            <div class="busy" role="status">
                <progress max={t.fuel_limit.max(1).to_string()} value={t.fuel.to_string()} aria-label="Fuel used"></progress>
                <span>{ format!("Running… fuel {} of {}", thousands(t.fuel), thousands(t.fuel_limit)) }</span>
            </div>
        },
    }
}

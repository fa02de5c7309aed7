//! The lab's checks and questions by name and points, so the learner knows
//! what is asked before the first Check.

use crate::lab::Lab;
use yew::prelude::*;

#[derive(Properties)]
pub struct ChecksSummaryProps {
    pub lab: Lab,
}

// A lab does not change while the app runs: its id and folder tell it apart,
// without comparing every check.
impl PartialEq for ChecksSummaryProps {
    fn eq(&self, other: &Self) -> bool {
        self.lab.id == other.lab.id && self.lab.dir == other.lab.dir
    }
}

#[component]
pub fn ChecksSummary(props: &ChecksSummaryProps) -> Html {
    html! {
        <details class="check-list">
            <summary>{ match (props.lab.checks.len(), props.lab.questions.len()) {
                (c, 0) => format!("{c} checks, {} points", props.lab.max_score()),
                (0, q) => format!("{q} questions, {} points", props.lab.max_score()),
                (c, q) => format!("{c} checks and {q} questions, {} points", props.lab.max_score()),
            } }</summary>
            <ul>
                { for props.lab.checks.iter().map(|c| html! {
                    <li>{ format!("{} ({}, {} pt{})", c.name, c.kind_name(), c.points, if c.points == 1 { "" } else { "s" }) }
                        if c.hidden { <span class="badge hidden-badge">{ "hidden" }</span> }</li>
                }) }
            </ul>
        </details>
    }
}

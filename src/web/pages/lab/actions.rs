//! The lab's buttons: Check, Run, Stop, Ask for help, Reset and Undo reset,
//! each shown or enabled as what the page is doing allows.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActionButtonsProps {
    /// The lab has code to run (not questions alone).
    pub has_code: bool,
    /// The code is typed in the editor (not uploaded).
    pub has_editor: bool,
    /// A Check or Run is under way.
    pub busy: bool,
    /// There is something to check or run, and the lab is open.
    pub ready: bool,
    pub help_open: bool,
    /// The learner changed the starter, so Reset has something to reset.
    pub edited: bool,
    /// A Reset can be undone.
    pub can_undo: bool,
    pub on_check: Callback<MouseEvent>,
    pub on_run: Callback<MouseEvent>,
    pub on_stop: Callback<MouseEvent>,
    pub on_help: Callback<MouseEvent>,
    pub on_reset: Callback<MouseEvent>,
    pub on_undo: Callback<MouseEvent>,
}

#[component]
pub fn ActionButtons(props: &ActionButtonsProps) -> Html {
    let p = props;
    html! {
        <div class="actions">
            <button class="primary" onclick={p.on_check.clone()} disabled={p.busy || !p.ready}>{ if p.has_code { "Check" } else { "Check answers" } }</button>
            if p.has_code {
                <button class="run" onclick={p.on_run.clone()} disabled={p.busy || !p.ready}>{ "Run" }</button>
            }
            if p.busy { <button class="stop" onclick={p.on_stop.clone()}>{ "Stop" }</button> }
            <button class="help-open" onclick={p.on_help.clone()} aria-expanded={p.help_open.to_string()}>{ "Ask for help" }</button>
            if p.has_code && p.has_editor {
                <button onclick={p.on_reset.clone()} disabled={p.busy || !p.edited}>{ "Reset" }</button>
                if p.can_undo {
                    <button onclick={p.on_undo.clone()} disabled={p.busy}>{ "Undo reset" }</button>
                }
            }
        </div>
    }
}

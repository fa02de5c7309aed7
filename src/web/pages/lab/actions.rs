//! The lab's buttons: Check, Run, Stop, Ask for help, Reset and Undo reset,
//! each shown or enabled as what the page is doing allows.

use crate::web::browser;
use yew::prelude::*;

/// The keys for Check and Run as this platform writes them: what learners
/// of other platforms try first (Ctrl+Enter, ⌘+Enter on a Mac).
pub struct Shortcuts {
    pub check: &'static str,
    pub run: &'static str,
    pub leave: &'static str,
}

impl Shortcuts {
    pub fn here() -> Shortcuts {
        if browser::is_mac() {
            Shortcuts {
                check: "⌘ Enter",
                run: "⌘ ⇧ Enter",
                leave: "Esc, then Tab",
            }
        } else {
            Shortcuts {
                check: "Ctrl+Enter",
                run: "Ctrl+Shift+Enter",
                leave: "Esc, then Tab",
            }
        }
    }
}

/// Check or Run from the keyboard, wherever the focus is in the lab page
/// (the editor included): presses the button, so a disabled one does
/// nothing. `true` when the key was one of them.
pub fn shortcut(e: &KeyboardEvent) -> bool {
    if e.key() != "Enter" || !(e.ctrl_key() || e.meta_key()) {
        return false;
    }
    let button = if e.shift_key() {
        ".lab-page .actions button.run"
    } else {
        ".lab-page .actions button.primary"
    };
    if let Some(b) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(button).ok().flatten())
    {
        use wasm_bindgen::JsCast;
        b.unchecked_into::<web_sys::HtmlElement>().click();
    }
    true
}

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
    let keys = Shortcuts::here();
    html! {
        <div class="actions">
            <button class="primary" onclick={p.on_check.clone()} disabled={p.busy || !p.ready}
                aria-keyshortcuts="Control+Enter Meta+Enter">
                { if p.has_code { "Check" } else { "Check answers" } }
                <kbd>{ keys.check }</kbd>
            </button>
            if p.has_code {
                <button class="run" onclick={p.on_run.clone()} disabled={p.busy || !p.ready}
                    aria-keyshortcuts="Control+Shift+Enter Meta+Shift+Enter">
                    { "Run" }<kbd>{ keys.run }</kbd>
                </button>
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

//! The bar at the top of every page: the way home, Results, whether the
//! learner's work is saved, and the theme switch.

use crate::web::app::use_ctx;
use crate::web::progress::{Action, StorageStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub dark: bool,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let ctx = use_ctx();
    let (label, class) = match &ctx.progress.storage {
        StorageStatus::Idle => ("Nothing to save yet".to_string(), "idle"),
        StorageStatus::Pending => ("Saving…".to_string(), "pending"),
        StorageStatus::Saved { .. } if ctx.progress.persistent => {
            ("Saved in this browser (persistent)".to_string(), "saved")
        }
        StorageStatus::Saved { .. } => ("Saved in this browser".to_string(), "saved"),
        StorageStatus::Failed(e) => (format!("Not saved: {e}"), "failed"),
    };
    let toggle = {
        let progress = ctx.progress.clone();
        let dark = props.dark;
        Callback::from(move |_| progress.dispatch(Action::SetDark(!dark)))
    };
    html! {
        <header class="top">
            <a class="brand" href="#/">{ "sandlab" }</a>
            <a href="#/results">{ "Results" }</a>
            <span class={classes!("storage", class)} role="status" aria-live="polite" data-testid="storage-status">{ label }</span>
            <button class="theme" onclick={toggle} aria-pressed={props.dark.to_string()}>{ "Dark theme" }</button>
        </header>
    }
}

//! A lab's hints, revealed one at a time.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HintsProps {
    pub hints: Vec<String>,
    /// How many the learner has revealed.
    pub shown: usize,
    pub on_reveal: Callback<MouseEvent>,
}

#[component]
pub fn Hints(props: &HintsProps) -> Html {
    if props.hints.is_empty() {
        return html! {};
    }
    let shown = props.shown.min(props.hints.len());
    html! {
        <div class="hints">
            <h2>{ "Hints" }</h2>
            <ol>
                { for props.hints.iter().take(shown).map(|h| html! { <li>{ h }</li> }) }
            </ol>
            if shown < props.hints.len() {
                <button onclick={props.on_reveal.clone()}>{ format!("Show a hint ({} left)", props.hints.len() - shown) }</button>
            }
        </div>
    }
}

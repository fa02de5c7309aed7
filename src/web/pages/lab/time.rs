//! Time spent on a lab: counted while its page is visible and the learner
//! did something in the last two minutes, so a tab left open overnight adds
//! nothing.

use crate::web::progress::{Action, Progress};
use crate::web::storage;
use yew::prelude::*;

/// How often active time is added, in milliseconds.
const TICK_MS: u32 = 10_000;

/// How long after the last input the learner still counts as working.
const IDLE_AFTER_MS: f64 = 120_000.0;

/// Adds active time to the lab `key` (when `found`: a lab that exists);
/// returns what the page calls on the learner's every input.
#[hook]
pub fn use_active_time(
    progress: &UseReducerHandle<Progress>,
    key: String,
    found: bool,
) -> Callback<()> {
    let last_input = use_mut_ref(storage::now_ms);
    {
        let (progress, last_input) = (progress.clone(), last_input.clone());
        use_effect_with(key.clone(), move |_| {
            *last_input.borrow_mut() = storage::now_ms();
            let interval = found.then(|| {
                gloo_timers::callback::Interval::new(TICK_MS, move || {
                    let visible = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| !d.hidden());
                    if visible && storage::now_ms() - *last_input.borrow() < IDLE_AFTER_MS {
                        progress.dispatch(Action::Active {
                            key: key.clone(),
                            ms: f64::from(TICK_MS),
                        });
                    }
                })
            });
            move || drop(interval)
        });
    }
    Callback::from(move |()| *last_input.borrow_mut() = storage::now_ms())
}

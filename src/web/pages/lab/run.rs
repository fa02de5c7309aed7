//! Run: the learner's program once, as Run runs it (see
//! [`workspace::run_request`]), its output shown in the console. It shares
//! Check's busy state, Stop and count of finished results.

use super::check::CheckHandle;
use crate::compile;
use crate::grade;
use crate::lab::Lab;
use crate::language::{self, Submission};
use crate::sandbox::{self, End};
use crate::web::components::Busy;
use crate::web::runner::{self, Tick};
use crate::web::views::RunView;
use crate::web::workspace;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// A lab page's Run: what the last one printed, and how to start one.
#[derive(Clone)]
pub struct RunHandle {
    check: CheckHandle,
    pub view: UseStateHandle<Option<RunView>>,
}

#[hook]
pub fn use_run(check: &CheckHandle) -> RunHandle {
    RunHandle {
        check: check.clone(),
        view: use_state(|| None::<RunView>),
    }
}

impl RunHandle {
    /// Runs `submission` in `lab`; a submission that does not compile shows
    /// its error as a report instead.
    pub fn on_run(&self, lab: &Lab, submission: Option<Submission>) -> Callback<MouseEvent> {
        let (check, run_view, lab) = (self.check.clone(), self.view.clone(), lab.clone());
        Callback::from(move |_| {
            let Some(submission) = submission.clone() else {
                return;
            };
            let flag = check.start();
            // The page compiles a module of the learner's own to learn
            // whether it is a command; an interpreter always is one, and
            // is too big to compile here for that.
            let built = language::build(lab.language, &submission, lab.runtime.as_deref())
                .and_then(|runnable| {
                    let has_start = match lab.language.needs_runtime() {
                        true => true,
                        false => compile::load(&runnable.binary, lab.limits.stack_depth)?
                            .export_sig("_start")
                            .is_some(),
                    };
                    Ok((runnable, has_start))
                });
            let (runnable, has_start) = match built {
                Ok(built) => built,
                Err(e) => {
                    check.report.set(Some(grade::compile_failure(&lab, e)));
                    run_view.set(None);
                    check.count_finished();
                    return;
                }
            };
            let request = workspace::run_request(&lab, has_start, &runnable);
            let limit = request.limits.fuel;
            check.busy.set(Busy::Running(Tick {
                checks_done: 0,
                checks_total: 0,
                fuel: 0,
                fuel_limit: limit,
            }));
            let (check, run_view) = (check.clone(), run_view.clone());
            spawn_local(async move {
                let ticker = check.busy.clone();
                let depth = request.limits.stack_depth;
                let outcome = runner::run(&runnable.binary, depth, request, flag, move |t| {
                    ticker.set(Busy::Running(t))
                })
                .await;
                let end = match &outcome.end {
                    End::Returned(v) if v.is_empty() => "finished (exit code 0)".to_string(),
                    End::Returned(v) => format!("returned {}", sandbox::join_values(v)),
                    other => other.to_string(),
                };
                run_view.set(Some(RunView {
                    stdout: String::from_utf8_lossy(&outcome.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&outcome.stderr).into_owned(),
                    end,
                    fuel: outcome.fuel_used,
                    fuel_limit: limit,
                }));
                check.count_finished();
                check.busy.set(Busy::Idle);
            });
        })
    }
}

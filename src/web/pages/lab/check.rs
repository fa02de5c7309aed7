//! Check: grading the learner's submission, with what the page shows
//! meanwhile (the checks done, a Stop that cancels) and afterwards (the
//! report, and a count of finished results). Run shares this state: a lab
//! page does one thing at a time.

use crate::grade::{self, Answers, Report};
use crate::lab::Lab;
use crate::language::Submission;
use crate::web::components::Busy;
use crate::web::progress::{Action, Progress};
use crate::web::runner::{self, Tick};
use crate::web::storage;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// A lab page's Check, and what Run shares with it.
#[derive(Clone)]
pub struct CheckHandle {
    pub busy: UseStateHandle<Busy>,
    /// The last Check's report (or a Run's compile error).
    pub report: UseStateHandle<Option<Report>>,
    /// Counts finished Checks and Runs on this page, so a test (or a screen
    /// reader watching the live region) can tell a new result from the last.
    pub finished: UseStateHandle<u32>,
    /// The flag the running Check or Run watches; Stop sets it. Each start
    /// gets a fresh one, so what was stopped does not stop what comes next.
    cancel: Rc<RefCell<Rc<Cell<bool>>>>,
}

#[hook]
pub fn use_check() -> CheckHandle {
    CheckHandle {
        busy: use_state(|| Busy::Idle),
        report: use_state(|| None::<Report>),
        finished: use_state(|| 0u32),
        cancel: use_mut_ref(|| Rc::new(Cell::new(false))),
    }
}

impl CheckHandle {
    pub fn is_busy(&self) -> bool {
        *self.busy != Busy::Idle
    }

    /// A fresh cancel flag for what starts now.
    pub(super) fn start(&self) -> Rc<Cell<bool>> {
        let flag = Rc::new(Cell::new(false));
        *self.cancel.borrow_mut() = flag.clone();
        flag
    }

    /// One more result to tell apart from the last.
    pub(super) fn count_finished(&self) {
        self.finished.set(*self.finished + 1);
    }

    /// Stops what runs: the remaining checks are cancelled.
    pub fn on_stop(&self) -> Callback<MouseEvent> {
        let cancel = self.cancel.clone();
        Callback::from(move |_| cancel.borrow().set(true))
    }

    /// Grades `submission` (with `answers`) in `lab`, whose progress is
    /// under `key`; nothing without a submission.
    pub fn on_check(
        &self,
        progress: &UseReducerHandle<Progress>,
        lab: &Lab,
        key: &str,
        submission: Option<Submission>,
        answers: &Answers,
    ) -> Callback<MouseEvent> {
        let (check, progress, lab, key) =
            (self.clone(), progress.clone(), lab.clone(), key.to_string());
        let answers = answers.clone();
        Callback::from(move |_| {
            let Some(submission) = submission.clone() else {
                return;
            };
            if !lab.has_code() {
                // Answers grade at once; there is nothing to run.
                let result = grade::grade_with(&lab, &submission, &answers);
                check.show(&progress, key.clone(), result);
                return;
            }
            let flag = check.start();
            check.busy.set(Busy::Checking(Tick {
                checks_done: 0,
                checks_total: lab.checks.len(),
                fuel: 0,
                fuel_limit: 0,
            }));
            let (check, progress, lab, key) =
                (check.clone(), progress.clone(), lab.clone(), key.clone());
            let answers = answers.clone();
            spawn_local(async move {
                let ticker = check.busy.clone();
                let result = runner::grade(&lab, &submission, flag, move |t| {
                    ticker.set(Busy::Checking(t))
                })
                .await
                .answered(&lab, &answers);
                check.show(&progress, key, result);
                check.busy.set(Busy::Idle);
            });
        })
    }

    /// Shows a finished Check and, unless it was stopped, counts it as an
    /// attempt.
    fn show(&self, progress: &UseReducerHandle<Progress>, key: String, result: Report) {
        if !result.checks.iter().any(|c| c.verdict.is_cancelled()) {
            progress.dispatch(Action::Graded {
                key,
                score: result.score,
                max: result.max_score,
                passed: result.passed,
                at: storage::now_ms(),
            });
        }
        self.report.set(Some(result));
        self.count_finished();
    }
}

//! Everything that changes progress, and the reducer that applies it: what
//! marks a lab for saving, and what only mirrors storage.

use super::{LabProgress, Progress, StorageStatus, fingerprint};
use crate::grade::Answer;
use std::rc::Rc;
use yew::Reducible;

/// Everything that changes progress.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Edit {
        key: String,
        code: String,
    },
    Upload {
        key: String,
        name: String,
        bytes: Vec<u8>,
    },
    /// The learner answered (or changed their answer to) a question.
    Answer {
        key: String,
        question: String,
        answer: Answer,
    },
    /// A Check finished.
    Graded {
        key: String,
        score: u32,
        max: u32,
        passed: bool,
        at: f64,
    },
    RevealHint {
        key: String,
        total: u32,
    },
    /// The learner worked on a lab for `ms` more milliseconds.
    Active {
        key: String,
        ms: f64,
    },
    /// Restore the starter, keeping the current code for Undo.
    Reset {
        key: String,
    },
    UndoReset {
        key: String,
    },
    /// The learner worked on the lab as it is now (its content hash).
    Seen {
        key: String,
        hash: String,
    },
    SetDark(bool),
    SetWeeklyPlan(Option<u32>),
    SetLearner {
        name: String,
        email: String,
    },
    Storage(StorageStatus),
    Persistent(bool),
    Notice(String),
    DismissNotice(usize),
    /// A restored backup replaces the labs and the learner's details; the
    /// session state (storage status, notices) stays.
    Restore(Box<Progress>),
    /// Saved: storage now holds this (our changes merged with any other
    /// tab's, see [`merge`](super::merge())), and this tab shows it.
    Synced(Box<Progress>),
    /// Another tab saved this: labs not changed here are taken from it.
    External(Box<Progress>),
}

impl Action {
    /// The lab an action changes, if it changes one.
    fn lab(&self) -> Option<&str> {
        match self {
            Action::Edit { key, .. }
            | Action::Upload { key, .. }
            | Action::Answer { key, .. }
            | Action::Graded { key, .. }
            | Action::RevealHint { key, .. }
            | Action::Active { key, .. }
            | Action::Reset { key }
            | Action::UndoReset { key }
            | Action::Seen { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// What an action did to progress.
enum Effect {
    /// Nothing: the same state stands (no re-render, nothing to save).
    None,
    /// The learner's work or settings changed: to be saved.
    Changed,
    /// Only what mirrors storage or the session changed: nothing to save.
    Mirrored,
}

impl Reducible for Progress {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let touched = action.lab().map(str::to_string);
        let settings = matches!(
            action,
            Action::SetDark(_)
                | Action::SetWeeklyPlan(_)
                | Action::SetLearner { .. }
                | Action::Restore(_)
        );
        let effect = match action {
            Action::Edit { key, code } => edit(next.labs.entry(key).or_default(), code),
            Action::Upload { key, name, bytes } => {
                next.labs.entry(key).or_default().upload = Some((name, bytes));
                Effect::Changed
            }
            Action::Answer {
                key,
                question,
                answer,
            } => {
                let lab = next.labs.entry(key).or_default();
                if lab.answers.get(&question) == Some(&answer) {
                    Effect::None
                } else {
                    lab.answers.insert(question, answer);
                    Effect::Changed
                }
            }
            Action::Graded {
                key,
                score,
                max,
                passed,
                at,
            } => graded(next.labs.entry(key).or_default(), score, max, passed, at),
            Action::Active { key, ms } => {
                next.labs.entry(key).or_default().active_ms += ms;
                Effect::Changed
            }
            Action::RevealHint { key, total } => {
                let lab = next.labs.entry(key).or_default();
                lab.hints_shown = (lab.hints_shown + 1).min(total);
                Effect::Changed
            }
            Action::Reset { key } => {
                let lab = next.labs.entry(key).or_default();
                lab.before_reset = lab.code.take();
                Effect::Changed
            }
            Action::UndoReset { key } => {
                let lab = next.labs.entry(key).or_default();
                if let Some(code) = lab.before_reset.take() {
                    lab.code = Some(code);
                }
                Effect::Changed
            }
            Action::Seen { key, hash } => {
                let lab = next.labs.entry(key).or_default();
                if lab.seen.as_deref() == Some(hash.as_str()) {
                    Effect::None
                } else {
                    lab.seen = Some(hash);
                    Effect::Changed
                }
            }
            other => next.apply(other),
        };
        let changed = match effect {
            Effect::None => return self,
            Effect::Changed => true,
            Effect::Mirrored => false,
        };
        if let Some(key) = touched.filter(|_| changed) {
            next.dirty.insert(key);
        }
        if settings && changed {
            next.settings_dirty = true;
        }
        if changed {
            next.revision += 1;
            next.storage = match &next.saves_blocked {
                Some(why) => StorageStatus::Failed(why.clone()),
                None => StorageStatus::Pending,
            };
        }
        Rc::new(next)
    }
}

fn edit(lab: &mut LabProgress, code: String) -> Effect {
    if lab.code.as_deref() == Some(code.as_str()) {
        return Effect::None;
    }
    lab.code = Some(code);
    Effect::Changed
}

fn graded(lab: &mut LabProgress, score: u32, max: u32, passed: bool, at: f64) -> Effect {
    lab.attempts += 1;
    lab.max_score = max;
    lab.best_score = lab.best_score.max(score);
    lab.passed |= passed;
    if passed {
        lab.passed_at.get_or_insert(at);
    }
    lab.first_attempt.get_or_insert(at);
    lab.last_attempt = Some(at);
    Effect::Changed
}

impl Progress {
    /// Applies an action that is not about one lab.
    fn apply(&mut self, action: Action) -> Effect {
        match action {
            Action::SetDark(dark) => self.dark = Some(dark),
            Action::SetWeeklyPlan(plan) => self.weekly_plan = plan,
            Action::SetLearner { name, email } => {
                self.learner_name = name;
                self.learner_email = email;
            }
            Action::Restore(backup) => {
                self.labs = backup.labs;
                self.dark = backup.dark;
                self.weekly_plan = backup.weekly_plan;
                self.learner_name = backup.learner_name;
                self.learner_email = backup.learner_email;
                self.dirty = self.labs.keys().cloned().collect();
            }
            Action::Storage(status) => {
                self.storage = status;
                return Effect::Mirrored;
            }
            Action::Persistent(p) => {
                self.persistent = p;
                return Effect::Mirrored;
            }
            Action::Notice(text) => {
                self.notices.push(text);
                return Effect::Mirrored;
            }
            Action::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
                return Effect::Mirrored;
            }
            Action::Synced(saved) => {
                self.synced = saved
                    .labs
                    .iter()
                    .map(|(k, l)| (k.clone(), fingerprint(l)))
                    .collect();
                self.labs = saved.labs;
                self.dark = saved.dark;
                self.weekly_plan = saved.weekly_plan;
                self.learner_name = saved.learner_name;
                self.learner_email = saved.learner_email;
                self.dirty.clear();
                self.settings_dirty = false;
                return Effect::Mirrored;
            }
            Action::External(theirs) => {
                self.take_external(*theirs);
                return Effect::Mirrored;
            }
            // One lab's actions are applied in `reduce`.
            Action::Edit { .. }
            | Action::Upload { .. }
            | Action::Answer { .. }
            | Action::Graded { .. }
            | Action::RevealHint { .. }
            | Action::Active { .. }
            | Action::Reset { .. }
            | Action::UndoReset { .. }
            | Action::Seen { .. } => return Effect::None,
        }
        Effect::Changed
    }

    /// Takes another tab's save: its labs, except those changed here, and
    /// its settings, unless changed here.
    fn take_external(&mut self, theirs: Progress) {
        for (key, lab) in theirs.labs {
            if !self.dirty.contains(&key) {
                self.synced.insert(key.clone(), fingerprint(&lab));
                self.labs.insert(key, lab);
            }
        }
        if !self.settings_dirty {
            self.dark = theirs.dark;
            self.weekly_plan = theirs.weekly_plan;
            self.learner_name = theirs.learner_name;
            self.learner_email = theirs.learner_email;
        }
    }
}

//! Two tabs, one storage: what a save writes when another tab may have
//! saved since this one last looked.

use super::{LabProgress, Progress};

/// A lab's state in a number, to notice that another tab changed it.
pub fn fingerprint(lab: &LabProgress) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    lab.code.hash(&mut h);
    lab.before_reset.hash(&mut h);
    lab.upload.as_ref().map(|(n, b)| (n, b.len())).hash(&mut h);
    (
        lab.attempts,
        lab.best_score,
        lab.max_score,
        lab.passed,
        lab.hints_shown,
    )
        .hash(&mut h);
    lab.first_attempt.map(f64::to_bits).hash(&mut h);
    lab.last_attempt.map(f64::to_bits).hash(&mut h);
    lab.passed_at.map(f64::to_bits).hash(&mut h);
    lab.active_ms.to_bits().hash(&mut h);
    serde_json::to_string(&lab.answers)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// What a save writes: `stored` (what is in storage now, perhaps saved by
/// another tab) with this tab's changed labs and settings laid over it.
/// Also returns, per lab, the other tab's version where both tabs changed
/// the same lab since they last synced; the caller keeps those aside, so
/// neither tab's work is lost.
pub fn merge(ours: &Progress, stored: &Progress) -> (Progress, Vec<(String, LabProgress)>) {
    let mut merged = stored.clone();
    let mut conflicts = Vec::new();
    for key in &ours.dirty {
        let Some(mine) = ours.labs.get(key) else {
            continue;
        };
        if let Some(theirs) = stored.labs.get(key) {
            let changed_there = ours.synced.get(key) != Some(&fingerprint(theirs));
            if changed_there && fingerprint(theirs) != fingerprint(mine) {
                conflicts.push((key.clone(), theirs.clone()));
            }
        }
        merged.labs.insert(key.clone(), mine.clone());
    }
    // Labs only this tab knows (state that was never saved) stay too.
    for (key, lab) in &ours.labs {
        merged
            .labs
            .entry(key.clone())
            .or_insert_with(|| lab.clone());
    }
    if ours.settings_dirty {
        merged.dark = ours.dark;
        merged.weekly_plan = ours.weekly_plan;
        merged.learner_name = ours.learner_name.clone();
        merged.learner_email = ours.learner_email.clone();
    }
    (merged, conflicts)
}

//! Statements waiting to reach a Learning Record Store.
//!
//! Send puts a course's statements here first and removes them only once the
//! LRS has accepted them, so a failed or interrupted send never loses one.
//! The outbox is saved under its own storage key, apart from progress, and
//! re-read before every change, so two tabs queueing at once lose nothing.
//! Statement ids are derived from their content, so queueing the same work
//! twice queues it once, and re-sending what the LRS already holds is
//! harmless.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the outbox lives.
pub const KEY: &str = "sandlab:xapi-outbox";
/// Where learners' LRS keys live: apart from progress, so no export or
/// backup of progress can carry them.
pub const CREDENTIALS_KEY: &str = "sandlab:lrs-credentials";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    /// Statements waiting per LRS endpoint, oldest first.
    pub waiting: BTreeMap<String, Vec<Value>>,
}

fn id(statement: &Value) -> Option<&str> {
    statement["id"].as_str()
}

impl Outbox {
    /// Reads a saved outbox.
    ///
    /// # Errors
    ///
    /// The text is not an outbox (it is then kept aside by the caller).
    pub fn load(text: &str) -> Result<Outbox, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn save(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Queues `statements` for `endpoint`, skipping any already waiting;
    /// returns how many were new.
    pub fn add(&mut self, endpoint: &str, statements: Vec<Value>) -> usize {
        let list = self.waiting.entry(endpoint.to_string()).or_default();
        let mut added = 0;
        for s in statements {
            if !list.iter().any(|w| id(w).is_some() && id(w) == id(&s)) {
                list.push(s);
                added += 1;
            }
        }
        if list.is_empty() {
            self.waiting.remove(endpoint);
        }
        added
    }

    /// Drops the statements the LRS accepted.
    pub fn remove(&mut self, endpoint: &str, sent: &[Value]) {
        if let Some(list) = self.waiting.get_mut(endpoint) {
            list.retain(|w| !sent.iter().any(|s| id(s).is_some() && id(s) == id(w)));
            if list.is_empty() {
                self.waiting.remove(endpoint);
            }
        }
    }

    pub fn count(&self, endpoint: &str) -> usize {
        self.waiting.get(endpoint).map_or(0, Vec::len)
    }

    /// The next batch to send to `endpoint`.
    pub fn batch(&self, endpoint: &str) -> Vec<Value> {
        self.waiting
            .get(endpoint)
            .map(|l| l.iter().take(crate::record::xapi::BATCH).cloned().collect())
            .unwrap_or_default()
    }
}

/// A learner's key and secret for one LRS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub key: String,
    pub secret: String,
}

/// The saved keys, per endpoint.
pub type Keys = BTreeMap<String, Key>;

/// How long to wait before retrying after `failures` failed sends in a
/// row: 30 s, doubling, at most 10 minutes, so an LRS that is down for a
/// day is not hammered and one back within minutes is reached soon.
pub fn retry_delay_ms(failures: u32) -> u32 {
    30_000u32.saturating_mul(1 << failures.min(5)).min(600_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(id: &str) -> Value {
        json!({ "id": id, "verb": { "id": "http://adlnet.gov/expapi/verbs/passed" } })
    }

    #[test]
    fn queueing_twice_keeps_one_and_only_accepted_ones_leave() {
        let mut o = Outbox::default();
        assert_eq!(o.add("https://lrs/xAPI/", vec![s("a"), s("b")]), 2);
        assert_eq!(o.add("https://lrs/xAPI/", vec![s("b"), s("c")]), 1);
        assert_eq!(o.add("https://other/xAPI/", vec![s("a")]), 1);
        assert_eq!(o.count("https://lrs/xAPI/"), 3);
        o.remove("https://lrs/xAPI/", &[s("a"), s("c")]);
        assert_eq!(o.batch("https://lrs/xAPI/"), vec![s("b")]);
        assert_eq!(
            o.count("https://other/xAPI/"),
            1,
            "another LRS's queue is untouched"
        );
        o.remove("https://lrs/xAPI/", &[s("b")]);
        assert!(!o.waiting.contains_key("https://lrs/xAPI/"));
        let back = Outbox::load(&o.save()).expect("round trip");
        assert_eq!(back, o);
        assert!(Outbox::load("{\"waiting\": 3}").is_err());
    }

    #[test]
    fn batches_are_capped() {
        let mut o = Outbox::default();
        let many: Vec<Value> = (0..450).map(|i| s(&format!("id{i}"))).collect();
        o.add("e", many);
        assert_eq!(o.batch("e").len(), crate::record::xapi::BATCH);
        assert_eq!(o.batch("e")[0]["id"], "id0");
    }

    #[test]
    fn retries_back_off_to_ten_minutes() {
        let delays: Vec<u32> = (0..8).map(retry_delay_ms).collect();
        assert_eq!(
            delays,
            [
                30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000
            ]
        );
    }
}

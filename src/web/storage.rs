//! Browser storage for progress: localStorage under one key, with damaged or
//! newer saved state kept aside under its own key, never overwritten.

use super::progress::{self, LoadError, Progress, StorageStatus};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where progress lives. The schema number is inside the value.
pub const KEY: &str = "sandlab:progress";

pub(super) fn local_storage() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    match window.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("this browser offers no local storage".into()),
        Err(_) => Err(
            "local storage is blocked (private browsing, or cookies disabled for this site)".into(),
        ),
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Loads saved progress. Whatever cannot be restored is copied aside and the
/// learner is told where; nothing is thrown away.
pub fn load_progress() -> Progress {
    let storage = match local_storage() {
        Ok(s) => s,
        Err(e) => {
            return Progress {
                storage: StorageStatus::Failed(e.clone()),
                notices: vec![format!(
                    "Your progress cannot be saved: {e}. It lives only in this tab until you close it."
                )],
                ..Progress::default()
            };
        }
    };
    let text = match storage.get_item(KEY) {
        Ok(Some(text)) => text,
        Ok(None) => return Progress::default(),
        Err(_) => {
            return Progress {
                storage: StorageStatus::Failed("reading local storage failed".into()),
                ..Progress::default()
            };
        }
    };
    match progress::load(&text) {
        Ok(mut p) => {
            p.storage = StorageStatus::Saved { persistent: false };
            let lost = fill_uploads(&storage, &mut p);
            p.synced = p
                .labs
                .iter()
                .map(|(k, l)| (k.clone(), progress::fingerprint(l)))
                .collect();
            if !lost.is_empty() {
                p.notices.push(format!(
                    "These uploaded modules were not saved in this browser and need uploading again: {}. Your code and scores are safe.",
                    lost.join(", ")
                ));
            }
            p
        }
        Err(error) => {
            let kept = keep_aside(&storage, KEY, &text).ok();
            if kept.is_some() {
                KEPT_ASIDE.with(|k| *k.borrow_mut() = Some(text.clone()));
            }
            let why = match error {
                LoadError::Corrupt(e) => format!("could not be read ({e})"),
                LoadError::Newer(n) => format!("was saved by a newer sandlab (schema {n})"),
            };
            let where_ = match &kept {
                Some(aside) => format!(
                    "A copy was kept in this browser's storage under \"{aside}\"; nothing was deleted."
                ),
                None => "Keeping a copy aside failed too, so the saved text was left untouched and new progress will not be saved over it.".into(),
            };
            let mut p = Progress {
                notices: vec![format!(
                    "Your saved progress {why}. You are starting fresh. {where_}"
                )],
                ..Progress::default()
            };
            if kept.is_none() {
                let why =
                    "the old saved progress could not be kept aside, so nothing is saved over it"
                        .to_string();
                p.storage = StorageStatus::Failed(why.clone());
                p.saves_blocked = Some(why);
            }
            p
        }
    }
}

/// Fills in uploaded modules' bytes, which live under their own keys;
/// returns the ones that are missing (and drops them from `p`).
fn fill_uploads(storage: &web_sys::Storage, p: &mut Progress) -> Vec<String> {
    let mut lost = Vec::new();
    for (key, lab) in p.labs.iter_mut() {
        if let Some((name, bytes)) = &mut lab.upload
            && bytes.is_empty()
        {
            match storage
                .get_item(&progress::upload_key(key))
                .ok()
                .flatten()
                .and_then(|t| progress::decode_upload(&t))
            {
                Some(stored) => {
                    remember_upload(key, name, &stored);
                    *bytes = stored;
                }
                None => lost.push(format!("{name} ({key})")),
            }
        }
        if lab.upload.as_ref().is_some_and(|(_, b)| b.is_empty()) {
            lab.upload = None;
        }
    }
    lost
}

/// Reads what another tab just saved (from a `storage` event's new value).
pub fn external(text: &str) -> Option<Progress> {
    let mut p = progress::load(text).ok()?;
    let storage = local_storage().ok()?;
    fill_uploads(&storage, &mut p);
    Some(p)
}

/// Saves progress now. Another tab may have saved since this one last
/// did: its labs are kept, this tab's changed labs are written over them
/// (see [`progress::merge`]), and where both changed one lab, the other
/// tab's version is kept aside and named in a notice.
///
/// # Errors
///
/// Storage is unavailable or full; the message says which.
pub fn save(progress: &Progress) -> Result<(Progress, Vec<String>), String> {
    if let Some(why) = &progress.saves_blocked {
        return Err(why.clone());
    }
    let storage = local_storage()?;
    let stored = match storage.get_item(KEY).ok().flatten() {
        None => Progress::default(),
        Some(text) => match progress::load(&text) {
            Ok(mut p) => {
                fill_uploads(&storage, &mut p);
                p
            }
            Err(_) => {
                // Damaged or newer: keep it (once), then save.
                if KEPT_ASIDE.with(|k| k.borrow().as_deref() != Some(text.as_str())) {
                    keep_aside(&storage, KEY, &text)?;
                    KEPT_ASIDE.with(|k| *k.borrow_mut() = Some(text));
                }
                Progress::default()
            }
        },
    };
    let (merged, conflicts) = progress::merge(progress, &stored);
    let mut notices = Vec::new();
    for (key, theirs) in conflicts {
        let aside = format!("{KEY}:other-tab:{key}:{}", now_ms() as u64);
        let mut one = Progress::default();
        one.labs.insert(key.clone(), theirs);
        storage
            .set_item(&aside, &progress::save(&one))
            .map_err(quota_message)?;
        notices.push(format!(
            "The lab {key} was changed in another tab too. This tab's version is saved; the other one is kept in this browser's storage under \"{aside}\"."
        ));
    }
    storage
        .set_item(KEY, &progress::save(&merged))
        .map_err(quota_message)?;
    // Uploads go under their own keys, written only when they change, so a
    // module too large for the quota cannot stop the rest from saving.
    for (key, lab) in &merged.labs {
        let Some((name, bytes)) = &lab.upload else {
            continue;
        };
        if UPLOADS.with(|u| u.borrow().get(key) == Some(&(name.clone(), bytes.len()))) {
            continue;
        }
        storage
            .set_item(&progress::upload_key(key), &progress::encode_upload(bytes))
            .map_err(|e| {
                format!(
                    "your code is saved, but the uploaded module {name} is too large for this browser's storage ({}); it stays in this tab until you close it",
                    quota_message(e)
                )
            })?;
        remember_upload(key, name, bytes);
    }
    Ok((merged, notices))
}

/// Copies the saved progress aside under a key of its own (before a backup
/// replaces it) and returns that key; `None` if nothing was saved.
///
/// # Errors
///
/// Storage is unavailable or full: the caller must not replace anything.
pub fn keep_current_aside() -> Result<Option<String>, String> {
    let storage = local_storage()?;
    let Some(text) = storage.get_item(KEY).ok().flatten() else {
        return Ok(None);
    };
    keep_aside(&storage, KEY, &text).map(Some)
}

/// Copies `text` (what was under `key`) to `key:kept-aside:<time>`, never
/// over anything, and returns that key.
///
/// # Errors
///
/// Storage is full or blocked.
pub fn keep_aside(storage: &web_sys::Storage, key: &str, text: &str) -> Result<String, String> {
    let aside = format!("{key}:kept-aside:{}", now_ms() as u64);
    storage.set_item(&aside, text).map_err(quota_message)?;
    Ok(aside)
}

/// Forgets which uploads are saved, so the next save writes them all (after
/// a restore, a module of the same name and size may differ).
pub fn forget_saved_uploads() {
    UPLOADS.with(|u| u.borrow_mut().clear());
}

thread_local! {
    /// Saved text already copied aside, so it is not copied twice.
    static KEPT_ASIDE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    /// Which upload (name, size) each lab's key holds, to skip rewriting it.
    static UPLOADS: std::cell::RefCell<std::collections::BTreeMap<String, (String, usize)>> =
        Default::default();
}

fn remember_upload(key: &str, name: &str, bytes: &[u8]) {
    UPLOADS.with(|u| {
        u.borrow_mut()
            .insert(key.to_string(), (name.to_string(), bytes.len()))
    });
}

fn quota_message(e: wasm_bindgen::JsValue) -> String {
    {
        let name = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.name()))
            .unwrap_or_default();
        if name.contains("Quota") {
            "browser storage is full: free some space (or export your work) so progress can be saved".to_string()
        } else {
            format!("saving failed: {}", name)
        }
    }
}

/// Asks the browser to keep our storage through clean-ups; resolves to
/// whether it agreed.
pub async fn request_persistence() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let storage = window.navigator().storage();
    match storage.persist() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

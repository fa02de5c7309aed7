//! The backup file: the learner's whole work (progress and uploads) as one
//! file, to restore here or in another browser.

use super::{LoadError, Progress, decode_upload, encode_upload, load, save};

/// The backup file's format version.
pub const BACKUP_FORMAT: &str = "sandlab.backup/1";

/// Everything to restore the learner's work in another browser: the saved
/// progress and the uploaded modules. Never LRS keys, which are stored apart.
pub fn backup(progress: &Progress, exported_at: &str) -> String {
    let uploads: serde_json::Map<String, serde_json::Value> = progress
        .labs
        .iter()
        .filter_map(|(k, l)| {
            l.upload
                .as_ref()
                .map(|(_, bytes)| (k.clone(), serde_json::Value::String(encode_upload(bytes))))
        })
        .collect();
    let saved: serde_json::Value =
        serde_json::from_str(&save(progress)).unwrap_or(serde_json::Value::Null);
    serde_json::to_string_pretty(&serde_json::json!({
        "format": BACKUP_FORMAT,
        "exported_at": exported_at,
        "progress": saved,
        "uploads": uploads,
    }))
    .unwrap_or_default()
}

/// Reads a [`backup`] back: the progress with its uploads, and when it was
/// made.
///
/// # Errors
///
/// Not a sandlab backup, damaged, or from a newer sandlab; the message says
/// which, for the learner.
pub fn restore(text: &str) -> Result<(Progress, String), String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| "this file is not a sandlab backup (it is not JSON)".to_string())?;
    if value["format"] != BACKUP_FORMAT {
        return Err(match value["format"].as_str() {
            Some(f) if f.starts_with("sandlab.backup/") => {
                format!(
                    "this backup was made by a newer sandlab ({f}); update sandlab to restore it"
                )
            }
            _ => "this file is not a sandlab backup (no \"format\": \"sandlab.backup/1\")".into(),
        });
    }
    let mut progress = load(&value["progress"].to_string()).map_err(|e| match e {
        LoadError::Corrupt(why) => format!("the backup's progress is damaged: {why}"),
        LoadError::Newer(n) => {
            format!("this backup was made by a newer sandlab (progress schema {n})")
        }
    })?;
    for (key, lab) in &mut progress.labs {
        if let Some((name, bytes)) = &mut lab.upload {
            *bytes = value["uploads"][key.as_str()]
                .as_str()
                .and_then(decode_upload)
                .ok_or_else(|| format!("the backup's uploaded module {name} ({key}) is damaged"))?;
        }
    }
    Ok((
        progress,
        value["exported_at"].as_str().unwrap_or("").to_string(),
    ))
}

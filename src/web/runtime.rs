//! Language runtimes in the browser: downloaded when a lab first needs one,
//! kept in the browser's Cache Storage so later visits (and offline ones)
//! need no network, checked against the id the bundle names, and held in
//! memory for the page's life.

use crate::lab::RuntimeFile;
use crate::language::{Language, Runtime};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "
export async function fetch_runtime(url) {
  // The runtime's name carries its hash: a cached copy is never stale.
  let cache = null;
  let response = null;
  try {
    cache = await caches.open('sandlab-runtimes');
    response = await cache.match(url);
  } catch (e) {
    cache = null; // no Cache Storage (a file: page, a private window)
  }
  if (!response) {
    response = await fetch(url);
    if (!response.ok) throw new Error('the server answered ' + response.status + ' for ' + url);
    if (cache) {
      try { await cache.put(url, response.clone()); } catch (e) { /* storage full: works, uncached */ }
    }
  }
  let bytes;
  try {
    const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    await forget_runtime(url);
    throw e;
  }
  // The browser's own SHA-256 takes milliseconds where hashing 11 MB in
  // WebAssembly takes a tenth of a second; without it (a page not served
  // over https or from localhost) the app hashes the bytes itself.
  let hex = null;
  try {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  } catch (e) { /* no SubtleCrypto here */ }
  return [bytes, hex];
}
// A damaged copy must not stay cached: the next load downloads it afresh.
export async function forget_runtime(url) {
  try { await (await caches.open('sandlab-runtimes')).delete(url); } catch (e) { /* no cache */ }
}")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn fetch_runtime(url: &str) -> Result<js_sys::Promise, JsValue>;
    fn forget_runtime(url: &str) -> js_sys::Promise;
}

thread_local! {
    /// Runtimes loaded on this page, by id.
    static LOADED: RefCell<BTreeMap<String, Arc<Runtime>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The runtime `file` names, if it is loaded already.
pub fn loaded(file: &RuntimeFile) -> Option<Arc<Runtime>> {
    LOADED.with(|l| l.borrow().get(&file.id).cloned())
}

/// Downloads (or takes from the cache) the runtime `file` names for
/// `language`, and checks it is the one the bundle names.
///
/// # Errors
///
/// A sentence for the learner: the download failed, or the bytes are not
/// the runtime this build of the app expects.
pub async fn load(language: Language, file: &RuntimeFile) -> Result<Arc<Runtime>, String> {
    if let Some(runtime) = loaded(file) {
        return Ok(runtime);
    }
    let title = language.spec().title;
    let promise = fetch_runtime(&file.file).map_err(|e| describe(title, &e))?;
    let fetched = JsFuture::from(promise)
        .await
        .map_err(|e| describe(title, &e))?;
    let fetched = js_sys::Array::from(&fetched);
    let bytes = js_sys::Uint8Array::new(&fetched.get(0)).to_vec();
    let runtime = match fetched.get(1).as_string() {
        Some(hex) => Runtime::hashed(language, bytes, format!("sha256:{hex}")),
        None => Runtime::new(language, bytes),
    };
    if runtime.id != file.id {
        let _ = JsFuture::from(forget_runtime(&file.file)).await;
        return Err(format!(
            "the {title} runtime that arrived is not the one this app expects ({} instead of {}): reload the page; if it persists, tell the instructor",
            short(&runtime.id),
            short(&file.id)
        ));
    }
    LOADED.with(|l| l.borrow_mut().insert(file.id.clone(), runtime.clone()));
    Ok(runtime)
}

fn describe(title: &str, e: &JsValue) -> String {
    let why = js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    format!(
        "the {title} runtime could not be loaded ({why}): check your connection and reload the page; your code is saved"
    )
}

fn short(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    &hex[..hex.len().min(12)]
}

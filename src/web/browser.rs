//! Small calls into the browser that are not components: the page's title
//! and theme, the clock as dates, a question to confirm, a file download and
//! the clipboard. Each does without what the browser refuses, so callers
//! need no fallbacks of their own.

use super::storage;
use wasm_bindgen::JsCast;

/// Whether the system asks for a dark theme (the learner's own choice, when
/// they made one, wins over it).
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Names the page, as tabs and history show it.
pub fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · sandlab"));
    }
}

/// Seconds since the epoch, for due dates.
pub fn now_seconds() -> i64 {
    (storage::now_ms() / 1000.0) as i64
}

/// A time in milliseconds since the epoch as RFC 3339, as records write it.
pub fn iso(ms: f64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
}

/// Asks the learner `question`; `false` where the browser shows no dialog.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "no object URL".to_string())?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no anchor".to_string())?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Writes `text` to the clipboard; `false` where the browser refuses (no
/// permission, or no Clipboard API on a page that is not https).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let write = || -> Option<js_sys::Promise> {
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
        let write_text: js_sys::Function = js_sys::Reflect::get(&clipboard, &"writeText".into())
            .ok()?
            .dyn_into()
            .ok()?;
        write_text
            .call1(&clipboard, &text.into())
            .ok()?
            .dyn_into()
            .ok()
    };
    match write() {
        Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
        None => false,
    }
}

/// Whether the learner is on a Mac (where ⌘ stands for Ctrl).
pub fn is_mac() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().platform().ok())
        .is_some_and(|p| p.starts_with("Mac"))
}

/// The text at `url` (relative to the page), fetched past the HTTP cache:
/// courses that change (a preview, a new version) show at once.
///
/// # Errors
///
/// Why not, in a few words: offline, or the server's status.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| "network error".to_string())?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "the server answered {} for {url}",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(|_| "no body".to_string())?)
        .await
        .map_err(|_| "the download broke off".to_string())?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// Why an HTTP request got no answer.
#[derive(Debug)]
pub enum NoAnswer {
    /// None within the time given.
    Timeout,
    /// Offline, refused, or blocked (CORS, the page's policy).
    Network,
}

/// An HTTP request with a timeout; the status and body of the answer.
///
/// # Errors
///
/// No answer, and why.
pub async fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    timeout_ms: u32,
) -> Result<(u16, String), NoAnswer> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or(NoAnswer::Network)?;
    let set = web_sys::Headers::new().map_err(|_| NoAnswer::Network)?;
    for (k, v) in headers {
        set.set(k, v).map_err(|_| NoAnswer::Network)?;
    }
    let abort = web_sys::AbortController::new().map_err(|_| NoAnswer::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_headers(&set);
    if let Some(b) = body {
        init.set_body(&wasm_bindgen::JsValue::from_str(b));
    }
    init.set_signal(Some(&abort.signal()));
    let timer = gloo_timers::callback::Timeout::new(timeout_ms, move || abort.abort());
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await;
    let response: web_sys::Response = match response {
        Ok(r) => r.unchecked_into(),
        Err(e) => {
            drop(timer);
            let aborted = e
                .dyn_ref::<js_sys::Error>()
                .is_some_and(|e| e.name() == "AbortError");
            return Err(if aborted {
                NoAnswer::Timeout
            } else {
                NoAnswer::Network
            });
        }
    };
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    drop(timer);
    Ok((response.status(), text))
}

/// A POST started now, before this function returns, that outlives the
/// page (`keepalive`): for what is sent as the page goes, when nothing
/// asynchronous may run any more. Its answer is not awaited.
pub fn post_as_page_goes(url: &str, headers: &[(&str, &str)], body: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(set) = web_sys::Headers::new() else {
        return;
    };
    for (k, v) in headers {
        let _ = set.set(k, v);
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_headers(&set);
    init.set_body(&wasm_bindgen::JsValue::from_str(body));
    // Not in web-sys's RequestInit yet; every current browser has it.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    let _ = window.fetch_with_str_and_init(url, &init);
}

//! Offline use: the service worker (`web/sw.js`) that serves the site from
//! the browser's cache when the network does not answer. Registered once
//! the courses are loaded (never in `sandlab serve`'s preview, which must
//! always show the author's last save), and handed every file the page
//! loaded before it was in charge, so one visit is enough. The page's
//! `<body data-offline="ready">` says the site is cached.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export function register_offline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && typeof event.data.cached === 'number') document.body.dataset.offline = 'ready';
  });
  navigator.serviceWorker
    .register('sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const here = (path) => new URL(path, location.href).href;
      const urls = new Set([location.href.split('#')[0], here('courses.json'), here('worker.js'), here('sw.js')]);
      for (const entry of performance.getEntriesByType('resource')) {
        if (entry.name.startsWith(location.origin) && !/\\/(runtimes|__sandlab)\\//.test(entry.name)) urls.add(entry.name);
      }
      registration.active.postMessage({ cache: [...urls] });
    })
    .catch(() => { /* no offline use (a file: page, a private window): the site works online */ });
}")]
extern "C" {
    /// Registers the service worker and hands it the page's files.
    pub fn register_offline();
}

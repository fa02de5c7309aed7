// The offline worker: after one visit, the site opens and grades with the
// network off, a cold reload included.
//
// - The page and the courses (index.html, courses.json) come from the
//   network when it answers, so a new version reaches learners on their
//   next visit; from the cache when it does not (or takes over 4 s).
// - Everything else the site serves (the app's wasm and scripts, whose
//   names carry their hash, the editor, the worker, images) comes
//   from the cache once it is there, and is cached the first time it
//   passes. (Language runtimes are the page's own Cache Storage's.)
// - The page tells this worker every file it loaded before the worker was
//   in charge (`{ cache: [urls] }`), so the first visit is enough; it
//   answers `{ cached: n }`.
// Learners' progress lives in the page's storage, never here: a new
// version of the site cannot lose it.

const CACHE = "sandlab-site-v1";
const FRESH_FIRST = /(\/|\/index\.html|\/courses\.json)$/;
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  const urls = event.data && event.data.cache;
  if (!Array.isArray(urls)) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      let cached = 0;
      for (const url of urls) {
        if (new URL(url).origin !== self.location.origin) continue;
        try {
          const response = await fetch(url, { cache: "no-cache" });
          if (response.ok) {
            await cache.put(strip(url), response);
            cached++;
          }
        } catch (e) {
          // Offline already: what is cached stays.
        }
      }
      event.source && event.source.postMessage({ cached });
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The preview of `sandlab serve` and its event stream are never cached;
  // the page keeps the runtimes in a cache of its own.
  if (url.pathname.includes("/__sandlab/") || url.pathname.includes("/runtimes/")) return;
  // Only the site's own files: not an LRS or LMS on the same origin (a
  // cmi5 LMS's State API answers differently for each query, and sends
  // credentials), nor anything else asked for with a query but the page.
  if (request.headers.has("Authorization") || request.headers.has("X-Experience-API-Version")) return;
  if (url.search !== "" && request.mode !== "navigate") return;
  const key = strip(request.url);
  if (request.mode === "navigate" || FRESH_FIRST.test(url.pathname)) {
    event.respondWith(freshFirst(request, key));
  } else {
    event.respondWith(cacheFirst(request, key));
  }
});

/// The URL without its query and fragment: one cached copy per file.
function strip(url) {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  return u.href;
}

async function freshFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request, { cache: "no-cache" }),
      new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), NETWORK_WAIT_MS)),
    ]);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(key);
    if (cached) return cached;
    // A navigation to a page never cached: the app's own page serves
    // every route.
    const page = await cache.match(new URL("./", self.registration.scope).href);
    if (page && request.mode === "navigate") return page;
    throw e;
  }
}

async function cacheFirst(request, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}

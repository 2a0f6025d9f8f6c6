{% autoescape off %}// The service worker: pages a person opened (and a few of their twinning's key pages) stay
// readable offline on their own device, and the site's look with them. Served at /sw.js by
// common.views.service_worker; the rules are in docs/architecture.md ("Offline reading and writing").
//
// - Only pages the server marks with the Offline-Keep header are kept (common.offline): a
//   signed-in person's workspace pages and meeting times, never a page sent "no-store".
// - Each person's copies live in a cache named after the opaque key that header carries. When a
//   page names another key (someone else signed in on this device), every other person's copies
//   are deleted; signing out deletes them all (the page says so, and the server's Clear-Site-Data).
// - Online, a page always comes from the server (network first); the copy is only for offline.
// - Nothing is fetched from outside the site.
"use strict";

const VERSION = "{{ version }}";
const STATIC_CACHE = `twinning-static-${VERSION}`;
const STATIC_FILES = {{ static_json }};
const STATIC_PREFIX = {{ static_prefix }};
const OFFLINE_URL = {{ offline_url }};
const KEEP_HEADER = {{ keep_header }};
const PAGES_PREFIX = "twinning-pages-";
const STATE_CACHE = "twinning-offline-state";
const STATE_URL = "/__offline_state__";
const SAVED_HEADER = "Offline-Saved-At";
const MAX_PAGES = 60;
const PREFETCH_AT_MOST_EVERY_MS = 10 * 60 * 1000;

// --- whose copies are current ---------------------------------------------------------------------

async function currentKey() {
  const answer = await (await caches.open(STATE_CACHE)).match(STATE_URL);
  return answer ? (await answer.json()).key : "";
}

async function setCurrentKey(key) {
  const state = await caches.open(STATE_CACHE);
  await state.put(STATE_URL, new Response(JSON.stringify({ key }), { headers: { "Content-Type": "application/json" } }));
  // Another person's pages never stay on the device next to this person's.
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX) && name !== PAGES_PREFIX + key) await caches.delete(name);
  }
}

async function forgetEveryone() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX) || name === STATE_CACHE) await caches.delete(name);
  }
}

// --- keeping a page ---------------------------------------------------------------------------------

function keyOf(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return "";
  if (/no-store/i.test(response.headers.get("Cache-Control") || "")) return "";
  return response.headers.get(KEEP_HEADER) || "";
}

async function keep(url, response) {
  const key = keyOf(response);
  if (!key) return;
  if (key !== (await currentKey())) await setCurrentKey(key);
  const headers = new Headers(response.headers);
  headers.set(SAVED_HEADER, new Date().toISOString());
  const copy = new Response(await response.blob(), { status: 200, headers });
  const pages = await caches.open(PAGES_PREFIX + key);
  await pages.put(url, copy);
  // The oldest copies go first once there are too many (keys come back in the order they were put).
  const kept = await pages.keys();
  for (const old of kept.slice(0, Math.max(0, kept.length - MAX_PAGES))) await pages.delete(old);
}

async function forget(url) {
  const key = await currentKey();
  if (key) await (await caches.open(PAGES_PREFIX + key)).delete(url);
}

// A kept page says when it was saved: the page's script shows "offline — showing what was saved at …".
async function asSaved(copy) {
  const saved = copy.headers.get(SAVED_HEADER) || "";
  const html = (await copy.text()).replace("<body ", `<body data-offline-saved-at="${saved}" `);
  const headers = new Headers(copy.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function savedCopy(url) {
  const key = await currentKey();
  if (!key) return null;
  const pages = await caches.open(PAGES_PREFIX + key);
  return (await pages.match(url)) || null;
}

async function page(event) {
  const request = event.request;
  try {
    const answer = await fetch(request);
    // The copy is written while the page is already on its way to the reader.
    if (keyOf(answer)) {
      event.waitUntil(keep(request.url, answer.clone()));
    } else if (answer.status === 404 || answer.status === 410) {
      event.waitUntil(forget(request.url)); // no longer theirs to read: not offline either
    }
    return answer;
  } catch (offline) {
    const copy = await savedCopy(request.url);
    if (copy) return asSaved(copy);
    const fallback = await savedCopy(new URL(OFFLINE_URL, self.location.origin).href);
    if (fallback) return fallback;
    return new Response("Offline.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

// --- the site's look: served from the device, refreshed in the background -------------------------

async function staticFile(request) {
  const store = await caches.open(STATIC_CACHE);
  const copy = await store.match(request);
  const fresh = fetch(request)
    .then((answer) => {
      if (answer.ok) store.put(request, answer.clone());
      return answer;
    })
    .catch(() => null);
  return copy || (await fresh) || Response.error();
}

// --- a few key pages ahead of time --------------------------------------------------------------------

async function prefetch(urls) {
  const key = await currentKey();
  if (!key) return;
  const pages = await caches.open(PAGES_PREFIX + key);
  for (const href of [OFFLINE_URL, ...urls]) {
    const url = new URL(href, self.location.origin);
    if (url.origin !== self.location.origin) continue;
    const copy = await pages.match(url.href);
    const savedAt = copy ? Date.parse(copy.headers.get(SAVED_HEADER) || "") : 0;
    if (Date.now() - savedAt < PREFETCH_AT_MOST_EVERY_MS) continue;
    try {
      // "Purpose: prefetch": the server does not count it as the person reading the page.
      const answer = await fetch(url.href, { credentials: "same-origin", headers: { Purpose: "prefetch" } });
      if (keyOf(answer) === key) await keep(url.href, answer);
    } catch (offline) {
      return;
    }
  }
}

// --- events ---------------------------------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((store) => store.addAll(STATIC_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("twinning-static-") && name !== STATIC_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "hello" && typeof message.key === "string" && message.key) {
    event.waitUntil(
      (async () => {
        if (message.key !== (await currentKey())) await setCurrentKey(message.key);
        if (Array.isArray(message.prefetch)) await prefetch(message.prefetch.slice(0, 12));
      })(),
    );
  } else if (message.type === "signout") {
    event.waitUntil(forgetEveryone());
  }
});
{% endautoescape %}

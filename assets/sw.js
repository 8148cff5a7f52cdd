// ReHome's service worker (issue 12). Served by rehome/api/pwa_routes.py at
// /sw.js with this build's id written into BUILD, so every deploy is a new
// worker with its own cache, and the old caches go when it activates.
//
// What it does, and why:
// - Navigations are network first (with navigation preload): a release is seen
//   on the next page load, never a stale shell. When the page cannot load, the
//   app's own offline page is shown instead of the browser's.
// - Vite's content-hashed bundles (/assets/...) never change under one name:
//   cache first, so a warm load runs from the device.
// - Other static files (rehome.css, icons, ...) keep their names across
//   releases: network first, cache as the fallback when offline.
// - Anything else passes straight through and is never stored: the REST API,
//   /auth, the Reflex websocket and upload routes, /health, and any URL with a
//   query string (signed file URLs carry their signature there).
//   Offline capture (assets/offline_capture.js) keeps its queue in IndexedDB,
//   not here.
const BUILD = "__REHOME_BUILD__";
const PREFIX = "rehome-shell-";
const CACHE = PREFIX + BUILD;
const OFFLINE_URL = "/offline.html";
const SHELL = [
  OFFLINE_URL,
  "/rehome.css",
  "/rehome.js",
  "/drafts.js",
  "/pwa.js",
  "/manifest.webmanifest",
  "/favicon.ico",
  "/icons/icon-192.png",
  "/icons/apple-touch-icon.png",
];
const NEVER = /^\/(?:api|auth|_event|_upload|_health|ping|health|metrics|sw\.js)(?:\/|$)/;
const IMMUTABLE = /^\/assets\//;
const STATIC = /\.(?:js|mjs|css|png|jpe?g|svg|ico|webp|woff2?|ttf|webmanifest)$/;
// A gateway error means the app itself was not reached (e.g. mid-deploy).
const UNREACHED = new Set([502, 504]);

function cacheable(url) {
  return url.origin === self.location.origin && !url.search && !NEVER.test(url.pathname)
    && (IMMUTABLE.test(url.pathname) || STATIC.test(url.pathname));
}

// The shell, fetched past the HTTP cache so a new build never stores an old
// copy. Kept small so a new worker takes over at once; the bundles a page
// loads are handed over by the page (see the "message" handler) or cached as
// they pass through.
async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
}

async function store(urls) {
  const cache = await caches.open(CACHE);
  for (const raw of urls) {
    const url = new URL(raw, self.location.origin);
    if (cacheable(url) && !(await cache.match(url.href))) {
      try {
        await cache.add(url.href);
      } catch (error) {
        // Gone or offline: it will be cached the next time a page loads it.
      }
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) {
          await caches.delete(key);
        }
      }
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

// A page tells the worker what it loaded before the worker controlled it.
self.addEventListener("message", (event) => {
  if (event.data?.type === "rehome-cache" && Array.isArray(event.data.urls)) {
    event.waitUntil(store(event.data.urls.slice(0, 200)));
  }
});

async function offlinePage() {
  const cached = await caches.match(OFFLINE_URL, { cacheName: CACHE });
  return cached || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function navigate(event) {
  try {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    return UNREACHED.has(response.status) ? offlinePage() : response;
  } catch (error) {
    return offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    return (await cache.match(request)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (cacheable(url)) {
    event.respondWith(IMMUTABLE.test(url.pathname) ? cacheFirst(request) : networkFirst(request));
  }
});

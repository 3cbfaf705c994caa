/**
 * The phone app's service worker (a module, served at /sw.js with scope /m/).
 *
 * A versioned precache of every page, module, style, icon and vendored library, served
 * cache-first; the API always goes to the network. A new version installs and waits until
 * the page asks it to take over; old caches go on activate. Background Sync runs the same
 * sync client as the pages.
 */
import { syncNow } from "/static/js/lib/sync.js";

const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const PREFIX = "estate-phone-";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" })));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data && event.data.type === "VERSION" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  const hit = await cache.match(url.pathname, { ignoreSearch: true });
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (err) {
    if (request.mode === "navigate") {
      const home = await cache.match("/m/");
      if (home) return home;
    }
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  const precached = PRECACHE.includes(url.pathname);
  if (precached || (request.mode === "navigate" && url.pathname.startsWith("/m/"))) {
    event.respondWith(fromCache(request));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(syncNow("background"));
});

// Web Push, where the person turned it on (features/notifications.js): the server's notice,
// shown as a system notification that opens the phone's list.
self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (err) { message = {}; }
  event.waitUntil(self.registration.showNotification(message.title || "物业巡检", {
    body: message.body || "", icon: "/static/icons/icon-192.png", tag: message.tag || undefined,
    data: { url: message.url || "/m/notifications" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/m/notifications";
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window" })) {
      if (new URL(client.url).pathname.startsWith("/m/") && "navigate" in client) {
        await client.focus();
        return client.navigate(url);
      }
    }
    return self.clients.openWindow(url);
  })());
});

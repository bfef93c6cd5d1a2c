// The service worker (served at /sw.js with VERSION and SHELL prepended): offline shell and caching.
/* global VERSION, SHELL, OUTBOX_SCRIPT, AlleyOutbox */
'use strict';
importScripts(OUTBOX_SCRIPT); // the report outbox, shared with the pages
const SHELL_CACHE = `shell-${VERSION}`;
const RUNTIME_CACHE = `runtime-${VERSION}`;
const OFFLINE_URL = '/offline';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

// Drop the caches of older versions.
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE && k !== RUNTIME_CACHE && k !== TILE_CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// no-store answers (a person's inbox, the chief's queue) are never kept on the device; nor a redirect (to the
// sign-in page), which a browser refuses as the answer to a navigation.
function keepable(response) {
  return response.ok && !response.redirected && !/no-store/.test(response.headers.get('Cache-Control') || '');
}

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(RUNTIME_CACHE);
  try {
    const response = await fetch(request);
    if (keepable(response)) cache.put(request, response.clone());
    return response;
  } catch (error) {
    // The newest copy first (the runtime cache), then the one stored at install (maybe signed out).
    const cached = await cache.match(request, { ignoreVary: true }) || await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    if (fallbackUrl) return caches.match(fallbackUrl);
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(RUNTIME_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return; // writes are never cached
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, OFFLINE_URL));
  } else if (url.pathname.startsWith('/static/') && url.searchParams.has('v')) {
    event.respondWith(cacheFirst(request)); // versioned: the content never changes under this URL
  } else if (url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirst(request));
  }
});

// --- Kept for offline use ----------------------------------------------------------------------------------
// Each page names what its person needs with no signal (js/sw-register.js): the pages and data of
// webapp/pwa/offline.py and what the page fetched before this worker controlled it. Only what is missing is
// fetched, so a page load on a weak signal costs nothing more. Another person on the phone (or signing out)
// drops the previous one's pages first; a page older than the last one heard from (a copy served from the
// cache, such as the offline page stored at install) changes nothing.
const OWNER_KEY = '/__offline-owner';
const neverKept = new Set(); // for as long as this worker runs

async function keepForOffline(owner, at, urls) {
  let cache = await caches.open(RUNTIME_CACHE);
  const stored = await cache.match(OWNER_KEY);
  const before = stored ? await stored.json() : null;
  if (before && at < before.at) return false;
  const dropped = Boolean(before) && before.owner !== owner;
  if (dropped) {
    await caches.delete(RUNTIME_CACHE);
    cache = await caches.open(RUNTIME_CACHE);
  }
  await cache.put(OWNER_KEY, new Response(JSON.stringify({ owner, at })));
  await Promise.all(urls.map(async (url) => {
    if (neverKept.has(url) || await cache.match(url, { ignoreVary: true })) return;
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (keepable(response)) await cache.put(url, response);
      else neverKept.add(url); // e.g. the bell's count, polled: not fetched twice each time
    } catch (error) { /* no signal now: the next page load asks again */ }
  }));
  return dropped;
}

// One after the other: a page's later asks must not be dropped by an earlier one that changes the owner.
let keeping = Promise.resolve();
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep') return;
  const owner = data.owner === undefined ? null : data.owner;
  keeping = keeping.then(() => keepForOffline(owner, data.at || 0, data.urls || []))
    .then((dropped) => event.source && event.source.postMessage({ type: 'kept', dropped }), () => null);
  event.waitUntil(keeping);
});

// Background Sync: the browser wakes the worker when the connection is back and it sends the outbox.
// A rejected promise asks the browser to try again later; open pages are told to refresh their list.
async function tellPages(summary) {
  const pages = await self.clients.matchAll({ type: 'window' });
  pages.forEach((page) => page.postMessage({ type: 'outbox', sent: summary.sent.length, waiting: summary.waiting }));
}

self.addEventListener('sync', (event) => {
  if (event.tag !== 'report-outbox') return;
  event.waitUntil(AlleyOutbox.flush().then(async (summary) => {
    await tellPages(summary);
    if (summary.waiting) throw new Error('reports still waiting');
  }));
});

// Web Push: the server's message (webapp.services.notifications.delivery: id, kind, title, body, url, tag) shown as a
// system notification; open pages are told so their bell counts at once instead of at the next poll.
const APP_NAME = '小巷管家';
const NOTIFICATION_ICON = '/static/icons/icon-192.png';
const NOTIFICATION_BADGE = '/static/icons/icon-192.png'; // no smaller monochrome icon yet

// Only a trusted event (from the browser) may be kept alive; a synthetic one throws InvalidStateError.
function keepAlive(event, promise) {
  if (event.isTrusted) event.waitUntil(promise);
  return promise;
}

function readPush(data) {
  if (!data) return {};
  try {
    return data.json();
  } catch (error) {
    return { body: data.text() }; // not JSON: show the text as it came
  }
}

async function showPushed(message) {
  const options = {
    body: message.body || '',
    icon: NOTIFICATION_ICON,
    badge: NOTIFICATION_BADGE,
    data: { url: message.url || '/notifications', id: message.id || null },
    lang: message.lang || 'zh-Hans',
  };
  if (message.tag) Object.assign(options, { tag: message.tag, renotify: true }); // one case, one notification
  await self.registration.showNotification(message.title || APP_NAME, options);
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  pages.forEach((page) => page.postMessage({ type: 'notification', id: message.id || null }));
}

self.addEventListener('push', (event) => {
  keepAlive(event, showPushed(readPush(event.data)));
});

// A tap on the notification opens its case in a window of the app that is already open, else in a new one.
// Through /notifications/<id> when the notification has an id: that marks it read, then redirects to the case.
async function openFromNotification(data) {
  const target = new URL(data.id ? `/notifications/${data.id}` : (data.url || '/notifications'), self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window' }); // the ones this worker controls can navigate
  const client = windows.find((w) => w.focused) || windows.find((w) => w.visibilityState === 'visible') || windows[0];
  if (client) {
    // Focus first, while the tap still allows it; a page the browser will not focus is navigated all the same.
    await client.focus().catch(() => null);
    const navigated = await client.navigate(target.href).catch(() => null);
    if (navigated) return navigated;
  }
  return self.clients.openWindow(target.href);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  keepAlive(event, openFromNotification(event.notification.data || {}));
});

// ---- Base-map tiles (js/basemap.js): cache-first in a cache of their own, kept across app versions ----
// A tile's URL carries the base map's version (?v=), so a new import brings new URLs; the oldest entries go
// once the cache holds TILE_CACHE_LIMIT tiles (a street at the zooms people use is about a hundred).
const TILE_CACHE = 'basemap-tiles-v1';
const TILE_CACHE_LIMIT = 2000;
const EMPTY_TILE = () => new Response(new ArrayBuffer(0),
  { headers: { 'Content-Type': 'application/vnd.mapbox-vector-tile' } });

async function trimTiles(cache) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - TILE_CACHE_LIMIT)).map((key) => cache.delete(key)));
}

async function tileCacheFirst(request) {
  const cache = await caches.open(TILE_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone()).then(() => trimTiles(cache));
    return response;
  } catch (error) {
    return EMPTY_TILE(); // offline, beyond the street kept on the phone: a blank tile, the alleys still draw
  }
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith('/tiles/')) {
    event.respondWith(tileCacheFirst(event.request));
  }
});

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
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE && k !== RUNTIME_CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(RUNTIME_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
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

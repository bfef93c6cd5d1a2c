// Registers the service worker that makes the app installable and usable offline, and has it keep what this
// person needs with no signal (their street's alleys, the categories, My reports) from the first visit on.
// A page's script may ask for more: window.alleysOffline.push(url, ...) (before or after this script runs).
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) return;
  const script = document.currentScript;
  const keep = JSON.parse((script && script.dataset.offlineKeep) || '{"owner":null,"at":0,"urls":[]}');
  const controlledAtStart = Boolean(navigator.serviceWorker.controller);
  const asked = Array.isArray(window.alleysOffline) ? window.alleysOffline.slice() : [];
  let post = null; // once the worker is ready
  window.alleysOffline = { push(...urls) { if (post) post(urls); else asked.push(...urls); } };

  // A first visit runs before the worker controls the page, so what it fetched went past the worker's cache;
  // so did all of it when the worker has just dropped the previous person's pages.
  function fetchedPastTheWorker(dropped) {
    if (controlledAtStart && !dropped) return [];
    const here = [window.location.pathname + window.location.search];
    return here.concat(performance.getEntriesByType('resource')
      .filter((entry) => entry.initiatorType === 'fetch')
      .map((entry) => new URL(entry.name))
      .filter((url) => url.origin === window.location.origin && url.pathname.startsWith('/api/'))
      .map((url) => url.pathname + url.search));
  }

  async function keepForOffline() {
    const registration = await navigator.serviceWorker.ready;
    let pending = 0;
    post = (urls) => {
      pending += 1;
      registration.active.postMessage({ type: 'keep', owner: keep.owner, at: keep.at,
        urls: Array.from(new Set(urls)) });
    };
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (!event.data || event.data.type !== 'kept') return;
      pending -= 1;
      if (event.data.dropped) post(keep.urls.concat(asked, fetchedPastTheWorker(true))); // again, all of it
      else if (!pending) document.documentElement.dataset.offlineReady = 'true';
    });
    post(keep.urls.concat(asked, fetchedPastTheWorker(false)));
  }

  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(keepForOffline)
      .catch(() => { /* the app works without it */ });
  });
}());

// Registers the service worker that makes the app installable and usable offline, and has it keep what this
// person needs with no signal (their street's alleys, the categories, My reports) from the first visit on.
// A page's script may ask for more: window.alleysOffline.push(url, ...) (before or after this script runs).
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) return;
  const script = document.currentScript;
  const keep = JSON.parse((script && script.dataset.offlineKeep) || '{"owner":null,"at":0,"urls":[]}');
  // Fetches started before the worker controlled the page went past its cache (a first visit).
  let controlledAt = navigator.serviceWorker.controller ? 0 : Infinity;
  navigator.serviceWorker.addEventListener('controllerchange', () => { controlledAt = performance.now(); });
  const asked = Array.isArray(window.alleysOffline) ? window.alleysOffline.slice() : [];
  let post = null; // once the worker is ready
  window.alleysOffline = { push(...urls) { if (post) post(urls); else asked.push(...urls); } };

  const apiPath = (entry) => {
    const url = new URL(entry.name);
    return entry.initiatorType === 'fetch' && url.origin === window.location.origin && url.pathname.startsWith('/api/')
      ? url.pathname + url.search : null;
  };
  // What the page fetched past the worker; all of it when the worker has just dropped the previous person's pages.
  function fetchedPastTheWorker(dropped) {
    const past = (entry) => dropped || entry.startTime < controlledAt;
    const here = dropped || controlledAt > 0 ? [window.location.pathname + window.location.search] : [];
    return here.concat(performance.getEntriesByType('resource').filter(past).map(apiPath).filter(Boolean));
  }

  async function keepForOffline() {
    const registration = await navigator.serviceWorker.ready;
    let pending = 0;
    post = (urls) => {
      pending += 1;
      delete document.documentElement.dataset.offlineReady; // ready again once this ask is kept too
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
    // A first visit's fetches may still be on their way (the street's alleys): each is kept when it ends.
    if (controlledAt > 0 && window.PerformanceObserver) {
      new PerformanceObserver((list) => {
        const urls = list.getEntries().filter((entry) => entry.startTime < controlledAt).map(apiPath).filter(Boolean);
        if (urls.length) post(urls);
      }).observe({ type: 'resource' });
    }
  }

  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(keepForOffline)
      .catch(() => { /* the app works without it */ });
  });
}());

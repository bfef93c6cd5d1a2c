// The offline page, for whoever is looking: what waits on this phone (listed by js/outbox-ui.js), which kept
// pages open with no signal, and a "Try again" that reloads the page that was asked for.
(function () {
  'use strict';
  const nothingWaiting = document.querySelector('[data-offline-nothing-waiting]');

  async function showWaiting() {
    const reports = window.AlleyOutbox && window.indexedDB ? await window.AlleyOutbox.all() : [];
    const patrols = window.AlleyPatrolQueue ? window.AlleyPatrolQueue.all() : [];
    nothingWaiting.hidden = reports.length + patrols.length > 0;
  }

  async function showKept() {
    if (!window.caches) return;
    await Promise.all(Array.from(document.querySelectorAll('[data-offline-kept]'), async (item) => {
      item.hidden = !(await caches.match(item.dataset.offlineKept, { ignoreVary: true }));
    }));
  }

  document.querySelector('[data-offline-retry]').addEventListener('click', () => window.location.reload());
  showWaiting();
  showKept();
}());

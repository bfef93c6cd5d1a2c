// The report outbox: a report and its photos (ArrayBuffers) wait in IndexedDB until the server has
// them. Used by the pages and by the service worker (Background Sync), so it touches no DOM.
// Each item keeps its client UUID: sending it again returns the same report, never a second one.
(function (scope) {
  'use strict';
  const DB_NAME = 'alleys-outbox';
  const STORE = 'reports';
  const STALE_MS = 7 * 24 * 3600 * 1000; // older items are pointed out to the user, never dropped
  const RETRY_CODES = new Set(['csrf_failed', 'unauthorized', 'too_many_requests']);

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  let opened = null;
  function database() {
    if (!opened) {
      const req = scope.indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'client_id' });
      opened = request(req);
    }
    return opened;
  }

  async function withStore(mode, work) {
    const db = await database();
    const tx = db.transaction(STORE, mode);
    const result = await request(work(tx.objectStore(STORE)));
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    return result;
  }

  const put = (item) => withStore('readwrite', (store) => store.put(item));
  const remove = (clientId) => withStore('readwrite', (store) => store.delete(clientId));
  const get = (clientId) => withStore('readonly', (store) => store.get(clientId));
  async function all() {
    const items = await withStore('readonly', (store) => store.getAll());
    return items.sort((a, b) => a.queued_at - b.queued_at); // the order they were made in
  }

  // body: the report JSON (client_id, category, lon, lat, accuracy, description); photos: ArrayBuffers.
  function add(body, photos, csrf) {
    return put({ client_id: body.client_id, body, photos, csrf, queued_at: Date.now(), state: 'waiting',
      attempts: 0, error: null });
  }

  const isStale = (item, now) => (now || Date.now()) - item.queued_at > STALE_MS;

  async function post(item, csrf) {
    const form = new FormData();
    form.append('data', JSON.stringify(item.body));
    item.photos.forEach((buffer, i) => form.append('photos', new Blob([buffer], { type: 'image/jpeg' }), `photo-${i + 1}.jpg`));
    let response;
    try {
      response = await fetch('/api/v1/reports', {
        method: 'POST', body: form, credentials: 'same-origin',
        headers: { 'X-CSRFToken': csrf || item.csrf || '', Accept: 'application/json' },
      });
    } catch (e) {
      return { outcome: 'waiting', error: null }; // offline, or the connection dropped
    }
    let json = {};
    try { json = await response.json(); } catch (e) { /* an HTML page from a proxy: treat by status */ }
    if (response.ok) return { outcome: 'sent', report: json };
    const error = json.error || {};
    if (response.status >= 500 || response.status === 401 || response.status === 429 || RETRY_CODES.has(error.code)) {
      return { outcome: 'waiting', error: error.message || null, code: error.code || String(response.status) };
    }
    return { outcome: 'failed', error: error.message || String(response.status), code: error.code };
  }

  // Sends the waiting items one by one, oldest first; stops at the first one that cannot go now (the
  // connection is gone), so the order holds. Failed items (the server said no) wait for the user.
  async function flushNow(csrf) {
    const summary = { sent: [], waiting: 0, failed: 0 };
    for (const item of await all()) {
      if (item.state === 'failed') { summary.failed += 1; continue; }
      const result = await post(item, csrf);
      if (result.outcome === 'sent') {
        await remove(item.client_id);
        summary.sent.push(result.report);
        continue;
      }
      item.attempts += 1;
      item.last_try = Date.now();
      item.state = result.outcome;
      item.error = result.error;
      item.code = result.code || null;
      await put(item);
      if (result.outcome === 'waiting') { summary.waiting = (await all()).filter((i) => i.state !== 'failed').length; break; }
      summary.failed += 1;
    }
    return summary;
  }

  // One flush at a time across the page and the service worker, where the browser has Web Locks.
  function flush(csrf) {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request('alleys-outbox', () => flushNow(csrf)) : flushNow(csrf);
  }

  // Puts a failed item back in line (after the user read why), e.g. when a sign-in fixed it.
  async function retry(clientId) {
    const item = await get(clientId);
    if (item) { item.state = 'waiting'; item.error = null; await put(item); }
  }

  scope.AlleyOutbox = { add, all, get, remove, retry, flush, isStale, STALE_MS };
}(self));

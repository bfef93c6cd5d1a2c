// What the outbox shows: "N waiting to send" on the map, each waiting report and patrol and its state on My
// reports. It sends the outbox (and the patrols, js/patrol-queue.js) at app start and when the connection
// returns, and the reports (where the browser has it) by Background Sync in the service worker.
(function () {
  'use strict';
  const outbox = window.AlleyOutbox;
  const textEl = document.getElementById('outbox-text');
  if (!outbox || !textEl || !window.indexedDB) return;
  const text = JSON.parse(textEl.textContent);
  const note = document.getElementById('report-queue');
  const list = document.querySelector('[data-outbox]');
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  function categoryName(code) {
    try {
      const cached = JSON.parse(localStorage.getItem(`alleys.categories.${document.documentElement.lang}`) || '[]');
      return (cached.find((c) => c.code === code) || {}).name || code;
    } catch (e) { return code; }
  }

  function stateText(item) {
    if (item.state === 'failed') return fmt(text.failed, { reason: item.error || '' });
    if (item.code === 'unauthorized') return text.signIn;
    return navigator.onLine ? text.waiting : text.waitingOffline;
  }

  function renderItem(item) {
    const li = document.createElement('li');
    li.className = `outbox-item is-${item.state}`;
    li.dataset.clientId = item.client_id;
    const title = document.createElement('strong');
    title.textContent = categoryName(item.body.category);
    const when = document.createElement('span');
    when.className = 'outbox-when';
    when.textContent = `${new Date(item.queued_at).toLocaleString(document.documentElement.lang)} · ${fmt(text.photos, { count: item.photos.length })}`;
    const state = document.createElement('span');
    state.className = 'outbox-state';
    state.textContent = stateText(item);
    li.append(title, when, state);
    if (outbox.isStale(item)) {
      const stale = document.createElement('span');
      stale.className = 'outbox-stale';
      stale.textContent = text.stale;
      li.appendChild(stale);
    }
    const actions = document.createElement('div');
    actions.className = 'outbox-actions';
    if (item.state === 'failed') {
      actions.appendChild(button(text.tryAgain, async () => { await outbox.retry(item.client_id); send(); }));
    } else {
      actions.appendChild(button(text.sendNow, send));
    }
    actions.appendChild(button(text.remove, async () => {
      if (!window.confirm(text.removeConfirm)) return;
      await outbox.remove(item.client_id);
      refresh();
    }));
    li.appendChild(actions);
    return li;
  }

  // A finished patrol waiting on the phone (sent by js/patrol-queue.js, never by the worker).
  function renderPatrol(patrol) {
    const li = document.createElement('li');
    li.className = 'outbox-item is-waiting is-patrol';
    li.dataset.clientId = patrol.client_id;
    const title = document.createElement('strong');
    title.textContent = patrol.alley_name ? fmt(text.patrol, { alley: patrol.alley_name }) : text.patrolUnnamed;
    const when = document.createElement('span');
    when.className = 'outbox-when';
    when.textContent = new Date(patrol.finished_at).toLocaleString(document.documentElement.lang);
    const state = document.createElement('span');
    state.className = 'outbox-state';
    state.textContent = navigator.onLine ? text.waiting : text.waitingOffline;
    const actions = document.createElement('div');
    actions.className = 'outbox-actions';
    actions.appendChild(button(text.sendNow, send));
    li.append(title, when, state, actions);
    return li;
  }

  const patrols = () => (window.AlleyPatrolQueue ? window.AlleyPatrolQueue.all() : []);

  function button(label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  async function refresh() {
    const items = await outbox.all();
    if (note) {
      note.hidden = !items.length;
      note.querySelector('[data-queue-text]').textContent = fmt(text.waitingCount, { count: items.length });
    }
    if (list) {
      const waitingPatrols = patrols();
      list.hidden = !items.length && !waitingPatrols.length;
      const ul = list.querySelector('ul');
      ul.textContent = '';
      items.forEach((item) => ul.appendChild(renderItem(item)));
      waitingPatrols.forEach((patrol) => ul.appendChild(renderPatrol(patrol)));
    }
    return items;
  }

  let sending = null;
  function send() {
    // One send at a time from this page; the outbox itself keeps the page and the worker apart.
    const patrolsSent = window.AlleyPatrolQueue ? window.AlleyPatrolQueue.send() : Promise.resolve([]);
    sending = sending || Promise.all([outbox.flush(csrf()), patrolsSent]).then(async ([summary, answers]) => {
      sending = null;
      await refresh();
      // Show them among My reports (a patrol's case, once its patrol is in, too).
      if ((summary.sent.length || answers.some((a) => a.ok)) && list) window.location.reload();
      return summary;
    }, (error) => { sending = null; throw error; });
    return sending;
  }

  async function askForSync() {
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register('report-outbox');
    } catch (e) { /* no Background Sync: the page sends on `online` and at start */ }
  }

  window.addEventListener('online', send);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data && event.data.type === 'outbox') {
        refresh().then(() => { if (event.data.sent && list) window.location.reload(); });
      }
    });
  }
  window.AlleyOutboxUI = { refresh, send, askForSync };
  refresh().then((items) => { if ((items.length || patrols().length) && navigator.onLine) send(); });
}());

// Finished patrols waiting on the phone (localStorage) until the server has them: the map, My reports and the
// offline page list them, and any page with the outbox sends them when the connection returns.
(function (scope) {
  'use strict';
  if (scope.AlleyPatrolQueue) return; // the map and the outbox both load it
  const KEY = 'alleys.patrol.queue';
  const all = () => { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } };
  const save = (items) => localStorage.setItem(KEY, JSON.stringify(items));
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  // patrol: the POST body, with alley_name for the lists (kept on the phone, never sent).
  const add = (patrol) => save(all().concat([patrol]));

  // Sends them oldest first; the server is idempotent on client_id, so a retry never doubles one. Answers what the
  // server said to each it answered; no connection, a sign-in to renew or a server hiccup stop the round.
  async function sendAll() {
    const answers = [];
    for (const patrol of all()) {
      const { alley_name: alleyName, ...body } = patrol;
      let response;
      try {
        response = await fetch('/api/v1/patrols', {
          method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
          headers: { 'X-CSRFToken': csrf(), Accept: 'application/json', 'Content-Type': 'application/json' },
        });
      } catch (e) {
        break; // still offline: keep it for later
      }
      const data = await response.json().catch(() => ({}));
      const answer = { patrol, alleyName, ok: response.ok, status: response.status, data };
      answers.push(answer);
      if (response.status === 401 || response.status >= 500) break; // the patrol is fine: try again later
      save(all().filter((p) => p.client_id !== patrol.client_id)); // arrived, or refused for good
    }
    return answers;
  }

  // One round at a time on a page (the map's patrol panel and the outbox both send on `online`).
  let sending = null;
  function send() {
    sending = sending || sendAll().finally(() => { sending = null; });
    return sending;
  }

  scope.AlleyPatrolQueue = { all, add, send };
}(window));

// Patrols: records GPS fixes (at most one every 10 s) on the phone, the 十无 checklist, and sends the
// finished patrol; unsent patrols wait in js/patrol-queue.js and are sent again when the connection returns.
// A problem ticked on the checklist is reported in one tap: the report form opens as a draft with the item's
// category, the patrol's last fix and the note, and the report names this patrol by its client id (it goes
// through the report outbox, so it may reach the server before the patrol does).
(function () {
  'use strict';
  const app = window.AlleyMap;
  if (!app || !app.config.user) return;
  const { map, text } = app;
  const ACTIVE = 'alleys.patrol.active';
  const queue = window.AlleyPatrolQueue;
  const CHECKLIST = `alleys.checklist.${document.documentElement.lang}`;
  const MIN_GAP_MS = 10000;
  const panel = document.getElementById('patrol');
  const resultBox = document.getElementById('patrol-result');
  const queueNote = document.getElementById('patrol-queue');
  const q = (sel) => panel.querySelector(sel);
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]).replace(/%%/g, '%');
  let patrol = null;
  let watchId = null;
  let track = null;
  let timer = null;
  let checklist = [];

  const load = (key, fallback) => { try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; } };
  const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));

  function metres(fixes) {
    let total = 0;
    for (let i = 1; i < fixes.length; i += 1) {
      total += map.distance(L.latLng(fixes[i - 1].lat, fixes[i - 1].lon), L.latLng(fixes[i].lat, fixes[i].lon));
    }
    return total;
  }

  function updateStats() {
    if (!patrol) return;
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(patrol.started_at)) / 1000));
    q('[data-patrol-time]').textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    q('[data-patrol-distance]').textContent = app.formatLength(metres(patrol.fixes));
    q('[data-patrol-fixes]').textContent = `${patrol.fixes.length} ${text.positions}`;
  }

  function onPosition(pos) {
    if (!patrol) return;
    const last = patrol.fixes[patrol.fixes.length - 1];
    q('[data-patrol-gps]').textContent = fmt(text.gpsAccuracy, { metres: Math.round(pos.coords.accuracy) });
    if (last && pos.timestamp - last.t < MIN_GAP_MS) return; // one fix every 10 s is plenty and saves battery
    patrol.fixes.push({ lon: pos.coords.longitude, lat: pos.coords.latitude, t: Math.round(pos.timestamp),
      accuracy: pos.coords.accuracy });
    save(ACTIVE, patrol); // a reload or a lost signal loses nothing
    track.setLatLngs(patrol.fixes.map((f) => app.toMap(f.lon, f.lat)));
    updateStats();
  }

  // Kept on the phone, so a patrol starts (and its problems are reported) with no signal too.
  async function loadChecklist() {
    if (checklist.length) return;
    try {
      const response = await fetch('/api/v1/patrols/checklist', { headers: { Accept: 'application/json' } });
      checklist = (await response.json()).items;
      localStorage.setItem(CHECKLIST, JSON.stringify(checklist));
    } catch (e) {
      checklist = load(CHECKLIST, []);
    }
  }

  function reportIt(item, note) {
    if (!window.AlleyReportForm) return; // no report form here (no IndexedDB): the note stays on the patrol
    const last = patrol.fixes[patrol.fixes.length - 1];
    const running = patrol;
    window.AlleyReportForm.draft({
      patrol_client_id: patrol.client_id, checklist_item: item.code, category: item.category, label: item.label,
      description: note.value.trim(), place: last ? { lon: last.lon, lat: last.lat, accuracy: last.accuracy } : null,
      onQueued() { // how many reports were made from the item, shown beside it
        running.reported[item.code] = (running.reported[item.code] || 0) + 1;
        if (patrol === running) { save(ACTIVE, patrol); renderChecklist(); }
      },
    });
  }

  function renderChecklist() {
    const list = q('[data-checklist]');
    list.textContent = '';
    checklist.forEach((item) => {
      const li = document.createElement('li');
      li.className = 'check-item';
      const label = document.createElement('span');
      label.className = 'check-label';
      label.textContent = item.label;
      const choices = document.createElement('div');
      choices.className = 'check-choices';
      const note = document.createElement('input');
      note.type = 'text';
      note.maxLength = 500;
      note.className = 'check-note';
      note.placeholder = text.problemNote;
      note.setAttribute('aria-label', `${item.label}: ${text.problemNote}`);
      note.value = patrol.problems[item.code] || '';
      note.hidden = patrol.checklist[item.code] !== 'problem';
      note.addEventListener('input', () => { patrol.problems[item.code] = note.value; save(ACTIVE, patrol); });
      const report = document.createElement('div');
      report.className = 'check-report';
      report.hidden = patrol.checklist[item.code] !== 'problem';
      const reportButton = document.createElement('button');
      reportButton.type = 'button';
      reportButton.className = 'button check-report-button';
      reportButton.textContent = text.reportIt;
      reportButton.setAttribute('aria-label', `${item.label}: ${text.reportIt}`);
      reportButton.addEventListener('click', () => reportIt(item, note));
      const reported = patrol.reported[item.code] || 0;
      const done = document.createElement('span');
      done.className = 'check-reported';
      done.textContent = reported ? fmt(text.reportedCount, { count: reported }) : '';
      report.append(reportButton, done);
      ['ok', 'problem'].forEach((answer) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `check-choice check-${answer}`;
        button.textContent = text[answer];
        button.setAttribute('aria-pressed', String(patrol.checklist[item.code] === answer));
        button.setAttribute('aria-label', `${item.label}: ${text[answer]}`);
        button.addEventListener('click', () => {
          patrol.checklist[item.code] = answer;
          if (answer === 'ok') delete patrol.problems[item.code];
          save(ACTIVE, patrol);
          choices.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
          note.hidden = answer !== 'problem';
          report.hidden = answer !== 'problem';
        });
        choices.append(button);
      });
      li.append(label, choices, note, report);
      list.append(li);
    });
  }

  function showPanel() {
    document.body.classList.add('is-patrolling');
    panel.hidden = false;
    q('[data-patrol-alley]').textContent = patrol.alley_name;
    q('[data-patrol-gps]').textContent = text.waitingGps;
    track = track || L.polyline([], { color: '#c4161c', weight: 5, dashArray: '2 8', className: 'patrol-track' }).addTo(map);
    track.setLatLngs(patrol.fixes.map((f) => app.toMap(f.lon, f.lat)));
    renderChecklist();
    updateStats();
    timer = setInterval(updateStats, 1000);
    if (navigator.geolocation) {
      watchId = navigator.geolocation.watchPosition(onPosition, () => {
        q('[data-patrol-gps]').textContent = text.locateDenied;
      }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    }
    q('[data-patrol-finish]').focus();
  }

  function stopWatching() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    clearInterval(timer);
    panel.hidden = true;
    document.body.classList.remove('is-patrolling');
  }

  async function start(alleyId, alleyName) {
    if (patrol) return;
    await loadChecklist();
    patrol = { client_id: crypto.randomUUID(), alley_id: alleyId, alley_name: alleyName,
      started_at: new Date().toISOString(), fixes: [], checklist: {}, problems: {}, reported: {} };
    save(ACTIVE, patrol);
    if (window.AlleyReportForm) window.AlleyReportForm.prepare(); // the categories, while there is a signal
    showPanel();
  }

  function showResult(message, good) {
    resultBox.querySelector('[data-result-text]').textContent = message;
    resultBox.classList.toggle('is-good', Boolean(good));
    resultBox.hidden = false;
    resultBox.querySelector('button').focus();
  }
  resultBox.querySelector('[data-result-close]').addEventListener('click', () => { resultBox.hidden = true; });

  function describe(result) {
    if (result.covered) return fmt(text.covered, { hours: result.hours.toFixed(2) });
    return fmt(text.notCovered, { percent: Math.round(result.coverage_ratio * 100),
      needed: Math.round(app.config.coverageShare * 100) });
  }

  function showQueue() {
    const waiting = queue.all();
    queueNote.textContent = waiting.length ? fmt(text.queued, { count: waiting.length }) : '';
    queueNote.hidden = !waiting.length;
  }

  // Send waiting patrols in order and say how each went (signed out or a server hiccup: it waits).
  async function sendQueue() {
    (await queue.send()).forEach((result) => {
      if (result.ok) showResult(describe(result.data), result.data.covered);
      else showResult((result.data.error || {}).message || text.claimFailed, false);
      if (result.ok && window.AlleyMap.refreshSheet) window.AlleyMap.refreshSheet();
    });
    showQueue();
  }

  async function finish() {
    if (!patrol) return;
    stopWatching();
    const body = { client_id: patrol.client_id, alley_id: patrol.alley_id, started_at: patrol.started_at,
      finished_at: new Date().toISOString(), fixes: patrol.fixes, checklist: patrol.checklist,
      problems: patrol.problems, alley_name: patrol.alley_name };
    queue.add(body);
    localStorage.removeItem(ACTIVE);
    patrol = null;
    if (track) track.setLatLngs([]);
    await sendQueue();
  }

  q('[data-patrol-finish]').addEventListener('click', finish);
  q('[data-patrol-cancel]').addEventListener('click', () => {
    if (!window.confirm(text.cancelConfirm)) return;
    stopWatching();
    localStorage.removeItem(ACTIVE);
    patrol = null;
    if (track) track.setLatLngs([]);
  });
  window.addEventListener('online', sendQueue);

  window.AlleyPatrol = { start, finish };
  // A patrol left running (reload, closed tab) carries on; waiting patrols are sent at start.
  const running = load(ACTIVE, null);
  if (running) {
    patrol = running;
    patrol.reported = patrol.reported || {};
    loadChecklist().then(showPanel);
  }
  showQueue();
  sendQueue();
}());

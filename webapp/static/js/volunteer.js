// The volunteer's part of the map: the alley sheet (team, last patrol, Claim / Leave), My alleys, Locate me.
(function () {
  'use strict';
  const app = window.AlleyMap;
  if (!app) return;
  const { map, config, text } = app;
  const lang = document.documentElement.lang || 'zh-Hans';
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  const sheet = document.querySelector('[data-info-volunteer]');
  const q = (sel) => sheet.querySelector(sel);
  const errorEl = q('[data-claim-error]');
  let current = null; // {alley, props} of the alley in the sheet

  // JSON writes carry the CSRF token in a header; errors come back translated from the server.
  async function send(method, url, body) {
    const response = await fetch(url, {
      method, credentials: 'same-origin',
      headers: Object.assign({ 'X-CSRFToken': csrf(), Accept: 'application/json' },
        body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }
  window.AlleyMap.send = send;

  function relativeTime(iso) {
    if (!iso) return text.never;
    const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
    }
    return rtf.format(0, 'minute');
  }

  function showError(message) {
    errorEl.textContent = message || '';
    errorEl.hidden = !message;
  }

  function render(props) {
    q('[data-stewards]').textContent = props.stewards.length
      ? `${props.stewards.join('、')} (${props.stewards.length}/${props.max_stewards})` : text.nobody;
    q('[data-reports]').textContent = String(props.open_reports);
    listOpenReports(current.alley.id, props.open_reports);
    q('[data-last-patrol]').textContent = relativeTime(props.last_patrol_at);
    q('[data-claim]').hidden = !props.can_claim;
    q('[data-leave]').hidden = props.claim !== 'mine';
    q('[data-start-patrol]').hidden = !props.can_patrol;
    q('[data-signin]').hidden = Boolean(config.user);
    sheet.hidden = false;
  }

  // The alley's open reports, each a link to its case page.
  async function listOpenReports(alleyId, count) {
    const list = q('[data-alley-reports]');
    list.hidden = true;
    list.textContent = '';
    if (!count) return;
    const response = await fetch(`${config.alleysUrl}/${alleyId}/reports`, { credentials: 'same-origin' });
    if (!response.ok || !current || current.alley.id !== alleyId) return;
    (await response.json()).reports.forEach((r) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `/reports/${r.id}`;
      a.textContent = `${r.category_name} · ${r.status_label} · ${new Date(r.created_at).toLocaleDateString(document.documentElement.lang)}`;
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
  }

  document.addEventListener('alley:select', (e) => {
    current = null;
    sheet.hidden = true;
    showError('');
    if (e.detail.alley) current = { alley: e.detail.alley };
  });
  document.addEventListener('alley:details', (e) => {
    if (!current || current.alley !== e.detail.alley) return;
    current.props = e.detail.feature.properties;
    render(current.props);
  });

  async function refreshSheet() {
    if (!current) return;
    const response = await fetch(`${config.alleysUrl}/${current.alley.id}`, { credentials: 'same-origin' });
    if (!response.ok) return;
    current.props = (await response.json()).properties;
    app.setClaim(current.alley.id, current.props.claim);
    render(current.props);
  }
  window.AlleyMap.refreshSheet = refreshSheet;

  async function changeClaim(method) {
    if (!current) return;
    showError('');
    const buttons = sheet.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await send(method, `${config.alleysUrl}/${current.alley.id}/claim`);
      if (!result.ok) showError((result.data.error || {}).message || text.claimFailed);
      await refreshSheet();
      loadMyAlleys();
    } catch (err) {
      showError(text.claimFailed);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
  q('[data-claim]').addEventListener('click', () => changeClaim('POST'));
  q('[data-leave]').addEventListener('click', () => changeClaim('DELETE'));
  q('[data-start-patrol]').addEventListener('click', () => {
    if (current && window.AlleyPatrol) window.AlleyPatrol.start(current.alley.id, current.alley.props.name);
  });

  // My alleys: the ones I look after, first in the list.
  const myList = document.querySelector('[data-my-alleys]');
  async function loadMyAlleys() {
    if (!myList) return;
    const response = await fetch('/api/v1/me/alleys', { credentials: 'same-origin' });
    if (!response.ok) return;
    const mine = (await response.json()).alleys;
    // Their sheets (with Start patrol) open with no signal too (js/sw-register.js).
    window.alleysOffline = window.alleysOffline || [];
    window.alleysOffline.push(...mine.map((alley) => `${config.alleysUrl}/${alley.id}`));
    myList.textContent = '';
    document.querySelector('[data-my-empty]').hidden = mine.length > 0;
    mine.forEach((alley) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'alley-item is-mine';
      const name = document.createElement('span');
      name.className = 'alley-name';
      name.textContent = alley.name;
      const length = document.createElement('span');
      length.className = 'alley-length';
      length.textContent = app.formatLength(alley.length_m);
      button.append(name, length);
      button.addEventListener('click', () => app.selectById(alley.id, true));
      li.append(button);
      myList.append(li);
    });
  }
  if (config.user) loadMyAlleys();

  // Locate me: a blue dot with its accuracy circle.
  let here = null;
  app.addMapButton(text.locate, 'bottomleft', () => locate(), 'locate-button');
  const status = document.getElementById('map-message');
  function locate() {
    if (!navigator.geolocation) return;
    status.textContent = text.locating;
    status.hidden = false;
    navigator.geolocation.getCurrentPosition((pos) => {
      status.hidden = true;
      const at = app.toMap(pos.coords.longitude, pos.coords.latitude);
      if (here) here.forEach((layer) => layer.remove());
      here = [L.circle(at, { radius: pos.coords.accuracy, color: '#1f5fa8', weight: 1, fillOpacity: 0.12 }).addTo(map),
        L.circleMarker(at, { radius: 8, color: '#fff', weight: 3, fillColor: '#1f5fa8', fillOpacity: 1 }).addTo(map)];
      map.setView(at, Math.max(map.getZoom(), 17));
    }, () => {
      status.textContent = text.locateDenied;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
  }
}());

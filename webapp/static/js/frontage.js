// 门前三包 on the map: the alley sheet lists the alley's shops; a steward holding the alley records a frontage check
// (a result per signed duty, a note, one photo) from the sheet or during a patrol. Each check keeps its client UUID,
// and one that could not go out waits on the phone and is sent again with the same key: never a second check.
(function () {
  'use strict';
  const app = window.AlleyMap;
  const panel = document.getElementById('frontage-check');
  if (!app || !app.config.user || !panel) return;
  const text = JSON.parse(document.getElementById('frontage-text').textContent);
  const sheet = document.querySelector('[data-frontage-sheet]');
  const list = sheet.querySelector('[data-frontage-shops]');
  const result = document.getElementById('frontage-result');
  const fromPatrol = document.querySelector('[data-frontage-from-patrol]');
  const q = (sel) => panel.querySelector(sel);
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  const lang = document.documentElement.lang || 'zh-Hans';
  const PENDING = 'alleys.frontage.pending';
  const MAX_SIDE = 1600;
  let alleyId = null; // the alley in the sheet
  let loaded = { shops: [], results: [], can_check: false };
  let shop = null; // the shop being checked
  let chosen = {}; // duty -> result
  let photo = null; // { blob, url }

  function uuid() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function loadShops(id) {
    try {
      const response = await fetch(`/api/v1/alleys/${id}/shops`, { credentials: 'same-origin' });
      return response.ok ? await response.json() : null;
    } catch (e) {
      return null; // offline: the sheet keeps what it showed
    }
  }

  function renderSheet() {
    list.textContent = '';
    sheet.hidden = !loaded.shops.length;
    loaded.shops.forEach((s) => {
      const li = document.createElement('li');
      li.className = 'frontage-shop';
      const about = document.createElement('div');
      about.className = 'frontage-about';
      const name = document.createElement('strong');
      name.textContent = s.name;
      const duties = document.createElement('span');
      duties.className = 'frontage-duties-line';
      duties.textContent = s.duties.length ? s.duties.map((d) => d.label).join(' · ') : text.noDuties;
      about.append(name, duties);
      if (loaded.can_check) {
        const last = s.checks[0];
        const when = document.createElement('span');
        when.className = `frontage-last${last ? ` frontage-${last.outcome}` : ''}`;
        when.textContent = last ? fmt(text.lastCheck, { result: last.outcome_label,
          when: new Date(last.checked_at).toLocaleDateString(lang) }) : text.neverChecked;
        about.append(when);
      }
      li.append(about);
      if (loaded.can_check && s.duties.length) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'button';
        button.dataset.frontageCheck = String(s.id);
        button.textContent = text.check;
        button.addEventListener('click', () => open(s));
        li.append(button);
      }
      list.append(li);
    });
  }

  document.addEventListener('alley:select', () => { alleyId = null; sheet.hidden = true; });
  document.addEventListener('alley:details', async (e) => {
    const id = e.detail.alley.id;
    alleyId = id;
    const found = await loadShops(id);
    if (found && alleyId === id) { loaded = found; renderSheet(); }
  });

  function showError(message) {
    const box = q('[data-frontage-error]');
    box.textContent = message || '';
    box.hidden = !message;
  }

  function renderDuties() {
    const ul = q('[data-frontage-duty-list]');
    ul.textContent = '';
    shop.duties.forEach((duty) => {
      const li = document.createElement('li');
      li.className = 'check-item';
      const name = document.createElement('span');
      name.className = 'check-label';
      name.textContent = duty.label;
      const choices = document.createElement('span');
      choices.className = 'check-choices';
      choices.setAttribute('role', 'group');
      choices.setAttribute('aria-label', duty.label);
      loaded.results.forEach((r) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `check-choice frontage-choice frontage-choice-${r.code}`;
        button.dataset.duty = duty.code;
        button.dataset.result = r.code;
        button.textContent = r.label;
        button.setAttribute('aria-pressed', String(chosen[duty.code] === r.code));
        button.addEventListener('click', () => {
          chosen[duty.code] = r.code;
          choices.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
        });
        choices.append(button);
      });
      li.append(name, choices);
      ul.append(li);
    });
  }

  function renderPhoto() {
    const ul = q('[data-frontage-preview]');
    ul.textContent = '';
    q('[data-frontage-photo-add]').hidden = Boolean(photo);
    if (!photo) return;
    const li = document.createElement('li');
    const img = document.createElement('img');
    img.src = photo.url;
    img.alt = text.photo;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'photo-remove';
    remove.textContent = '×';
    remove.setAttribute('aria-label', text.removePhoto);
    remove.addEventListener('click', () => { URL.revokeObjectURL(photo.url); photo = null; renderPhoto(); });
    li.append(img, remove);
    ul.append(li);
  }

  // One shop, or a choice of the alley's shops (from the patrol panel).
  function open(target) {
    shop = target;
    chosen = {};
    if (photo) URL.revokeObjectURL(photo.url);
    photo = null;
    q('[data-frontage-note]').value = '';
    showError('');
    result.hidden = true;
    const choose = q('[data-frontage-choose]');
    choose.textContent = '';
    const checkable = loaded.shops.filter((s) => s.duties.length);
    const picking = !shop;
    choose.hidden = !picking;
    q('[data-frontage-shops-hint]').hidden = !picking;
    q('[data-frontage-duties]').hidden = picking;
    if (picking) {
      if (!checkable.length) choose.textContent = text.noShops;
      checkable.forEach((s) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'button';
        b.textContent = s.name;
        b.addEventListener('click', () => open(s));
        choose.append(b);
      });
    } else {
      renderDuties();
    }
    q('[data-frontage-shop]').textContent = shop ? shop.name : '';
    q('[data-frontage-send]').hidden = picking;
    renderPhoto();
    panel.hidden = false;
    document.body.classList.add('is-checking-frontage');
    q('h2').focus();
  }

  function close() {
    panel.hidden = true;
    document.body.classList.remove('is-checking-frontage');
    app.map.invalidateSize();
  }

  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  }

  q('[data-frontage-photo]').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    showError('');
    try {
      const blob = await shrink(file);
      photo = { blob, url: URL.createObjectURL(blob) };
    } catch (e) {
      showError(text.photoUnreadable);
    }
    renderPhoto();
  });

  // Posts a check; { outcome: 'sent' | 'waiting' | 'failed', json }. 'waiting': no connection, try again later.
  async function post(body, photoBlob) {
    let response;
    try {
      const form = new FormData();
      form.append('data', JSON.stringify(body));
      if (photoBlob) form.append('photo', photoBlob, 'photo.jpg');
      response = await fetch('/api/v1/frontage-checks', { method: 'POST', body: form, credentials: 'same-origin',
        headers: { 'X-CSRFToken': csrf(), Accept: 'application/json' } });
    } catch (e) {
      return { outcome: 'waiting' };
    }
    const json = await response.json().catch(() => ({}));
    if (response.ok) return { outcome: 'sent', json };
    if (response.status >= 500 || response.status === 401 || (json.error || {}).code === 'csrf_failed') {
      return { outcome: 'waiting' };
    }
    return { outcome: 'failed', json };
  }

  // Checks that could not go out wait in localStorage (the photo as a data URL) with their client key.
  const pending = () => { try { return JSON.parse(localStorage.getItem(PENDING)) || []; } catch (e) { return []; } };
  const keep = (items) => localStorage.setItem(PENDING, JSON.stringify(items));
  const toDataUrl = (blob) => new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(blob);
  });
  const fromDataUrl = async (url) => (url ? (await fetch(url)).blob() : null);

  async function flushPending() {
    const left = [];
    for (const item of pending()) {
      const sent = await post(item.body, await fromDataUrl(item.photo));
      if (sent.outcome === 'waiting') left.push(item);
      if (sent.outcome === 'failed') announce((sent.json.error || {}).message || text.sendFailed); // not worth a retry
      if (sent.outcome === 'sent') announce(fmt(text.saved, { result: sent.json.outcome_label }));
    }
    keep(left);
  }

  function announce(message) {
    result.querySelector('[data-result-text]').textContent = message;
    result.hidden = false;
  }

  async function send() {
    const duties = Object.keys(chosen);
    if (!duties.length) { showError(text.chooseEach); return; }
    const button = q('[data-frontage-send]');
    button.disabled = true;
    showError('');
    const body = { client_id: uuid(), shop_id: shop.id, results: chosen, note: q('[data-frontage-note]').value.trim() };
    try {
      const sent = await post(body, photo && photo.blob);
      if (sent.outcome === 'failed') {
        showError((sent.json.error || {}).message || text.sendFailed);
        return;
      }
      if (sent.outcome === 'waiting') {
        keep(pending().concat([{ body, photo: photo ? await toDataUrl(photo.blob) : null }]));
      }
      close();
      announce(sent.outcome === 'sent' ? fmt(text.saved, { result: sent.json.outcome_label }) : text.savedOffline);
      result.querySelector('[data-result-close]').focus();
      if (alleyId) {
        const found = await loadShops(alleyId);
        if (found) { loaded = found; renderSheet(); }
      }
    } finally {
      button.disabled = false;
    }
  }

  q('[data-frontage-send]').addEventListener('click', send);
  q('[data-frontage-cancel]').addEventListener('click', close);
  result.querySelector('[data-result-close]').addEventListener('click', () => { result.hidden = true; });

  // During a patrol the sheet is hidden: the patrol panel offers the patrolled alley's shops.
  const ACTIVE_PATROL = 'alleys.patrol.active'; // kept by patrol.js
  async function offerFromPatrol() {
    let active = null;
    try { active = JSON.parse(localStorage.getItem(ACTIVE_PATROL)); } catch (e) { active = null; }
    if (!fromPatrol || !active) return;
    const found = await loadShops(active.alley_id);
    fromPatrol.hidden = !(found && found.can_check && found.shops.some((s) => s.duties.length));
    if (!fromPatrol.hidden) {
      fromPatrol.onclick = () => { loaded = found; open(null); };
    }
  }
  let patrolling = false;
  new MutationObserver(() => {
    const now = document.body.classList.contains('is-patrolling');
    if (now && !patrolling) offerFromPatrol();
    if (!now && fromPatrol) fromPatrol.hidden = true;
    patrolling = now;
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  offerFromPatrol();

  window.addEventListener('online', flushPending);
  if (pending().length) flushPending();
}());

// The report form: the shops near the report's position, to name the one the problem is about (optional).
(function () {
  'use strict';
  const field = document.querySelector('[data-report-shop-field]');
  if (!field) return;
  const select = field.querySelector('[data-report-shop]');
  let asked = 0;
  const opener = document.getElementById('report-open');
  if (opener) opener.addEventListener('click', () => { select.value = ''; field.hidden = true; });
  document.addEventListener('report:place', async (e) => {
    const ask = ++asked;
    let shops = [];
    try {
      const response = await fetch(`/api/v1/shops/nearby?lon=${e.detail.lon}&lat=${e.detail.lat}`,
        { headers: { Accept: 'application/json' } });
      if (response.ok) shops = (await response.json()).shops;
    } catch (err) { shops = []; } // offline: no shop to name, the report still goes
    if (ask !== asked) return;
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    shops.forEach((s) => {
      const option = new Option(`${s.name} (${Math.round(s.distance_m)} m)`, String(s.id));
      select.add(option);
    });
    select.value = shops.some((s) => String(s.id) === keep) ? keep : '';
    field.hidden = !shops.length;
  });
}());

// The report form on the map: "Report a problem", a category, Send (three taps). The place comes from
// the GPS (its accuracy shown) and the pin can be dragged; photos are shrunk to 1600 px on the phone.
// Every report goes through the outbox first, so a lost connection loses nothing. A patrol opens it as a
// draft (AlleyReportForm.draft): the problem's category, the patrol's last position and its note filled in,
// and the report carries the patrol's client id.
(function () {
  'use strict';
  const app = window.AlleyMap;
  const outbox = window.AlleyOutbox;
  if (!app || !app.config.user || !outbox) return;
  const { map, text } = app;
  const MAX_SIDE = 1600;
  const MAX_PHOTOS = 6;
  const panel = document.getElementById('report');
  const opener = document.getElementById('report-open');
  const q = (sel) => panel.querySelector(sel);
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  let pin = null;
  let place = null; // { lon, lat, accuracy } in WGS-84
  let movedByHand = false;
  let watchId = null;
  let category = null;
  let photos = []; // { buffer, url }
  let categories = null;
  let finding = null; // a patrol's draft: { patrol_client_id, checklist_item, label, onQueued }

  function uuid() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function showError(message) {
    const box = q('[data-report-error]');
    box.textContent = message || '';
    box.hidden = !message;
  }

  function updateSend() {
    q('[data-report-send]').disabled = !(category && place);
  }

  // Categories are cached on the phone so the form works with no signal.
  async function loadCategories() {
    if (categories) return categories;
    const key = `alleys.categories.${document.documentElement.lang}`;
    try {
      const response = await fetch('/api/v1/categories', { headers: { Accept: 'application/json' } });
      categories = (await response.json()).categories;
      localStorage.setItem(key, JSON.stringify(categories));
    } catch (e) {
      categories = JSON.parse(localStorage.getItem(key) || '[]');
    }
    return categories;
  }

  function renderCategories() {
    const grid = q('[data-categories]');
    grid.textContent = '';
    categories.forEach((c) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `category-choice${c.is_safety ? ' is-safety' : ''}`;
      button.textContent = c.name;
      button.dataset.code = c.code;
      button.setAttribute('aria-pressed', String(c.code === category));
      button.addEventListener('click', () => {
        category = c.code;
        grid.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
        q('[data-safety-note]').hidden = !c.is_safety;
        updateSend();
        findDuplicates();
      });
      grid.appendChild(button);
    });
  }

  function setPlace(lon, lat, accuracy) {
    place = { lon, lat, accuracy };
    const where = q('[data-report-where]');
    where.textContent = accuracy == null ? text.pinByHand : fmt(text.gpsAccuracy, { metres: Math.round(accuracy) });
    where.classList.toggle('is-poor', accuracy != null && accuracy > 50);
    updateSend();
    document.dispatchEvent(new CustomEvent('report:place', { detail: place })); // frontage.js offers shops near it
  }

  function placePin(lon, lat) {
    const at = app.toMap(lon, lat);
    if (!pin) {
      pin = L.marker(at, { draggable: true, autoPan: true, title: text.dragPin, alt: text.dragPin }).addTo(map);
      pin.on('dragend', () => {
        movedByHand = true;
        const [x, y] = app.fromMap(pin.getLatLng());
        setPlace(x, y, null);
        findDuplicates();
      });
    } else {
      pin.setLatLng(at);
    }
  }

  function onFix(pos) {
    if (movedByHand) return; // the reporter knows better than the GPS
    const first = !place;
    setPlace(pos.coords.longitude, pos.coords.latitude, pos.coords.accuracy);
    placePin(place.lon, place.lat);
    if (first) {
      map.setView(app.toMap(place.lon, place.lat), Math.max(map.getZoom(), 17));
      findDuplicates();
    }
  }

  function onGpsError() {
    if (place) return;
    const [lon, lat] = app.fromMap(map.getCenter()); // no GPS: start at the map's centre, to be dragged
    placePin(lon, lat);
    q('[data-report-where]').textContent = text.noGps;
  }

  async function findDuplicates() {
    const box = q('[data-duplicates]');
    box.hidden = true;
    if (!category || !place || !navigator.onLine) return;
    const asked = `${category}|${place.lon}|${place.lat}`;
    box.dataset.asked = asked;
    let found = [];
    try {
      const url = `/api/v1/reports/nearby?category=${encodeURIComponent(category)}&lon=${place.lon}&lat=${place.lat}`;
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      if (response.ok) found = (await response.json()).reports;
    } catch (e) { return; }
    if (box.dataset.asked !== asked || !found.length) return;
    const list = box.querySelector('ul');
    list.textContent = '';
    found.forEach((r) => {
      const li = document.createElement('li');
      li.className = 'duplicate';
      const what = document.createElement('a');
      what.href = `/reports/${r.id}`;
      const facts = [r.category_name, r.alley, fmt(text.metresAway, { metres: Math.round(r.distance_m) }), r.status_label];
      if (r.follower_count) facts.push(fmt(text.alsoSeen, { count: r.follower_count }));
      what.textContent = facts.filter(Boolean).join(' · ');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button';
      button.textContent = text.meToo;
      button.addEventListener('click', () => meToo(r.id, button));
      li.append(what, button);
      list.appendChild(li);
    });
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' }); // before the reporter sends a second one
  }

  async function meToo(id, button) {
    button.disabled = true;
    try {
      const response = await fetch(`/api/v1/reports/${id}/follow`, {
        method: 'POST', headers: { 'X-CSRFToken': csrf(), Accept: 'application/json' } });
      const json = await response.json();
      if (!response.ok && json.error.code !== 'conflict') throw new Error(json.error.message);
      close();
      announce(text.followed, `/reports/${id}`);
    } catch (e) {
      button.disabled = false;
      showError(e.message || text.sendFailed);
    }
  }

  // Shrinks a photo to at most 1600 px on its long side and re-encodes it as JPEG, which also drops
  // its EXIF (GPS included); upright as the camera meant it.
  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob.arrayBuffer();
  }

  function renderPhotos() {
    const list = q('[data-photo-previews]');
    list.textContent = '';
    photos.forEach((photo, i) => {
      const li = document.createElement('li');
      const img = document.createElement('img');
      img.src = photo.url;
      img.alt = fmt(text.photoN, { n: i + 1 });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'photo-remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', fmt(text.removePhoto, { n: i + 1 }));
      remove.addEventListener('click', () => { URL.revokeObjectURL(photo.url); photos.splice(i, 1); renderPhotos(); });
      li.append(img, remove);
      list.appendChild(li);
    });
    q('[data-photo-add]').hidden = photos.length >= MAX_PHOTOS;
  }

  q('[data-photo-input]').addEventListener('change', async (event) => {
    showError('');
    const files = Array.from(event.target.files).slice(0, MAX_PHOTOS - photos.length);
    event.target.value = '';
    for (const file of files) {
      try {
        const buffer = await shrink(file);
        photos.push({ buffer, url: URL.createObjectURL(new Blob([buffer], { type: 'image/jpeg' })) });
      } catch (e) {
        showError(text.photoUnreadable);
      }
    }
    renderPhotos();
  });

  function reset() {
    category = null;
    place = null;
    movedByHand = false;
    finding = null;
    photos.forEach((p) => URL.revokeObjectURL(p.url));
    photos = [];
    q('[data-description]').value = '';
    q('[data-request-kind]').value = 'report'; // 举报: what reporting a problem one saw usually is
    q('[data-duplicates]').hidden = true;
    q('[data-safety-note]').hidden = true;
    q('[data-report-finding]').hidden = true;
    showError('');
    renderPhotos();
  }

  function announce(message, link) {
    const box = document.getElementById('report-result');
    box.querySelector('[data-result-text]').textContent = message;
    const a = box.querySelector('[data-result-link]');
    a.hidden = !link;
    if (link) a.href = link;
    box.hidden = false;
    box.querySelector('[data-result-close]').focus();
  }

  async function open(draft) {
    reset();
    document.getElementById('report-result').hidden = true;
    panel.hidden = false;
    document.body.classList.add('is-reporting');
    opener.hidden = true;
    map.invalidateSize();
    await loadCategories();
    if (draft) {
      finding = draft;
      if (categories.some((c) => c.code === draft.category)) category = draft.category;
      q('[data-description]').value = draft.description || '';
      const note = q('[data-report-finding]');
      note.textContent = fmt(text.foundOnPatrol, { item: draft.label });
      note.hidden = false;
    }
    renderCategories();
    updateSend();
    q('h2').focus();
    if (draft) { // the chosen category in sight, with the description and photos below it
      const chosen = q('[data-categories] [aria-pressed="true"]');
      if (chosen) chosen.scrollIntoView({ block: 'center' });
    }
    if (draft && draft.place) { // where the patrol is now: its last fix; the pin can still be dragged
      const { lon, lat, accuracy } = draft.place;
      setPlace(lon, lat, accuracy);
      placePin(lon, lat);
      map.setView(app.toMap(lon, lat), Math.max(map.getZoom(), 17));
      findDuplicates();
      return;
    }
    q('[data-report-where]').textContent = text.locating;
    if (navigator.geolocation) {
      watchId = navigator.geolocation.watchPosition(onFix, onGpsError,
        { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
    } else {
      onGpsError();
    }
  }

  function close() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    if (pin) { pin.remove(); pin = null; }
    panel.hidden = true;
    opener.hidden = false;
    document.body.classList.remove('is-reporting');
    map.invalidateSize();
  }

  async function send() {
    const button = q('[data-report-send]');
    button.disabled = true;
    showError('');
    const body = { client_id: uuid(), category, lon: place.lon, lat: place.lat, accuracy: place.accuracy,
      description: q('[data-description]').value.trim(), request_kind: q('[data-request-kind]').value };
    const found = finding;
    if (found) Object.assign(body, { patrol_client_id: found.patrol_client_id, checklist_item: found.checklist_item });
    const shop = q('[data-report-shop]');
    if (shop && shop.value) body.shop_id = Number(shop.value); // 门前三包: the shop the problem is about
    await outbox.add(body, photos.map((p) => p.buffer), csrf());
    if (window.AlleyOutboxUI) window.AlleyOutboxUI.askForSync();
    const summary = await outbox.flush(csrf());
    const sent = summary.sent.find((r) => r.client_id === body.client_id);
    const left = await outbox.get(body.client_id);
    if (left && left.state === 'failed') {
      // The server said no (e.g. outside the service area): keep the form as it is, to be put right.
      await outbox.remove(body.client_id);
      showError(left.error);
      updateSend();
      return;
    }
    if (found && found.onQueued) found.onQueued();
    close();
    if (sent) announce(sent.status === 'escalated' ? text.sentEscalated : text.sent, `/reports/${sent.id}`);
    else announce(text.savedOffline, '/reports/mine');
    if (window.AlleyOutboxUI) window.AlleyOutboxUI.refresh();
  }

  opener.addEventListener('click', () => open());
  q('[data-report-send]').addEventListener('click', send);
  q('[data-report-cancel]').addEventListener('click', close);
  document.querySelector('#report-result [data-result-close]').addEventListener('click', () => {
    document.getElementById('report-result').hidden = true;
  });
  opener.hidden = false;
  window.AlleyReportForm = { draft: open, prepare: loadCategories };
}());

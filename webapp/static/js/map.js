// The street map: draws a street's alleys with name labels, an alley list and an info card (Leaflet, no build step).
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('map-config').textContent);
  const ui = JSON.parse(document.getElementById('map-ui-text').textContent);
  const text = config.text;
  const street = config.street;
  const lang = document.documentElement.lang || 'zh-Hans';
  const shiftToGcj = config.tileCrs === 'gcj02';
  const css = getComputedStyle(document.documentElement);
  const LINE = { color: css.getPropertyValue('--alley-line').trim() || '#24324a', weight: 6, opacity: 1 };
  const SELECTED = { color: css.getPropertyValue('--alley-selected').trim() || '#c4161c', weight: 10, opacity: 1 };
  const LABEL_GAP = 6; // px kept free around each visible label

  const $ = (id) => document.getElementById(id);
  const messageEl = $('map-message');
  const alertEl = $('map-alert');
  const listEl = $('alley-list');
  const panel = $('alley-panel');
  const toggle = $('sheet-toggle');
  const info = $('alley-info');
  const loadingText = messageEl.textContent;

  // WGS-84 (data) <-> the basemap's datum (GCJ-02 for Chinese tile providers).
  function toMap(lon, lat) {
    const p = shiftToGcj ? window.AlleyCRS.wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(p[1], p[0]);
  }
  function fromMap(latlng) {
    return shiftToGcj ? window.AlleyCRS.gcj02ToWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
  }

  // The street picker submits itself; its button stays for browsers without JavaScript.
  const picker = document.querySelector('[data-autosubmit]');
  if (picker) picker.addEventListener('change', () => picker.form.submit());

  const map = L.map('map', { zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: ui.zoomIn, zoomOutTitle: ui.zoomOut }).addTo(map);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  const WholeStreet = L.Control.extend({
    onAdd() {
      const button = L.DomUtil.create('button', 'map-button');
      button.type = 'button';
      button.textContent = ui.wholeStreet;
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, 'click', fitStreet);
      return button;
    },
  });
  new WholeStreet({ position: 'topleft' }).addTo(map);

  const streetBounds = street.bbox
    ? L.latLngBounds([toMap(street.bbox[0], street.bbox[1]), toMap(street.bbox[2], street.bbox[3]),
      toMap(street.bbox[0], street.bbox[3]), toMap(street.bbox[2], street.bbox[1])])
    : null;
  function fitStreet() {
    if (streetBounds) map.fitBounds(streetBounds, { padding: [16, 16] });
    else map.setView(toMap(116.41, 39.93), 14); // Dongcheng, when the street has no extent yet
  }
  fitStreet();

  let alleys = [];
  let selected = null;

  function formatLength(m) {
    return `${Math.round(m).toLocaleString(lang)} ${text.metres}`;
  }

  // The point halfway along a line, in map coordinates (distances on a local flat approximation).
  function midpoint(latlngs) {
    const k = Math.cos(latlngs[0].lat * Math.PI / 180);
    const seg = (a, b) => Math.hypot((b.lng - a.lng) * k, b.lat - a.lat);
    let total = 0;
    for (let i = 1; i < latlngs.length; i += 1) total += seg(latlngs[i - 1], latlngs[i]);
    let left = total / 2;
    for (let i = 1; i < latlngs.length; i += 1) {
      const d = seg(latlngs[i - 1], latlngs[i]);
      if (d >= left && d > 0) {
        const t = left / d;
        const a = latlngs[i - 1];
        const b = latlngs[i];
        return { latlng: L.latLng(a.lat + (b.lat - a.lat) * t, a.lng + (b.lng - a.lng) * t), length: total };
      }
      left -= d;
    }
    return { latlng: latlngs[0], length: total };
  }

  // Show as many names as fit without overlapping: the selected alley first, then the longest.
  function placeLabels() {
    const size = map.getSize();
    const placed = [];
    const order = selected ? [selected].concat(alleys.filter((a) => a !== selected)) : alleys;
    order.forEach((alley) => {
      const el = alley.label.getElement();
      if (!el) return;
      if (!alley.box) alley.box = { w: el.offsetWidth, h: el.offsetHeight };
      const p = map.latLngToContainerPoint(alley.anchor);
      const b = [p.x - alley.box.w / 2 - LABEL_GAP, p.y - alley.box.h / 2 - LABEL_GAP,
        p.x + alley.box.w / 2 + LABEL_GAP, p.y + alley.box.h / 2 + LABEL_GAP];
      const inView = b[0] >= 0 && b[1] >= 0 && b[2] <= size.x && b[3] <= size.y;
      const free = !placed.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
      const show = alley === selected || (inView && free);
      el.classList.toggle('is-hidden', !show);
      if (show) placed.push(b);
    });
  }
  map.on('zoomend moveend resize', placeLabels);
  document.addEventListener('alleys:textsize', () => {
    alleys.forEach((a) => { a.box = null; });
    map.invalidateSize();
    placeLabels();
  });

  function showMessage(message) {
    messageEl.textContent = message;
    messageEl.hidden = !message;
  }
  function showAlert(message) {
    alertEl.querySelector('[data-alert-text]').textContent = message;
    alertEl.hidden = !message;
  }

  function draw(features) {
    alleys.forEach((a) => { a.line.remove(); a.hit.remove(); a.label.remove(); });
    selected = null;
    alleys = features.map((f) => {
      const g = f.geometry;
      const parts = (g.type === 'MultiLineString' ? g.coordinates : [g.coordinates])
        .map((part) => part.map((c) => toMap(c[0], c[1])));
      const line = L.polyline(parts, Object.assign({ className: 'alley-line', interactive: false }, LINE)).addTo(map);
      const hit = L.polyline(parts, { className: 'alley-hit', weight: 26, opacity: 0 }).addTo(map);
      const mids = parts.filter((p) => p.length > 1).map(midpoint);
      const anchor = mids.reduce((best, m) => (m.length > best.length ? m : best), mids[0]).latlng;
      const name = document.createElement('span');
      name.textContent = f.properties.name;
      const label = L.tooltip({ permanent: true, direction: 'center', className: 'alley-label', opacity: 1, interactive: true })
        .setLatLng(anchor).setContent(name).addTo(map);
      const alley = { id: f.id, props: f.properties, line, hit, label, anchor, bounds: line.getBounds(), box: null };
      hit.on('click', () => select(alley, false));
      label.getElement().addEventListener('click', () => select(alley, false));
      return alley;
    });
    alleys.sort((a, b) => b.props.length_m - a.props.length_m);
    renderList();
    $('alley-count').textContent = String(alleys.length);
    showMessage(alleys.length ? '' : text.noAlleys);
    placeLabels();
  }

  function renderList() {
    listEl.textContent = '';
    const byName = alleys.slice().sort((a, b) => a.props.name.localeCompare(b.props.name, 'zh-Hans-CN'));
    byName.forEach((alley) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'alley-item';
      button.setAttribute('aria-pressed', 'false');
      const name = document.createElement('span');
      name.className = 'alley-name';
      name.textContent = alley.props.name;
      const length = document.createElement('span');
      length.className = 'alley-length';
      length.textContent = formatLength(alley.props.length_m);
      button.append(name, length);
      button.addEventListener('click', () => select(alley, true));
      alley.button = button;
      li.append(button);
      listEl.append(li);
    });
  }

  function select(alley, fromList) {
    if (selected) {
      selected.line.setStyle(LINE);
      selected.button.setAttribute('aria-pressed', 'false');
      selected.label.getElement().classList.remove('is-selected');
    }
    selected = alley;
    if (!alley) {
      info.hidden = true;
      placeLabels();
      return;
    }
    alley.line.setStyle(SELECTED).bringToFront();
    alley.button.setAttribute('aria-pressed', 'true');
    alley.label.getElement().classList.add('is-selected');
    info.querySelector('[data-info-name]').textContent = alley.props.name;
    info.querySelector('[data-info-length]').textContent = formatLength(alley.props.length_m);
    const source = info.querySelector('[data-info-source]');
    source.hidden = true;
    info.hidden = false;
    loadSource(alley, source);
    if (fromList) {
      setSheet(false);
      map.invalidateSize();
      map.fitBounds(alley.bounds, { padding: [48, 48], maxZoom: 18 });
      info.querySelector('[data-info-name]').focus({ preventScroll: true });
    }
    placeLabels();
  }

  async function loadSource(alley, el) {
    try {
      const response = await fetch(`${config.alleysUrl}/${alley.id}`, { headers: { Accept: 'application/geo+json' } });
      if (!response.ok) return;
      const feature = await response.json();
      if (selected === alley && feature.properties.source) {
        el.textContent = `${text.source}: ${feature.properties.source}`;
        el.hidden = false;
      }
    } catch (e) { /* the source line is optional */ }
  }
  info.querySelector('[data-info-close]').addEventListener('click', () => select(null));

  async function load() {
    showAlert('');
    showMessage(loadingText);
    let bbox = street.bbox;
    if (!bbox) {
      const view = map.getBounds();
      bbox = fromMap(view.getSouthWest()).concat(fromMap(view.getNorthEast()));
    }
    const url = `${config.alleysUrl}?bbox=${bbox.map((v) => v.toFixed(6)).join(',')}&street=${street.id}`;
    try {
      const response = await fetch(url, { headers: { Accept: 'application/geo+json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      draw((await response.json()).features || []);
    } catch (e) {
      showMessage('');
      showAlert(text.loadFailed);
    }
  }
  $('retry').addEventListener('click', load);

  // Bottom sheet on phones (collapsed by default), always-open side panel on tablets.
  const wide = window.matchMedia('(min-width: 900px)');
  function syncSheet() {
    toggle.setAttribute('aria-expanded', String(wide.matches || panel.classList.contains('is-open')));
    toggle.disabled = wide.matches;
  }
  function setSheet(open) {
    panel.classList.toggle('is-open', open);
    syncSheet();
  }
  toggle.addEventListener('click', () => setSheet(!panel.classList.contains('is-open')));
  wide.addEventListener('change', syncSheet);
  syncSheet();
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize()).observe($('map'));

  load();
}());

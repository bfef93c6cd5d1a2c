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
  const LINE = { color: css.getPropertyValue('--alley-line').trim() || '#24324a', weight: 6, opacity: 1, dashArray: null };
  // Signed in, alleys show whose they are: mine, claimed by others, or still unclaimed.
  const CLAIM_STYLES = {
    mine: { color: '#17803d', weight: 8, opacity: 1, dashArray: null },
    others: { color: '#1f5fa8', weight: 6, opacity: 1, dashArray: null },
    unclaimed: { color: '#5f6673', weight: 5, opacity: 1, dashArray: '10 8' },
  };
  function styleOf(alley) {
    return config.user ? CLAIM_STYLES[alley.props.claim] || LINE : LINE;
  }
  const SELECTED = { color: css.getPropertyValue('--alley-selected').trim() || '#c4161c', weight: 10, opacity: 1, dashArray: null };

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

  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const map = L.map('map', {
    zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25,
    zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: ui.zoomIn, zoomOutTitle: ui.zoomOut }).addTo(map);
  window.AlleyBasemap.add(map, config);
  // A big text button on the map (Leaflet control), for "Whole street", "Locate me" and the like.
  function addMapButton(label, position, onClick, extraClass) {
    const Button = L.Control.extend({
      onAdd() {
        const button = L.DomUtil.create('button', `map-button ${extraClass || ''}`.trim());
        button.type = 'button';
        button.textContent = label;
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, 'click', onClick);
        return button;
      },
    });
    new Button({ position }).addTo(map);
  }
  addMapButton(ui.wholeStreet, 'topleft', () => fitStreet());

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

  // Names on their lines (alley-labels.js): the selected alley's first, then the longest alleys'.
  function placeLabels() {
    window.AlleyLabels.place(map, alleys, selected);
  }
  map.on('zoomend moveend resize alleylabelresize', placeLabels);
  document.addEventListener('alleys:textsize', () => {
    alleys.forEach((a) => { a.box = null; a.label.update(); });
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
      const line = L.polyline(parts, Object.assign({ className: `alley-line claim-${f.properties.claim}`, interactive: false },
        config.user ? CLAIM_STYLES[f.properties.claim] || LINE : LINE)).addTo(map);
      const hit = L.polyline(parts, { className: 'alley-hit', weight: 26, opacity: 0 }).addTo(map);
      line.getElement().dataset.alleyId = String(f.id);
      const alley = Object.assign(window.AlleyLabels.create(map, f.id, f.properties.name, parts, () => select(alley, false)),
        { id: f.id, props: f.properties, line, hit, bounds: line.getBounds() });
      hit.on('click', () => select(alley, false));
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
      selected.line.setStyle(styleOf(selected));
      selected.button.setAttribute('aria-pressed', 'false');
      selected.label.getElement().classList.remove('is-selected');
      selected.box = null;
      selected.label.update();
    }
    selected = alley;
    document.dispatchEvent(new CustomEvent('alley:select', { detail: { alley } }));
    if (!alley) {
      info.hidden = true;
      placeLabels();
      return;
    }
    alley.line.setStyle(SELECTED).bringToFront();
    alley.button.setAttribute('aria-pressed', 'true');
    alley.label.getElement().classList.add('is-selected');
    alley.box = null;
    alley.label.update(); // the bigger name is re-centred on its spot
    info.querySelector('[data-info-name]').textContent = alley.props.name;
    info.querySelector('[data-info-length]').textContent = formatLength(alley.props.length_m);
    const source = info.querySelector('[data-info-source]');
    source.hidden = true;
    info.querySelector('[data-info-chief]').hidden = true;
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

  // 本巷街巷长: the alley's chief and the phone the street publishes, as on the sign in the alley.
  function showChief(chief) {
    const box = info.querySelector('[data-info-chief]');
    box.hidden = !chief;
    if (!chief) return;
    box.querySelector('[data-chief-name]').textContent = chief.name;
    const phone = box.querySelector('[data-chief-phone]');
    phone.textContent = chief.phone;
    phone.href = `tel:${chief.phone.replace(/[^0-9+]/g, '')}`;
  }

  async function loadSource(alley, el) {
    try {
      const response = await fetch(`${config.alleysUrl}/${alley.id}`, { headers: { Accept: 'application/geo+json' } });
      if (!response.ok) return;
      const feature = await response.json();
      if (selected !== alley) return;
      showChief(feature.properties.chief);
      if (feature.properties.source) {
        el.textContent = `${text.source}: ${feature.properties.source}`;
        el.hidden = false;
      }
      document.dispatchEvent(new CustomEvent('alley:details', { detail: { alley, feature } }));
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
      // Kept by the worker by name: a first visit's fetch may end after the worker dropped the last person's pages.
      (window.alleysOffline = window.alleysOffline || []).push(url);
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

  // For volunteer.js and patrol.js: the map and a few helpers.
  window.AlleyMap = {
    map, config, text, toMap, fromMap, formatLength, addMapButton,
    selected: () => selected,
    selectById(id, zoom) {
      const alley = alleys.find((a) => a.id === id);
      if (alley) select(alley, zoom);
    },
    setClaim(id, claim) {
      const alley = alleys.find((a) => a.id === id);
      if (!alley) return;
      alley.props.claim = claim;
      alley.line.getElement().classList.remove('claim-mine', 'claim-others', 'claim-unclaimed');
      alley.line.getElement().classList.add(`claim-${claim}`);
      alley.line.setStyle(alley === selected ? SELECTED : styleOf(alley));
    },
    reload: load,
  };
  load();
}());

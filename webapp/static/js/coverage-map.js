// The organizer's coverage map: the street's alleys styled by gap (unclaimed, not patrolled, covered), named, with a
// popup each; the names in the lists below become buttons that show their alley (Leaflet, ES2017, no build step).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const mapEl = $('coverage-map');
  const message = $('coverage-map-message');
  if (!mapEl || !window.L) return;
  const config = JSON.parse($('coverage-config').textContent);
  const text = JSON.parse($('coverage-text').textContent);
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const css = getComputedStyle(mapEl.closest('.coverage-page') || document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  // Colour and pattern both tell the gaps apart (the legend names them in words).
  const STYLES = {
    unclaimed: { color: colour('--gap-unclaimed', '#b3261e'), weight: 6, dashArray: '10 8', lineCap: 'butt', opacity: 1 },
    unpatrolled: { color: colour('--gap-unpatrolled', '#a05a00'), weight: 7, dashArray: '1 11', lineCap: 'round', opacity: 1 },
    covered: { color: colour('--gap-covered', '#1b6b2a'), weight: 5, dashArray: null, lineCap: 'round', opacity: 0.9 },
  };
  const SELECTED_WEIGHT = 11;

  const shiftToGcj = config.tileCrs === 'gcj02';
  function toMap(lon, lat) {
    const p = shiftToGcj && window.AlleyCRS ? window.AlleyCRS.wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(p[1], p[0]);
  }
  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }
  const lang = document.documentElement.lang || 'zh-Hans';
  const timeFormat = new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
  });
  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }
  function show(note) {
    message.textContent = note || '';
    message.hidden = !note;
  }

  const map = L.map(mapEl, {
    zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25, scrollWheelZoom: false,
    zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  window.AlleyBasemap.add(map, config);

  const alleys = new Map();
  let whole = null;
  let selected = null;

  function popupFor(feature) {
    const p = feature.properties;
    const box = el('div', 'gap-popup');
    box.append(el('strong', '', p.name), el('span', '', text.gaps[p.gap]), document.createElement('br'));
    box.append(el('span', '', `${say(text.metres, { metres: Math.round(p.length_m) })} · ${say(text.stewards, { count: p.stewards })}`));
    if (p.gap !== 'unclaimed') {
      box.append(document.createElement('br'));
      const last = p.last_patrol_at ? timeFormat.format(new Date(p.last_patrol_at)) : text.never;
      box.append(el('span', '', `${text.lastPatrol} ${last}`));
    }
    return box;
  }

  function select(alley, fly) {
    if (selected && selected !== alley) selected.line.setStyle({ weight: STYLES[selected.gap].weight });
    selected = alley;
    alley.line.setStyle({ weight: SELECTED_WEIGHT });
    alley.line.bringToFront();
    placeLabels();
    document.querySelectorAll('.gap-list li.is-selected').forEach((li) => li.classList.remove('is-selected'));
    document.querySelectorAll(`.gap-list li[data-alley="${alley.id}"]`).forEach((li) => li.classList.add('is-selected'));
    if (fly) { // from the lists: bring it into view with its popup (a tap on the map opens the popup itself)
      map.fitBounds(alley.bounds, { padding: [40, 40], maxZoom: 18, animate: !calm });
      alley.hit.openPopup(alley.bounds.getCenter());
    }
  }

  function draw(collection) {
    const bounds = L.latLngBounds([]);
    ['covered', 'unpatrolled', 'unclaimed'].forEach((gap) => { // the gaps drawn last, on top
      collection.features.filter((f) => f.properties.gap === gap).forEach((feature) => {
        const g = feature.geometry;
        const lines = g.type === 'MultiLineString' ? g.coordinates : [g.coordinates];
        const parts = lines.map((line) => line.map((c) => toMap(c[0], c[1])));
        const line = L.polyline(parts, Object.assign({ interactive: false, className: `gap-line gap-${gap}` }, STYLES[gap])).addTo(map);
        const hit = L.polyline(parts, { weight: 24, opacity: 0, className: 'gap-hit' }).addTo(map);
        hit.bindTooltip(`${feature.properties.name} · ${text.gaps[gap]}`, { sticky: true, className: 'gap-tooltip' });
        hit.bindPopup(() => popupFor(feature));
        const alley = { id: feature.id, gap, name: feature.properties.name, line, hit, label: null, bounds: line.getBounds() };
        hit.on('click', () => select(alley, false));
        alleys.set(String(feature.id), alley);
        bounds.extend(alley.bounds);
      });
    });
    return bounds;
  }

  // As many names as fit without overlapping: the selected alley's first, then the gaps, then the covered.
  const RANK = { unclaimed: 0, unpatrolled: 1, covered: 2 };
  function placeLabels() {
    const shown = [];
    const order = Array.from(alleys.values()).sort((x, y) => (x === selected ? -1 : y === selected ? 1 : RANK[x.gap] - RANK[y.gap]));
    order.forEach((alley) => {
      const node = alley.label && alley.label.getElement();
      if (!node) return;
      node.classList.remove('is-hidden');
      const box = node.getBoundingClientRect();
      const clash = shown.some((b) => box.left < b.right + 4 && box.right + 4 > b.left && box.top < b.bottom + 2 && box.bottom + 2 > b.top);
      if (clash) node.classList.add('is-hidden');
      else shown.push(box);
    });
  }
  map.on('zoomend moveend', placeLabels);
  document.addEventListener('alleys:textsize', placeLabels);

  function enableList() {
    document.querySelectorAll('span.gap-alley[data-alley]').forEach((name) => {
      const alley = alleys.get(name.dataset.alley);
      if (!alley) return;
      const button = el('button', 'gap-alley', name.textContent.trim());
      button.type = 'button';
      button.dataset.alley = name.dataset.alley;
      button.title = say(text.showOnMap, { name: button.textContent });
      name.replaceWith(button);
      button.addEventListener('click', () => {
        mapEl.scrollIntoView({ behavior: calm ? 'auto' : 'smooth', block: 'center' });
        select(alley, true);
      });
    });
  }

  async function load() {
    let data;
    try {
      const response = await fetch(config.dataUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (e) {
      map.setView(toMap(116.41, 39.93), 13);
      show(text.loadFailed);
      return;
    }
    whole = draw(data.geojson);
    if (!whole.isValid()) {
      map.setView(toMap(116.41, 39.93), 13); // Dongcheng, when there is nothing to show
      show(text.noAlleys);
      return;
    }
    show('');
    map.fitBounds(whole, { padding: [16, 16], animate: false });
    alleys.forEach((alley) => { // a line's middle is known once the map has a view
      alley.label = L.tooltip({ permanent: true, direction: 'center', className: 'alley-label', opacity: 1 })
        .setLatLng(alley.line.getCenter()).setContent(alley.name).addTo(map);
    });
    placeLabels();
    const Whole = L.Control.extend({
      onAdd() {
        const button = L.DomUtil.create('button', 'map-button');
        button.type = 'button';
        button.textContent = text.wholeStreet;
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, 'click', () => map.fitBounds(whole, { padding: [16, 16], animate: !calm }));
        return button;
      },
    });
    new Whole({ position: 'topleft' }).addTo(map);
    enableList();
  }

  load();
}());

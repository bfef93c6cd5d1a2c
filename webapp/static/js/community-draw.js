// The organizer's community map: the street's boundary, its communities, and Leaflet-Geoman to draw a new boundary
// or drag the corners of one chosen in the form. What is drawn goes into the form's hidden `geometry` as GeoJSON in
// WGS-84 (a GCJ-02 basemap's shift is taken off again); the server checks it (Leaflet, ES2017, no build step).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const mapEl = $('community-map');
  const message = $('community-map-message');
  if (!mapEl || !window.L || !L.PM) return;
  const config = JSON.parse($('community-config').textContent);
  const text = JSON.parse($('community-text').textContent);
  const geometryField = $('community-geometry');
  const idField = $('community-id');
  const nameField = $('community-name');
  const shiftToGcj = config.tileCrs === 'gcj02';
  const lang = (document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh';

  function toMap(c) {
    const p = shiftToGcj && window.AlleyCRS ? window.AlleyCRS.wgs84ToGcj02(c[0], c[1]) : c;
    return [p[1], p[0]];
  }
  function fromMap(latlng) {
    const p = shiftToGcj && window.AlleyCRS ? window.AlleyCRS.gcj02ToWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
    return [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
  }
  function rings(geometry) { // [[ring, ...], ...] per polygon, as Leaflet latlngs
    const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
    return polygons.map((polygon) => polygon.map((ring) => ring.slice(0, -1).map(toMap)));
  }
  function asGeometry(layer) { // a Leaflet polygon back to GeoJSON, in WGS-84, rings closed
    const closed = (ring) => { const c = ring.map(fromMap); c.push(c[0]); return c; };
    let latlngs = layer.getLatLngs();
    if (!Array.isArray(latlngs[0][0])) latlngs = [latlngs]; // one polygon: [rings]
    return { type: 'MultiPolygon', coordinates: latlngs.map((polygon) => polygon.map(closed)) };
  }
  function say(note) {
    message.textContent = note || '';
    message.hidden = !note;
  }

  const map = L.map(mapEl, { zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25, scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  window.AlleyBasemap.add(map, config);
  map.pm.setLang(lang);
  map.pm.addControls({
    position: 'topleft', drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawRectangle: true,
    drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false, dragMode: false, removalMode: false,
    editMode: false,
  });
  // Geoman titles the wrapper, not its icon-only button: the button needs the name for screen readers.
  map.getContainer().querySelectorAll('div[title] > .leaflet-buttons-control-button').forEach((b) => {
    b.setAttribute('aria-label', b.parentElement.title);
  });
  map.pm.setGlobalOptions({ allowSelfIntersection: false, snappable: true });

  let bounds = L.latLngBounds([]);
  if (config.street) {
    const outline = L.polygon(rings(config.street), { color: '#6b6353', weight: 3, dashArray: '8 6', fill: false,
      interactive: false, pmIgnore: true }).addTo(map);
    bounds = outline.getBounds();
  }
  const layers = new Map();
  (config.communities || []).forEach((c) => {
    if (!c.geometry) return;
    const layer = L.polygon(rings(c.geometry), { color: '#1a3570', weight: 3, fillOpacity: 0.12 }).addTo(map);
    layer.bindTooltip(c.name, { permanent: true, direction: 'center', className: 'alley-label' });
    layer.on('pm:edit', () => { geometryField.value = JSON.stringify(asGeometry(layer)); say(text.edited); });
    layers.set(String(c.id), { layer, name: c.name });
  });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
  else { map.setView(toMap([116.41, 39.93]), 13); say(text.noStreet); }
  if (bounds.isValid()) say('');

  let drawn = null;
  map.on('pm:create', (event) => {
    if (drawn) drawn.remove();
    drawn = event.layer;
    geometryField.value = JSON.stringify(asGeometry(drawn));
    drawn.on('pm:edit', () => { geometryField.value = JSON.stringify(asGeometry(drawn)); });
    drawn.pm.enable({ allowSelfIntersection: false });
    idField.value = '';
    say(text.drawn);
    nameField.focus();
  });

  function choose(id) { // edit one community's boundary in place
    layers.forEach((entry) => entry.layer.pm.disable());
    const entry = layers.get(String(id));
    geometryField.value = '';
    if (!entry) return;
    if (drawn) { drawn.remove(); drawn = null; }
    nameField.value = entry.name;
    geometryField.value = JSON.stringify(asGeometry(entry.layer));
    entry.layer.pm.enable({ allowSelfIntersection: false });
    map.fitBounds(entry.layer.getBounds(), { padding: [24, 24] });
  }
  idField.addEventListener('change', () => choose(idField.value));
  document.querySelectorAll('[data-edit-community]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => {
      idField.value = button.dataset.editCommunity;
      choose(idField.value);
      $('draw').scrollIntoView({ block: 'start' });
    });
  });
}());

// The meeting point of an activity, picked on a small Leaflet map: a click or tap (or "use the centre" from the
// keyboard) sets the hidden lon/lat inputs in WGS-84. The map starts on the street's alleys, drawn from the API.
(function () {
  'use strict';
  const holder = document.getElementById('place-picker');
  const configEl = document.getElementById('place-picker-config');
  if (!holder || !configEl || !window.L) return;
  const config = JSON.parse(configEl.textContent);
  const text = config.text || {};
  const lonInput = document.getElementById('place-lon');
  const latInput = document.getElementById('place-lat');
  const status = document.getElementById('place-picker-status');
  const centreButton = document.getElementById('place-picker-centre');
  const calm = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  // WGS-84 (stored) <-> the basemap's datum (GCJ-02 for Chinese tile providers).
  const shiftToGcj = config.tileCrs === 'gcj02' && window.AlleyCRS;
  function toMap(lon, lat) {
    const p = shiftToGcj ? window.AlleyCRS.wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(p[1], p[0]);
  }
  function fromMap(latLng) {
    return shiftToGcj ? window.AlleyCRS.gcj02ToWgs84(latLng.lng, latLng.lat) : [latLng.lng, latLng.lat];
  }

  const map = L.map(holder, {
    zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25,
    zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  window.AlleyBasemap.add(map, config);

  function fitStreet() {
    const b = config.bbox;
    if (b) {
      map.fitBounds(L.latLngBounds(toMap(b[0], b[1]), toMap(b[2], b[3])), { padding: [12, 12], animate: false });
    } else {
      map.setView(toMap(116.41, 39.93), 14); // Dongcheng, when the street has no extent
    }
  }

  let marker = null;
  function format(value) {
    return Number(value).toFixed(6);
  }
  function setPoint(lon, lat, announce) {
    lonInput.value = format(lon);
    latInput.value = format(lat);
    const where = toMap(lon, lat);
    if (!marker) {
      marker = L.circleMarker(where, {
        radius: 10, weight: 3, color: '#7a1010', fillColor: '#c4161c', fillOpacity: 0.85,
        className: 'place-picker-marker', interactive: false,
      }).addTo(map);
    } else {
      marker.setLatLng(where);
    }
    if (announce && status) {
      status.textContent = (text.set || '%(lon)s, %(lat)s')
        .replace('%(lon)s', format(lon)).replace('%(lat)s', format(lat));
    }
  }

  map.on('click', (event) => {
    const p = fromMap(event.latlng);
    setPoint(p[0], p[1], true);
  });
  if (centreButton) {
    centreButton.hidden = false;
    centreButton.addEventListener('click', () => {
      const p = fromMap(map.getCenter());
      setPoint(p[0], p[1], true);
    });
  }

  // A point already typed (the form shown again after an error) is kept and shown.
  const lon = parseFloat(lonInput.value);
  const lat = parseFloat(latInput.value);
  if (Number.isFinite(lon) && Number.isFinite(lat)) {
    setPoint(lon, lat, false);
    map.setView(toMap(lon, lat), 17);
  } else {
    fitStreet();
  }

  // The street's alleys, faintly, so the organizer sees where the point is without a tile server.
  async function drawAlleys() {
    if (!config.bbox || !config.alleysUrl) return;
    try {
      const url = `${config.alleysUrl}?bbox=${config.bbox.map((v) => v.toFixed(6)).join(',')}&street=${config.streetId}`;
      const response = await fetch(url, { headers: { Accept: 'application/geo+json' } });
      if (!response.ok) return;
      L.geoJSON(await response.json(), {
        coordsToLatLng: (c) => toMap(c[0], c[1]),
        style: { color: '#24324a', weight: 4, opacity: 0.6 },
        onEachFeature: (feature, layer) => {
          if (feature.properties && feature.properties.name) {
            layer.bindTooltip(feature.properties.name, { sticky: true, direction: 'top' });
          }
        },
      }).addTo(map);
      if (marker) marker.bringToFront();
    } catch (e) { /* the alleys are only a backdrop */ }
  }
  drawAlleys();

  // The map's box may change size (the form reflows, the phone turns).
  window.addEventListener('resize', () => map.invalidateSize());
}());

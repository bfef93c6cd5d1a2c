// The base map under every map page: this server's vector tiles drawn by protomaps-leaflet, or TILE_URL raster tiles.
// Exposes `AlleyBasemap.add(map, config)`; the page's <script> tag (templates/_basemap.html) carries the settings.
(function () {
  'use strict';
  const settings = JSON.parse((document.currentScript && document.currentScript.dataset.settings) || '{}');
  const maps = [];
  const waiting = [];
  let loading = false;

  const BACKGROUND = '#f2efe9';
  const ROAD = '#ffffff';
  const CASING = '#cfc6b8';
  const LABEL = { fill: '#3b3a36', stroke: '#ffffff', width: 3 };
  const FONT = 'sans-serif';
  const LANDMARK_COLOURS = { school: '#8a5a00', clinic: '#b3261e', market: '#6a3d9a', bus_stop: '#1f5fa8',
    temple: '#9c4a1a', gate: '#5b4636' };
  const kind = (...kinds) => (z, f) => kinds.includes(f.props.kind);
  // Widths in CSS pixels by zoom: a whole street (~14) shows every road; near (17+) an alley is a lane wide.
  const byZoom = (stops) => (z) => stops[Math.max(0, Math.min(stops.length - 1, Math.round(z) - 12))];

  function paintRules() {
    const P = window.protomapsL;
    const line = (kinds, color, widths, extra) => ({
      dataLayer: 'roads', filter: kind(...kinds),
      symbolizer: new P.LineSymbolizer({ color, width: byZoom(widths), lineCap: 'round', lineJoin: 'round', ...extra }),
    });
    return [
      { dataLayer: 'parks', symbolizer: new P.PolygonSymbolizer({ fill: '#d4e8c8' }) },
      { dataLayer: 'water', filter: kind('area'), symbolizer: new P.PolygonSymbolizer({ fill: '#aacbe8' }) },
      { dataLayer: 'water', filter: kind('river'),
        symbolizer: new P.LineSymbolizer({ color: '#aacbe8', width: byZoom([1, 1.5, 2, 3, 4, 6, 8]) }) },
      { dataLayer: 'buildings',
        symbolizer: new P.PolygonSymbolizer({ fill: '#e2dacd', stroke: '#c9bda9', width: 0.75 }) },
      line(['path'], CASING, [0, 0, 0, 1, 1.5, 2, 3]),
      line(['alley', 'minor'], CASING, [1.5, 2.5, 3.5, 5, 8, 12, 16]),
      line(['major'], CASING, [3, 4, 6, 9, 12, 17, 22]),
      line(['alley', 'minor'], ROAD, [0.75, 1.5, 2.5, 3.5, 6, 10, 14]),
      line(['major'], '#fff6d9', [2, 3, 4.5, 7, 10, 15, 20]),
      { dataLayer: 'landmarks', symbolizer: new P.CircleSymbolizer({
        radius: 5, fill: (z, f) => LANDMARK_COLOURS[f.props.kind] || '#555', stroke: '#ffffff', width: 1.5 }) },
    ];
  }

  function labelRules() {
    const P = window.protomapsL;
    return [
      { dataLayer: 'landmarks', symbolizer: new P.OffsetTextSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 13, fontWeight: 600, offsetX: 7, offsetY: 7,
        fill: (z, f) => LANDMARK_COLOURS[f.props.kind] || '#555', stroke: LABEL.stroke, width: LABEL.width }) },
      { dataLayer: 'roads', minzoom: 13, filter: kind('major'), symbolizer: new P.LineLabelSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 14, fontWeight: 600, ...LABEL }) },
      { dataLayer: 'roads', minzoom: 15, filter: kind('minor'), symbolizer: new P.LineLabelSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 13, ...LABEL }) },
      // The page labels the street's own alleys itself: the base map names the other hutongs only when near.
      { dataLayer: 'roads', minzoom: 17, filter: kind('alley'), symbolizer: new P.LineLabelSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 13, ...LABEL }) },
      { dataLayer: 'water', minzoom: 14, symbolizer: new P.CenteredTextSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 13, fill: '#2f6690', stroke: '#ffffff', width: 2 }) },
      { dataLayer: 'parks', minzoom: 15, symbolizer: new P.CenteredTextSymbolizer({
        labelProps: ['name'], fontFamily: FONT, fontSize: 12, fill: '#3d6b2f', stroke: '#ffffff', width: 2 }) },
    ];
  }

  // The library is loaded once the page has painted, so it never holds up the first view of the alleys.
  function whenLibrary(callback) {
    if (window.protomapsL) { callback(); return; }
    waiting.push(callback);
    if (loading) return;
    loading = true;
    const load = () => {
      const tag = document.createElement('script');
      tag.src = settings.library;
      tag.onload = () => waiting.splice(0).forEach((cb) => cb());
      document.head.appendChild(tag);
    };
    if (document.readyState === 'complete') load();
    else window.addEventListener('load', load, { once: true });
  }

  function tileOf(lon, lat, z) {
    const n = 2 ** z;
    const rad = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
    return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n)];
  }

  // Fetch the tiles of the street shown (its bbox at the zooms people use) once, through the service worker,
  // which keeps them in its tile cache: the street's map then works with no connection.
  function warm(bbox) {
    if (!bbox || !navigator.serviceWorker || !navigator.onLine) return;
    if (!navigator.serviceWorker.controller) { // the first visit: once the worker takes the page over
      navigator.serviceWorker.addEventListener('controllerchange', () => warm(bbox), { once: true });
      return;
    }
    const key = `basemap-warm:${settings.tiles}:${bbox.map((v) => v.toFixed(3)).join(',')}`;
    try { if (localStorage.getItem(key)) return; } catch (e) { return; }
    const urls = [];
    (settings.streetZooms || []).forEach((z) => {
      const [x0, y0] = tileOf(bbox[0], bbox[3], z);
      const [x1, y1] = tileOf(bbox[2], bbox[1], z);
      for (let x = x0; x <= x1; x += 1) {
        for (let y = y0; y <= y1; y += 1) {
          urls.push(settings.tiles.replace('{z}', z).replace('{x}', x).replace('{y}', y));
        }
      }
    });
    const next = () => {
      const url = urls.shift();
      if (!url) {
        try { localStorage.setItem(key, '1'); } catch (e) { /* private mode: warm again next time */ }
        return null;
      }
      return fetch(url).then(next, () => null); // offline half-way: the next visit tries again
    };
    Promise.all([next(), next(), next()]);
  }

  function boundsBbox(map) {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  function add(map, config) {
    maps.push(map);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
      return null;
    }
    if (!settings.tiles) return null;
    map.getContainer().style.background = BACKGROUND;
    whenLibrary(() => {
      const layer = window.protomapsL.leafletLayer({
        url: settings.tiles, paintRules: paintRules(), labelRules: labelRules(), maxDataZoom: settings.maxDataZoom,
        backgroundColor: BACKGROUND, attribution: settings.attribution || '', maxZoom: 19,
      });
      layer.addTo(map);
      layer.bringToBack();
      const street = config.street && config.street.bbox;
      if (street) warm(street);
      else if (map._loaded) warm(boundsBbox(map));
      else map.whenReady(() => warm(boundsBbox(map)));
    });
    return map;
  }

  window.AlleyBasemap = { add, maps };
}());

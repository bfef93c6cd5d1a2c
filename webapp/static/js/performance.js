// Street performance: charts (Chart.js), the reports heat map (Leaflet + leaflet.heat) and sortable rankings.
// The page works without it: every number and table is in the HTML; this adds what a table cannot show.
// Also the daily brief's Print button (the only part of this file the brief uses).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);

  document.querySelectorAll('[data-print]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  });

  const root = $('perf');
  if (!root) return;
  document.documentElement.classList.add('perf-live');
  const config = JSON.parse($('perf-config').textContent);
  const text = JSON.parse($('perf-text').textContent);
  const lang = document.documentElement.lang || 'zh-Hans';
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
  const collator = new Intl.Collator(lang);

  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // --- the choosers -----------------------------------------------------------------------------------
  // The street list submits itself; its button stays for browsers without JavaScript.
  document.querySelectorAll('select[data-autosubmit]').forEach((select) => {
    select.addEventListener('change', () => select.form.submit());
  });

  // --- rankings: sort by the chosen column, ties share a rank ------------------------------------------
  const number = (value) => (value === '' || value === undefined ? null : Number(value));

  function limitRows(table) {
    const many = Number(table.dataset.many || 0);
    if (!many) return;
    const rows = Array.from(table.tBodies[0].rows).filter((row) => row.dataset.name !== undefined);
    const folded = rows.length > many + 3; // hiding three rows behind a button is not worth it
    rows.forEach((row, i) => row.classList.toggle('is-extra', folded && i >= many));
    let button = table.parentElement.nextElementSibling;
    if (!button || !button.classList.contains('more-rows')) {
      if (!folded) return;
      button = el('button', 'button more-rows');
      button.type = 'button';
      button.setAttribute('aria-controls', table.id);
      button.addEventListener('click', () => {
        const open = table.classList.toggle('is-expanded');
        button.setAttribute('aria-expanded', String(open));
        button.textContent = open ? text.showFewer : fmt(text.showAll, { count: rows.length });
      });
      table.parentElement.after(button);
    }
    button.hidden = !folded;
    const open = table.classList.contains('is-expanded');
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? text.showFewer : fmt(text.showAll, { count: rows.length });
  }

  function sortTable(table, key) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).filter((row) => row.dataset.name !== undefined);
    if (!rows.length) return;
    const value = (row) => number(row.dataset[key]);
    rows.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
      } else if (va !== vb) {
        return vb - va;
      }
      return (Number(b.dataset.cases) - Number(a.dataset.cases)) || collator.compare(a.dataset.name, b.dataset.name);
    });
    let rank = 0;
    let last;
    rows.forEach((row, i) => {
      const v = value(row);
      if (i === 0 || v !== last) rank = i + 1;
      last = v;
      row.querySelector('[data-rank]').textContent = v === null ? '—' : String(rank);
      body.append(row);
    });
    table.querySelectorAll('thead th[data-col]').forEach((th) => {
      if (th.dataset.col === key) th.setAttribute('aria-sort', 'descending');
      else th.removeAttribute('aria-sort');
    });
    const caption = table.caption;
    const column = table.querySelector(`thead th[data-col="${key}"]`);
    if (caption && caption.dataset.table && column) {
      caption.textContent = fmt(text.rankedBy, { table: caption.dataset.table, column: column.textContent.trim() });
    }
    limitRows(table);
  }

  document.querySelectorAll('select[data-sort-table]').forEach((select) => {
    const table = $(select.dataset.sortTable);
    if (!table) return;
    select.closest('[data-sort-control]').hidden = false;
    select.addEventListener('change', () => sortTable(table, select.value));
  });
  document.querySelectorAll('table.ranking[data-many]').forEach(limitRows);

  // --- charts -----------------------------------------------------------------------------------------
  const COLORS = { response: '#1f4e8c', resolution: '#b35900', satisfaction: '#6b3fa0' };
  // Told apart by line style and point shape too, not only by colour.
  const STYLES = {
    response: { borderDash: [], pointStyle: 'circle' },
    resolution: { borderDash: [10, 5], pointStyle: 'triangle' },
    satisfaction: { borderDash: [3, 4], pointStyle: 'rectRot' },
  };
  const COUNTS = {
    response: ['response_on_time', 'response_due'],
    resolution: ['resolved', 'resolution_due'],
    satisfaction: [null, 'rated'],
  };

  function percent(rate) {
    return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
  }
  function shortLabel(start) {
    // YYYY-MM-DD from the server; charts by month show YYYY-MM, by day or week MM-DD.
    return config.bucket === 'month' ? start.slice(0, 7) : start.slice(5);
  }
  function longLabel(start) {
    if (config.bucket === 'month') return start.slice(0, 7);
    if (config.bucket === 'week') return fmt(text.weekFrom, { date: start });
    return start;
  }

  function setupChartDefaults() {
    const body = getComputedStyle(document.body);
    Chart.defaults.font.family = body.fontFamily;
    Chart.defaults.font.size = 15;
    Chart.defaults.color = '#1b1b1b';
    Chart.defaults.borderColor = '#e4dfd4';
    Chart.defaults.animation = false; // numbers to read, not to watch: drawn at once (and printable at once)
  }

  function ratesChart(series) {
    const box = root.querySelector('[data-chart="rates"]');
    box.hidden = false;
    const dense = series.length > 31;
    const datasets = ['response', 'resolution', 'satisfaction'].map((key) => ({
      label: text[key],
      data: series.map((s) => percent(s[`${key}_rate`])),
      borderColor: COLORS[key],
      backgroundColor: COLORS[key],
      borderWidth: 3,
      borderDash: STYLES[key].borderDash,
      pointStyle: STYLES[key].pointStyle,
      pointRadius: dense ? 2 : 5,
      pointHoverRadius: 7,
      spanGaps: false,
      tension: 0,
      clip: 8, // lines at 0% or 100% stay whole
      key,
    }));
    return new Chart($('chart-rates'), {
      type: 'line',
      data: { labels: series.map((s) => shortLabel(s.start)), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { stepSize: 20, callback: (v) => `${v}%` } },
          x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 }, grid: { display: false } },
        },
        plugins: {
          legend: { position: 'top', labels: { usePointStyle: true, boxWidth: 10, boxHeight: 10, padding: 16, font: { size: 15, weight: '600' } } },
          tooltip: {
            titleFont: { size: 15 }, bodyFont: { size: 15 }, padding: 10,
            callbacks: {
              title: (items) => longLabel(series[items[0].dataIndex].start),
              label: (item) => {
                const s = series[item.dataIndex];
                const key = item.dataset.key;
                if (item.raw === null) return `${item.dataset.label}: ${text.nothingDue}`;
                const [doneKey, dueKey] = COUNTS[key];
                const done = doneKey ? s[doneKey] : s.satisfied + s.basically;
                return `${item.dataset.label}: ${item.raw.toFixed(1)}% (${fmt(text.ofDue, { done, due: s[dueKey] })})`;
              },
            },
          },
        },
      },
    });
  }

  function categoriesChart(categories) {
    const box = root.querySelector('[data-chart="categories"]');
    const shown = categories.slice(0, 12);
    if (!shown.length) return null; // the "no cases" line stays
    box.hidden = false;
    box.style.height = `${60 + shown.length * 34}px`;
    const fallback = root.querySelector('[data-chart-fallback="categories"]');
    if (fallback) fallback.hidden = true;
    return new Chart($('chart-categories'), {
      type: 'bar',
      data: {
        labels: shown.map((c) => c.name),
        datasets: [{ label: text.cases, data: shown.map((c) => c.cases), backgroundColor: '#24324a', borderRadius: 3,
          maxBarThickness: 26 }],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { grid: { display: false }, ticks: { font: { size: 15, weight: '600' } } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            titleFont: { size: 15 }, bodyFont: { size: 15 }, padding: 10,
            callbacks: {
              label: (item) => `${text.cases}: ${item.raw}`,
              afterLabel: (item) => {
                const c = shown[item.dataIndex];
                return ['response', 'resolution', 'satisfaction'].map((key) => {
                  const p = percent(c[`${key}_rate`]);
                  return `${text[key]}: ${p === null ? '—' : `${p.toFixed(1)}%`}`;
                });
              },
            },
          },
        },
      },
    });
  }

  function chartMessage(message) {
    root.querySelectorAll('[data-chart]').forEach((box) => {
      const note = el('p', 'chart-message', message);
      note.setAttribute('role', 'status');
      box.before(note);
    });
  }

  async function loadCharts() {
    if (!window.Chart || !config.json) return;
    try {
      const response = await fetch(config.json, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      setupChartDefaults();
      ratesChart(data.series || []);
      categoriesChart(data.categories || []);
    } catch (e) {
      chartMessage(text.loadFailed);
    }
  }

  // --- the heat map -----------------------------------------------------------------------------------
  const shiftToGcj = config.tileCrs === 'gcj02';
  function toMap(lon, lat) {
    const p = shiftToGcj && window.AlleyCRS ? window.AlleyCRS.wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(p[1], p[0]);
  }
  const GRADIENT = { 0.25: '#fde68a', 0.5: '#f59e0b', 0.75: '#dc2626', 1: '#7f1d1d' };

  async function loadMap() {
    const mapEl = $('heat-map');
    const summary = $('heat-summary');
    if (!mapEl || !window.L || !L.heatLayer || !config.heat) return;
    mapEl.hidden = false;
    summary.textContent = '';
    const map = L.map(mapEl, {
      zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25, scrollWheelZoom: false,
      zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm,
    });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.control.zoom({ position: 'topright', zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
    window.AlleyBasemap.add(map, config);
    map.createPane('alleys').style.zIndex = 450; // above the heat (overlay pane, 400): names stay readable
    map.getPane('alleys').style.pointerEvents = 'none';

    const area = config.bbox
      ? L.latLngBounds([toMap(config.bbox[0], config.bbox[1]), toMap(config.bbox[2], config.bbox[3])])
      : null;
    const fit = (bounds) => {
      if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: !calm });
      else map.setView(toMap(116.41, 39.93), 13); // Dongcheng, when there is nothing to show
    };
    if (area) {
      fit(area);
      const Whole = L.Control.extend({
        onAdd() {
          const button = L.DomUtil.create('button', 'map-button');
          button.type = 'button';
          button.textContent = text.wholeArea;
          L.DomEvent.disableClickPropagation(button);
          L.DomEvent.on(button, 'click', () => fit(area));
          return button;
        },
      });
      new Whole({ position: 'bottomright' }).addTo(map);
    }

    const Legend = L.Control.extend({
      onAdd() {
        const box = L.DomUtil.create('div', 'heat-legend');
        const scale = L.DomUtil.create('div', 'heat-scale', box);
        scale.append(el('span', '', text.fewer), el('span', 'heat-gradient'), el('span', '', text.more));
        return box;
      },
    });
    new Legend({ position: 'bottomleft' }).addTo(map);

    const alleys = L.layerGroup();
    let heatData;
    try {
      const response = await fetch(config.heat, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      heatData = await response.json();
    } catch (e) {
      summary.textContent = text.heatFailed;
      if (!area) fit(null);
      return;
    }
    const max = heatData.max || 1;
    const latlngs = heatData.points.map((p) => toMap(p[1], p[0]));
    const heat = L.heatLayer(latlngs.map((ll, i) => [ll.lat, ll.lng, heatData.points[i][2] / max]), {
      max: 1, minOpacity: 0.35, gradient: GRADIENT, radius: 25, blur: 20,
    });
    if (!area) fit(latlngs.length ? L.latLngBounds(latlngs) : null);
    // The radius follows the zoom, so one spot stays about one counting cell wide on the ground.
    function fitRadius() {
      const zoom = map.getZoom();
      const lat = map.getCenter().lat;
      const metresPerPixel = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / 2 ** (zoom + 8);
      const radius = Math.max(12, Math.min(60, ((heatData.cell_m || 100) / metresPerPixel) * 0.8));
      // leaflet.heat fades points by 2^(maxZoom - zoom); with maxZoom at the current zoom a cell's colour is its
      // count over the busiest cell's, and cells that merge when zoomed out add up.
      heat.setOptions({ radius, blur: Math.round(radius * 0.6), maxZoom: zoom });
    }
    fitRadius();
    heat.addTo(map);
    map.on('zoomend', fitRadius);

    const overlayList = {};
    overlayList[escapeHtml(text.heatLayer)] = heat;
    if (config.alleysUrl && config.bbox && config.street) {
      alleys.addTo(map);
      overlayList[escapeHtml(text.alleysLayer)] = alleys;
      drawAlleys(map, alleys);
    }
    L.control.layers(null, overlayList, { collapsed: false, position: 'topleft' }).addTo(map);

    summary.textContent = heatData.points.length
      ? fmt(text.heatSummary, { cells: heatData.points.length, size: heatData.cell_m, max: heatData.max })
      : text.heatEmpty;
  }

  function escapeHtml(value) {
    const div = document.createElement('div');
    div.textContent = value;
    return div.innerHTML;
  }

  // The street's alleys as a thin backdrop with their names (names that would overlap are left out).
  async function drawAlleys(map, group) {
    try {
      const bbox = config.bbox.map((v) => Number(v).toFixed(6)).join(',');
      const response = await fetch(`${config.alleysUrl}?bbox=${bbox}&street=${config.street}`, {
        headers: { Accept: 'application/geo+json' }, credentials: 'same-origin',
      });
      if (!response.ok) return;
      const labels = [];
      L.geoJSON(await response.json(), {
        coordsToLatLng: (c) => toMap(c[0], c[1]),
        style: { color: '#24324a', weight: 3, opacity: 0.7 },
        pane: 'alleys',
        interactive: false,
        onEachFeature: (feature, layer) => {
          const name = feature.properties && feature.properties.name;
          if (!name) return;
          layer.bindTooltip(escapeHtml(name), { permanent: true, direction: 'center', className: 'alley-label', pane: 'alleys' });
          labels.push(layer);
        },
      }).addTo(group);
      const declutter = () => {
        const kept = [];
        labels.forEach((layer) => {
          const node = layer.getTooltip() && layer.getTooltip().getElement();
          if (!node) return;
          node.classList.remove('is-hidden');
          const box = node.getBoundingClientRect();
          const clash = kept.some((k) => !(box.right + 4 < k.left || box.left - 4 > k.right
            || box.bottom + 4 < k.top || box.top - 4 > k.bottom));
          if (clash) node.classList.add('is-hidden');
          else kept.push(box);
        });
      };
      declutter();
      map.on('zoomend moveend', declutter);
    } catch (e) { /* the alleys are only a backdrop */ }
  }

  loadCharts();
  loadMap();
}());

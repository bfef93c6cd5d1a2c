// Alley names on a Leaflet map, shared by the volunteer map and the chief's triage map: each name is centred on
// a point of its own line, and as many names are shown as fit without overlapping.
window.AlleyLabels = (function () {
  'use strict';
  const GAP = 6; // px kept free around each visible name
  // Where a name may sit on a line: its middle first, then further along.
  const SPOTS = [0.5, 0.3, 0.7, 0.15, 0.85, 0.05, 0.95];

  // Lengths on a local flat approximation (lon scaled by cos(lat)): enough to find points along a short line.
  function pointAt(latlngs, steps, total, t) {
    let left = total * t;
    for (let i = 0; i < steps.length; i += 1) {
      if (steps[i] >= left && steps[i] > 0) {
        const a = latlngs[i];
        const b = latlngs[i + 1];
        const f = left / steps[i];
        return L.latLng(a.lat + (b.lat - a.lat) * f, a.lng + (b.lng - a.lng) * f);
      }
      left -= steps[i];
    }
    return latlngs[latlngs.length - 1];
  }

  // The spots of the longest part of a line, and whether it runs more north-south than east-west.
  function along(parts) {
    const measured = parts.filter((p) => p.length > 1).map((latlngs) => {
      const k = Math.cos(latlngs[0].lat * Math.PI / 180);
      const steps = latlngs.slice(1).map((b, i) => Math.hypot((b.lng - latlngs[i].lng) * k, b.lat - latlngs[i].lat));
      const total = steps.reduce((sum, d) => sum + d, 0);
      const first = latlngs[0];
      const last = latlngs[latlngs.length - 1];
      const vertical = Math.abs(last.lat - first.lat) > Math.abs((last.lng - first.lng) * k);
      return { latlngs, total, vertical, spots: SPOTS.map((t) => pointAt(latlngs, steps, total, t)) };
    });
    return measured.reduce((best, m) => (m.total > best.total ? m : best));
  }

  // A name for the line drawn from `parts` (map coordinates), on the map; onClick when it is tapped.
  function create(map, id, text, parts, onClick) {
    const line = along(parts);
    const content = document.createElement('span');
    content.textContent = text;
    const label = L.tooltip({ permanent: true, direction: 'center', className: 'alley-label', opacity: 1,
      interactive: Boolean(onClick) }) // a name that does nothing lets taps through to what lies under it
      .setLatLng(line.spots[0]).setContent(content).addTo(map);
    const el = label.getElement();
    el.dataset.alleyId = String(id);
    if (onClick) el.addEventListener('click', onClick);
    const name = { label, along: line, box: null };
    // Leaflet centres a name by the size it had when placed: a name that grows later (the font arriving, large
    // text, selection) would hang off its line to one side. Centre it again whenever its size changes, and tell
    // the page (event 'alleylabelresize', once a frame) to place the names again, as they may overlap now.
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        name.box = null;
        label.update();
        if (!map.alleyLabelFrame) {
          map.alleyLabelFrame = requestAnimationFrame(() => { map.alleyLabelFrame = 0; map.fire('alleylabelresize'); });
        }
      }).observe(el);
    }
    return name;
  }

  // Show as many names as fit without overlapping, `first` (the selected one) before the others in their order;
  // each name takes the first of its spots that is on screen, free, and leaves the name wholly on its line.
  // Names never hide the map's buttons, nor what `keepClear` selects (the triage map's case markers).
  function place(map, names, first, keepClear) {
    const size = map.getSize();
    const origin = map.getContainer().getBoundingClientRect();
    const selector = keepClear ? `.leaflet-control, ${keepClear}` : '.leaflet-control';
    const placed = Array.from(map.getContainer().querySelectorAll(selector), (el) => {
      const r = el.getBoundingClientRect();
      return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
    });
    const order = first ? [first].concat(names.filter((n) => n !== first)) : names;
    order.forEach((name) => {
      const el = name.label.getElement();
      if (!el) return;
      if (!name.box) name.box = { w: el.offsetWidth / 2 + GAP, h: el.offsetHeight / 2 + GAP };
      const points = name.along.latlngs.map((ll) => map.latLngToContainerPoint(ll));
      const lengthPx = points.slice(1).reduce((sum, p, i) => sum + p.distanceTo(points[i]), 0);
      const half = (name.along.vertical ? name.box.h : name.box.w) - GAP; // half the name, along its line
      const boxes = name.along.spots.map((spot) => {
        const p = map.latLngToContainerPoint(spot);
        return [p.x - name.box.w, p.y - name.box.h, p.x + name.box.w, p.y + name.box.h];
      });
      const onLine = (i) => Math.min(SPOTS[i], 1 - SPOTS[i]) * lengthPx >= half;
      const inView = (b) => b[0] >= 0 && b[1] >= 0 && b[2] <= size.x && b[3] <= size.y;
      const free = (b) => !placed.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
      let i = boxes.findIndex((b, n) => onLine(n) && inView(b) && free(b));
      if (i < 0 && name === first) i = Math.max(0, boxes.findIndex(inView));
      el.classList.toggle('is-hidden', i < 0);
      if (i < 0) return;
      placed.push(boxes[i]);
      if (!name.label.getLatLng().equals(name.along.spots[i])) name.label.setLatLng(name.along.spots[i]);
    });
  }

  return { create, place };
}());

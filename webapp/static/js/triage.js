// The chief's triage screen: the queue (polled), its map and the open case's file with its steps (Leaflet, no build step).
// Without this script the page is a plain list of links to the case files; with it the three parts share the screen.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const config = JSON.parse($('triage-config').textContent);
  const text = JSON.parse($('triage-text').textContent);
  const root = document.documentElement;
  root.classList.add('triage-live');
  const lang = root.lang || 'zh-Hans';
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const wide = window.matchMedia('(min-width: 900px)');

  const listEl = $('queue-list');
  const emptyEl = $('queue-empty');
  const updatedEl = $('queue-updated');
  const truncatedEl = $('queue-truncated');
  const filtersForm = $('queue-filters');
  const pane = $('triage-pane');
  const paneBody = $('pane-body');
  const paneMessage = $('pane-message');
  const help = $('triage-help');
  $('triage-map').hidden = false;
  pane.hidden = false;
  $('queue-keys').hidden = !window.matchMedia('(hover: hover) and (pointer: fine)').matches;

  const state = { cases: config.cases, counts: config.counts, cursorId: null, openId: null, ids: '' };

  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // --- filters ----------------------------------------------------------------------------------------
  function filterParams() {
    const params = new URLSearchParams();
    new FormData(filtersForm).forEach((value, name) => { if (value !== '') params.set(name, value); });
    return params;
  }
  function isFiltered() {
    return Array.from(filterParams().keys()).length > 0;
  }
  function rememberInUrl() {
    const params = filterParams();
    if (state.openId) params.set('case', state.openId);
    const query = params.toString();
    window.history.replaceState(null, '', config.pageUrl + (query ? `?${query}` : ''));
  }
  function applyFilters() {
    rememberInUrl();
    listEl.scrollTop = 0; // other cases: from the top
    fitNext = true;
    refresh();
  }
  const chips = Array.from(filtersForm.querySelectorAll('.chip'));
  chips.forEach((chip) => chip.addEventListener('click', (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    filtersForm.elements.status.value = chip.dataset.status;
    chips.forEach((c) => (c === chip ? c.setAttribute('aria-current', 'true') : c.removeAttribute('aria-current')));
    applyFilters();
  }));
  // The status chips are one row swiped sideways on a tablet: a fade and an arrow at each end with more to see.
  const chipScroll = $('chip-scroll');
  const chipRow = chipScroll.querySelector('.chip-row');
  function chipArrow(side, label) {
    const button = el('button', `chip-arrow chip-arrow-${side}`, side === 'start' ? '‹' : '›');
    button.type = 'button';
    button.tabIndex = -1; // the chips themselves are reached by Tab and scroll into view
    button.setAttribute('aria-hidden', 'true');
    button.title = label;
    button.addEventListener('click', () => chipRow.scrollBy({
      left: (side === 'start' ? -1 : 1) * chipRow.clientWidth * 0.7, behavior: calm ? 'auto' : 'smooth' }));
    chipScroll.append(button);
  }
  chipArrow('start', text.earlierStatuses);
  chipArrow('end', text.moreStatuses);
  function showChipOverflow() {
    const left = chipRow.scrollLeft;
    chipScroll.classList.toggle('has-more-start', left > 1);
    chipScroll.classList.toggle('has-more-end', left + chipRow.clientWidth < chipRow.scrollWidth - 1);
  }
  chipRow.addEventListener('scroll', showChipOverflow, { passive: true });
  if (window.ResizeObserver) new ResizeObserver(showChipOverflow).observe(chipRow);
  showChipOverflow();
  filtersForm.addEventListener('change', applyFilters);
  filtersForm.addEventListener('submit', (event) => { event.preventDefault(); applyFilters(); });

  function renderCounts() {
    filtersForm.querySelectorAll('[data-count]').forEach((node) => {
      const key = node.dataset.count;
      const value = key === 'total' || key === 'overdue' ? state.counts[key] : state.counts.by_status[key];
      node.textContent = String(value === undefined ? 0 : value);
    });
  }

  // --- the queue --------------------------------------------------------------------------------------
  function fillRow(li, c) {
    const open = c.id === state.openId;
    li.className = `queue-row${c.overdue ? ' is-overdue' : ''} priority-${c.priority}${open ? ' is-open' : ''}`;
    li.dataset.id = c.id;
    let link = li.firstElementChild;
    if (!link) {
      link = el('a', 'queue-link');
      li.append(link);
    }
    link.href = c.url;
    link.dataset.id = c.id;
    if (open) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');

    const place = el('span', 'queue-place', `${c.alley || text.noAlley} · `);
    place.append(el('span', 'queue-age', c.age_text));
    if (c.follower_count) {
      place.append(' · ', el('span', 'queue-followers', fmt(text.followers, { count: c.follower_count })));
    }
    const marks = el('span', 'queue-marks');
    const badge = el('span', `status-badge status-${c.status}`, c.status_short);
    badge.title = c.status_label;
    marks.append(badge);
    if (c.overdue) {
      const late = c.whistles.filter((w) => w.overdue).map((w) => w.department_name).join('、');
      const mark = el('span', 'overdue-mark', text.overdue);
      mark.title = fmt(text.overdueTitle, { departments: late });
      marks.append(mark);
    }
    const main = el('span', 'queue-main');
    main.append(el('span', 'queue-category', c.category_name), place, marks);
    const parts = [el('span', 'queue-number', `#${c.id}`), main];
    if (c.priority !== 'normal') {
      const priority = el('span', `priority-mark priority-${c.priority}`, c.priority_label);
      priority.title = c.priority_label;
      parts.push(priority);
    }
    link.replaceChildren(...parts);
  }

  function renderList() {
    const ids = state.cases.map((c) => c.id).join(',');
    if (ids === state.ids && listEl.children.length === state.cases.length) {
      // Same cases in the same order: update the rows in place, so focus and scrolling stay as they are.
      state.cases.forEach((c, i) => fillRow(listEl.children[i], c));
    } else {
      const scroll = listEl.scrollTop;
      const focused = listEl.contains(document.activeElement) ? Number(document.activeElement.dataset.id) : null;
      const cursorIndex = state.ids.split(',').indexOf(String(state.cursorId));
      listEl.replaceChildren(...state.cases.map((c) => {
        const li = el('li');
        fillRow(li, c);
        return li;
      }));
      listEl.scrollTop = scroll;
      if (state.cursorId !== null && !state.cases.some((c) => c.id === state.cursorId)) {
        // The case left the queue (rejected, merged...): the cursor stays at its place, on the next one.
        const next = state.cases[Math.min(Math.max(cursorIndex, 0), state.cases.length - 1)];
        state.cursorId = next ? next.id : null;
      }
      if (focused !== null) {
        // Focus was on a row: back on it, or on the next one if its case left the queue.
        const again = rowLink(state.cases.some((c) => c.id === focused) ? focused : state.cursorId);
        if (again) again.focus({ preventScroll: true });
      }
      state.ids = ids;
    }
    emptyEl.hidden = state.cases.length > 0;
    emptyEl.textContent = isFiltered() ? text.emptyFiltered : text.emptyQueue;
  }

  function rowLink(id) {
    return listEl.querySelector(`.queue-link[data-id="${id}"]`);
  }

  listEl.addEventListener('click', (event) => {
    const link = event.target.closest('.queue-link');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openCase(Number(link.dataset.id), { focusPane: true });
  });
  listEl.addEventListener('focusin', (event) => {
    const link = event.target.closest('.queue-link');
    if (link) state.cursorId = Number(link.dataset.id);
  });

  // --- the map ----------------------------------------------------------------------------------------
  const shiftToGcj = config.tileCrs === 'gcj02';
  function toMap(lon, lat) {
    const p = shiftToGcj && window.AlleyCRS ? window.AlleyCRS.wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(p[1], p[0]);
  }
  const map = L.map('triage-map-canvas', {
    zoomControl: false, minZoom: 5, maxZoom: 19, zoomSnap: 0.25,
    zoomAnimation: !calm, fadeAnimation: !calm, markerZoomAnimation: !calm,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.control.zoom({ position: 'topright', zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  window.AlleyBasemap.add(map, config);
  const ShowAll = L.Control.extend({
    onAdd() {
      const button = L.DomUtil.create('button', 'map-button');
      button.type = 'button';
      button.textContent = text.showAll;
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, 'click', () => fitCases());
      return button;
    },
  });
  new ShowAll({ position: 'topleft' }).addTo(map);
  const alleyLayer = L.layerGroup().addTo(map);
  const caseLayer = L.layerGroup().addTo(map);
  const markers = new Map();
  let fitNext = true;

  function streetBounds() {
    const boxes = config.streets.filter((s) => s.bbox);
    if (!boxes.length) return null;
    const bounds = L.latLngBounds([]);
    boxes.forEach((s) => {
      bounds.extend(toMap(s.bbox[0], s.bbox[1]));
      bounds.extend(toMap(s.bbox[2], s.bbox[3]));
    });
    return bounds;
  }
  function fitCases() {
    if (markers.size) {
      const bounds = L.latLngBounds(Array.from(markers.values(), (m) => m.getLatLng()));
      map.fitBounds(bounds, { padding: [48, 48], maxZoom: 17, animate: !calm });
    } else if (streetBounds()) {
      map.fitBounds(streetBounds(), { padding: [16, 16], animate: !calm });
    } else {
      map.setView(toMap(116.41, 39.93), 14); // Dongcheng, when there is nothing to show
    }
  }

  function iconFor(c) {
    const classes = ['case-marker'];
    if (c.overdue) classes.push('is-overdue');
    if (c.id === state.openId) classes.push('is-open');
    return L.divIcon({
      className: classes.join(' '), html: `<span class="case-dot">${c.overdue ? '!' : ''}</span>`,
      iconSize: [44, 44], iconAnchor: [22, 22],
    });
  }
  function renderMarkers() {
    const seen = new Set();
    state.cases.forEach((c) => {
      seen.add(c.id);
      const title = `#${c.id} ${c.category_name} · ${c.alley || text.noAlley}${c.overdue ? ` · ${text.overdue}` : ''}`;
      let marker = markers.get(c.id);
      if (!marker) {
        marker = L.marker(toMap(c.lon, c.lat), { icon: iconFor(c), title, keyboard: false, riseOnHover: true });
        marker.on('click', () => openCase(c.id, { scrollList: true }));
        marker.addTo(caseLayer);
        markers.set(c.id, marker);
      } else {
        marker.options.title = title;
        marker.setLatLng(toMap(c.lon, c.lat));
        marker.setIcon(iconFor(c));
      }
      marker.setZIndexOffset(c.id === state.openId ? 2000 : c.overdue ? 1000 : 0);
    });
    markers.forEach((marker, id) => {
      if (!seen.has(id)) {
        marker.remove();
        markers.delete(id);
      }
    });
    if (fitNext) {
      fitNext = false;
      fitCases();
    }
    placeAlleyNames(); // names keep clear of the markers
  }

  // The streets' alleys with their names, under the cases (for a chief's one or few streets, not an admin's all).
  const alleyNames = [];
  const placeAlleyNames = () => window.AlleyLabels.place(map, alleyNames, null, '.leaflet-marker-icon');
  map.on('zoomend moveend resize alleylabelresize', placeAlleyNames);
  async function drawAlleys() {
    if (!config.streets.length || config.streets.length > config.mapStreets) return;
    await Promise.all(config.streets.map(async (street) => {
      try {
        const url = `${config.alleysUrl}?bbox=${street.bbox.map((v) => v.toFixed(6)).join(',')}&street=${street.id}`;
        const response = await fetch(url, { headers: { Accept: 'application/geo+json' } });
        if (!response.ok) return;
        (await response.json()).features.forEach((f) => {
          const g = f.geometry;
          const parts = (g.type === 'MultiLineString' ? g.coordinates : [g.coordinates])
            .map((part) => part.map((c) => toMap(c[0], c[1])));
          const line = L.polyline(parts, { color: '#5f6673', weight: 4, opacity: 0.7, className: 'queue-alley-line',
            interactive: false }).addTo(alleyLayer);
          line.getElement().dataset.alleyId = String(f.id);
          alleyNames.push(window.AlleyLabels.create(map, f.id, f.properties.name, parts, null));
        });
      } catch (e) { /* the alleys are only a backdrop */ }
    }));
    alleyNames.sort((a, b) => b.along.total - a.along.total); // the longest alleys named first
    placeAlleyNames();
  }

  // --- polling ----------------------------------------------------------------------------------------
  let inflight = null;
  let timer = null;
  let stopped = false;

  function showUpdated(message, isError, link) {
    updatedEl.replaceChildren(message);
    if (link) updatedEl.append(' ', link);
    updatedEl.classList.toggle('is-error', Boolean(isError));
    if (isError) updatedEl.setAttribute('role', 'alert');
    else updatedEl.removeAttribute('role'); // every 20 s: not announced unless something is wrong
  }
  function signInLink() {
    const a = el('a', 'case-link', text.signIn);
    a.href = `/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
    return a;
  }

  // When it was last refreshed; on a flaky connection the last good list stays, retried with back-off.
  const freshness = window.AlleyRefreshStatus.create({ text, lang, pollSeconds: config.pollSeconds, show: showUpdated });

  function render(body) {
    state.cases = body.cases;
    state.counts = body.counts;
    renderCounts();
    renderList();
    renderMarkers();
    truncatedEl.hidden = !body.truncated;
    freshness.succeeded(body.generated_at);
  }

  function schedule() {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => { if (!document.hidden) refresh(); }, freshness.nextDelayMs());
  }

  async function refresh() {
    clearTimeout(timer);
    if (inflight) inflight.abort();
    const controller = new AbortController();
    inflight = controller;
    try {
      const response = await fetch(`${config.queueUrl}?${filterParams()}`, {
        headers: { Accept: 'application/json' }, signal: controller.signal, cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        stopped = true; // signed out, or no longer a chief: asking again will not help
        showUpdated(response.status === 401 ? text.signedOut : text.forbidden, true,
          response.status === 401 ? signInLink() : null);
        return;
      }
      const body = await response.json();
      if (!response.ok) {
        freshness.failed(body.error && body.error.message);
        return;
      }
      if (controller === inflight) render(body);
    } catch (e) {
      if (e.name === 'AbortError') return;
      freshness.failed(); // no connection, or an answer that is not the queue (a proxy's error page)
    } finally {
      if (controller === inflight) {
        inflight = null;
        schedule();
      }
    }
  }
  window.addEventListener('online', () => { if (!stopped) refresh(); }); // back at once, not after the back-off
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer); // no polling in a background tab or a sleeping tablet
    else if (!stopped) refresh();
  });

  // --- the open case ----------------------------------------------------------------------------------
  let paneRequest = null;

  function showPaneMessage(message, isError, link) {
    paneMessage.replaceChildren(message || '');
    if (link) paneMessage.append(' ', link);
    paneMessage.classList.toggle('is-error', Boolean(isError));
    paneMessage.hidden = !message;
  }
  function setBusy(busy) {
    if (busy) pane.setAttribute('aria-busy', 'true');
    else pane.removeAttribute('aria-busy');
  }
  // The fragment as it is; a whole page (an error page, or the page before ?pane=1 existed): its <main>.
  function fragmentOf(html) {
    if (!/^\s*(<!doctype|<html)/i.test(html)) return html;
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const main = doc.querySelector('main');
    return (main || doc.body).innerHTML;
  }
  function signedOut(response) {
    return response.redirected && new URL(response.url).pathname === '/login';
  }
  function isHtml(response) {
    return (response.headers.get('Content-Type') || '').startsWith('text/html');
  }
  function focusPane() {
    const problem = paneBody.querySelector('#case-error');
    if (problem) {
      problem.focus({ preventScroll: true });
      problem.scrollIntoView({ block: 'nearest' });
    } else {
      paneBody.focus({ preventScroll: true });
    }
  }

  function markOpen() {
    listEl.querySelectorAll('.queue-row').forEach((li) => {
      const open = Number(li.dataset.id) === state.openId;
      li.classList.toggle('is-open', open);
      const link = li.firstElementChild;
      if (open) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    });
    renderMarkers();
  }

  async function openCase(id, options = {}) {
    state.openId = id;
    state.cursorId = id;
    markOpen();
    rememberInUrl();
    if (options.scrollList && rowLink(id)) rowLink(id).scrollIntoView({ block: 'nearest' });
    if (paneRequest) paneRequest.abort();
    const controller = new AbortController();
    paneRequest = controller;
    setBusy(true);
    showPaneMessage(text.loadingCase);
    try {
      const response = await fetch(`${config.reportUrl}${id}?pane=1`, {
        headers: { 'X-Requested-With': 'fetch', Accept: 'text/html' }, signal: controller.signal,
      });
      const html = await response.text();
      if (controller !== paneRequest) return;
      if (signedOut(response)) {
        showPaneMessage(text.signedOut, true, signInLink());
        return;
      }
      if (!isHtml(response)) throw new Error(`HTTP ${response.status}`);
      paneBody.innerHTML = fragmentOf(html);
      showPaneMessage('');
      pane.scrollTop = 0;
      if (!wide.matches) pane.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
      if (options.focusPane) focusPane();
    } catch (e) {
      if (e.name === 'AbortError') return;
      showPaneMessage(text.loadFailed, true);
    } finally {
      if (controller === paneRequest) {
        paneRequest = null;
        setBusy(false);
      }
    }
  }

  // A step's form in the pane is sent with fetch; the answer is the case file again (with the error, if refused).
  paneBody.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    event.preventDefault();
    sendStep(form, event.submitter);
  });

  // Another case named in the file (a merge, a duplicate) opens here too; photos open beside the screen.
  paneBody.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || (url.hash && url.pathname === window.location.pathname)) return;
    const other = url.pathname.match(/^\/reports\/(\d+)$/);
    if (other) {
      event.preventDefault();
      openCase(Number(other[1]), { focusPane: true, scrollList: true });
    } else if (url.pathname.includes('/photos/')) {
      link.target = '_blank';
      link.rel = 'noopener';
    }
  });

  async function sendStep(form, submitter) {
    if (form.dataset.sending) return;
    const caseId = state.openId;
    const action = submitter && submitter.hasAttribute('formaction') ? submitter.formAction : form.action;
    let body;
    try { body = new FormData(form, submitter || null); } catch (e) { body = new FormData(form); }
    const buttons = Array.from(form.querySelectorAll('button, input[type="submit"]')).filter((b) => !b.disabled);
    form.dataset.sending = '1';
    buttons.forEach((b) => { b.disabled = true; });
    setBusy(true);
    showPaneMessage(text.sending);
    try {
      const response = await fetch(action + (action.includes('?') ? '&' : '?') + 'pane=1', {
        method: 'POST', body, headers: { 'X-Requested-With': 'fetch', 'X-CSRFToken': csrf() },
      });
      const html = await response.text();
      if (signedOut(response)) {
        showPaneMessage(text.signedOut, true, signInLink());
        buttons.forEach((b) => { b.disabled = false; });
        return;
      }
      if (response.status >= 500 || !isHtml(response)) throw new Error(`HTTP ${response.status}`);
      refresh();
      if (state.openId !== caseId) return; // another case was opened meanwhile: leave it in the pane
      paneBody.innerHTML = fragmentOf(html);
      showPaneMessage('');
      pane.scrollTop = 0;
      focusPane();
    } catch (e) {
      // Nothing came back that could be shown: the form stays, with what was typed in it.
      showPaneMessage(text.sendFailed, true);
      buttons.forEach((b) => { b.disabled = false; });
    } finally {
      delete form.dataset.sending;
      setBusy(false);
    }
  }

  // --- keyboard (desktop) -----------------------------------------------------------------------------
  const STEP_KEYS = { w: 'whistle', r: 'resolve', x: 'reject', m: 'merge' };
  const NOT_TYPING = ['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color', 'range'];

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.closest('textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
    return target.tagName === 'INPUT' && !NOT_TYPING.includes(target.type);
  }
  function arrowsAreOurs(target) {
    // Arrow keys stay the browser's in the case file (scrolling, radio groups) and on the map.
    return target === document.body || target === root || listEl.contains(target);
  }
  function move(delta) {
    const links = Array.from(listEl.querySelectorAll('.queue-link'));
    if (!links.length) return;
    let i = links.findIndex((a) => Number(a.dataset.id) === state.cursorId);
    i = i < 0 ? (delta > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, i + delta));
    state.cursorId = Number(links[i].dataset.id);
    links[i].focus({ preventScroll: true });
    links[i].scrollIntoView({ block: 'nearest' });
  }
  function stepForm(step) {
    if (!state.openId) {
      showPaneMessage(text.openFirst, true);
      return null;
    }
    const form = paneBody.querySelector(`#step-${step}`);
    if (!form) showPaneMessage(text.stepUnavailable, true);
    return form;
  }
  function goToStep(step) {
    const form = stepForm(step);
    if (!form) return;
    showPaneMessage('');
    form.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
    const field = form.querySelector('textarea, select, input:not([type="hidden"]):not([disabled]), button');
    if (field) field.focus({ preventScroll: true });
    form.classList.add('is-target');
    form.addEventListener('focusout', function off(event) {
      if (form.contains(event.relatedTarget)) return;
      form.classList.remove('is-target');
      form.removeEventListener('focusout', off);
    });
  }
  function accept() {
    const form = stepForm('accept');
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
  }
  function focusFilters() {
    const current = chips.find((c) => c.getAttribute('aria-current') === 'true') || chips[0];
    current.focus();
  }

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || help.open) return;
    const target = event.target;
    if (isTyping(target)) {
      if (event.key === 'Escape') target.blur(); // out of a field, the shortcuts work again
      return;
    }
    switch (event.key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'ArrowDown':
        if (!arrowsAreOurs(target)) return;
        move(1);
        break;
      case 'ArrowUp':
        if (!arrowsAreOurs(target)) return;
        move(-1);
        break;
      case 'Enter':
        // On a row, a link or a button Enter is the browser's (a row's click opens it); elsewhere it opens the row.
        if (target !== document.body && target !== root && target !== paneBody) return;
        if (state.cursorId) openCase(state.cursorId, { focusPane: true, scrollList: true });
        break;
      case 'a': accept(); break;
      case '/': focusFilters(); break;
      case '?': help.showModal(); break;
      default:
        if (!STEP_KEYS[event.key]) return;
        goToStep(STEP_KEYS[event.key]);
    }
    event.preventDefault();
  });
  document.querySelectorAll('[data-help]').forEach((b) => b.addEventListener('click', () => help.showModal()));

  // --- start ------------------------------------------------------------------------------------------
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize()).observe($('triage-map-canvas'));
  state.ids = Array.from(listEl.children, (li) => li.dataset.id).join(',');
  render({ cases: config.cases, counts: config.counts, generated_at: config.generatedAt,
    truncated: !truncatedEl.hidden });
  drawAlleys();
  const chosen = chips.find((c) => c.getAttribute('aria-current') === 'true');
  if (chosen && chosen !== chips[0]) chosen.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const asked = Number(new URLSearchParams(window.location.search).get('case'));
  if (asked) openCase(asked, { scrollList: true });
  schedule();
}());

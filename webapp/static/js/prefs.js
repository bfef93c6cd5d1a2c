// Display preferences (text size, high contrast): the account's when signed in, this device's otherwise; runs in <head>.
(function () {
  'use strict';
  const KEY = 'alleys.display';
  const OLD_KEY = 'alleys.largeText'; // the single 112.5% step of before: read once as "Large"
  const SCALES = [100, 130, 160];
  const root = document.documentElement;
  const accountUrl = root.dataset.displayAccount; // rendered only for a signed-in person: the account is the source
  root.classList.add('js');

  function current() {
    return { text_scale: Number(root.dataset.textScale) || 100, high_contrast: root.classList.contains('high-contrast') };
  }
  function apply(settings) {
    root.classList.remove('large-text', 'text-130', 'text-160', 'high-contrast');
    if (settings.text_scale !== 100) root.classList.add('large-text', 'text-' + settings.text_scale);
    if (settings.high_contrast) root.classList.add('high-contrast');
    root.dataset.textScale = String(settings.text_scale);
  }
  function fromDevice() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(KEY) || 'null');
      if (saved && SCALES.indexOf(saved.text_scale) >= 0) return { text_scale: saved.text_scale, high_contrast: !!saved.high_contrast };
      if (window.localStorage.getItem(OLD_KEY) === '1') return { text_scale: 130, high_contrast: false };
    } catch (e) { /* storage blocked or garbled: the normal size */ }
    return null;
  }
  function remember(settings) {
    try { window.localStorage.setItem(KEY, JSON.stringify(settings)); } catch (e) { /* storage blocked: no memory */ }
  }

  if (accountUrl) remember(current()); // the device follows the account, also for when nobody is signed in
  else if (fromDevice()) apply(fromDevice());

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }
  // Applies at once, keeps it on the device, and saves it with the account when there is one.
  function change(settings) {
    const before = current();
    apply(settings);
    remember(settings);
    if (before.text_scale !== settings.text_scale) {
      document.dispatchEvent(new CustomEvent('alleys:textsize',
        { detail: { large: settings.text_scale !== 100, scale: settings.text_scale } }));
    }
    if (!accountUrl) return Promise.resolve('device');
    return fetch(accountUrl, { method: 'POST', credentials: 'same-origin', body: JSON.stringify(settings),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf() } })
      .then((response) => { if (!response.ok) throw new Error(String(response.status)); return 'account'; });
  }

  function wireSizeButton() {
    const button = document.getElementById('text-size-toggle');
    if (!button) return;
    const show = () => button.setAttribute('aria-pressed', String(current().text_scale !== 100));
    show();
    button.addEventListener('click', () => {
      const next = SCALES[(SCALES.indexOf(current().text_scale) + 1) % SCALES.length];
      change({ text_scale: next, high_contrast: current().high_contrast }).catch(() => { /* kept on the device */ });
      show();
    });
  }

  // The phone header's menu: the account links behind one button, so the header stays one row.
  function wireMenu() {
    const button = document.getElementById('menu-toggle');
    const menu = button && document.getElementById(button.getAttribute('aria-controls'));
    if (!menu) return;
    const open = (yes) => { button.setAttribute('aria-expanded', String(yes)); menu.classList.toggle('is-open', yes); };
    button.addEventListener('click', () => open(button.getAttribute('aria-expanded') !== 'true'));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && menu.classList.contains('is-open')) { open(false); button.focus(); }
    });
    document.addEventListener('click', (event) => {
      if (!menu.contains(event.target) && !button.contains(event.target)) open(false);
    });
  }

  // The Display page: a choice applies at once (the page shows what it looks like); Save confirms.
  function wireDisplayForm() {
    const form = document.getElementById('display-form');
    if (!form) return;
    const status = document.getElementById('display-status');
    const chosen = () => ({ text_scale: Number(form.querySelector('input[name=text_scale]:checked').value),
      high_contrast: form.querySelector('input[name=high_contrast]').checked });
    if (!accountUrl) { // signed out: the page was rendered with the defaults, the device may know better
      const here = current();
      form.querySelector(`input[name=text_scale][value="${here.text_scale}"]`).checked = true;
      form.querySelector('input[name=high_contrast]').checked = here.high_contrast;
    }
    const say = (text) => { status.textContent = text; status.hidden = false; };
    const save = () => change(chosen())
      .then((where) => say(where === 'account' ? form.dataset.saved : form.dataset.savedHere))
      .catch(() => say(form.dataset.failed));
    form.addEventListener('change', save);
    form.addEventListener('submit', (event) => { event.preventDefault(); save(); });
  }

  document.addEventListener('DOMContentLoaded', () => { wireSizeButton(); wireMenu(); wireDisplayForm(); });
}());

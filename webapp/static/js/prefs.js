// Display preferences: applies the remembered large-text mode early and wires its toggle button.
(function () {
  'use strict';
  const KEY = 'alleys.largeText';
  const root = document.documentElement;
  let stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage blocked: no memory */ }
  if (stored === '1') root.classList.add('large-text');

  document.addEventListener('DOMContentLoaded', function () {
    const button = document.getElementById('text-size-toggle');
    if (!button) return;
    button.setAttribute('aria-pressed', String(root.classList.contains('large-text')));
    button.addEventListener('click', function () {
      const on = root.classList.toggle('large-text');
      button.setAttribute('aria-pressed', String(on));
      try { window.localStorage.setItem(KEY, on ? '1' : '0'); } catch (e) { /* ignore */ }
      document.dispatchEvent(new CustomEvent('alleys:textsize', { detail: { large: on } }));
    });
  });
}());

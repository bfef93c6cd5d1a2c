// The officer's whistles page: the countdowns tick every 30 s, and 报到 sends the phone's position with it
// when the phone gives one within 8 s. Without this script the page works the same, minus both.
(function () {
  'use strict';
  const TICK_MS = 30 * 1000;
  const POSITION_WAIT_MS = 8 * 1000;
  const source = document.getElementById('department-text');
  const text = source ? JSON.parse(source.textContent) : {};
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);

  // Counted from the server's time when it made the page (data-generated-at), plus the time the page has been
  // open: the phone's own clock may be wrong, and must not make a whistle look overdue or not.
  const loadedAt = performance.now();
  const page = document.querySelector('[data-generated-at]');
  const generatedAt = page ? Date.parse(page.dataset.generatedAt) : NaN;
  const clocks = Array.from(document.querySelectorAll('[data-countdown]')).map((el) => ({
    el, dueAt: Date.parse(el.dataset.dueAt), label: el.querySelector('[data-countdown-text]'),
  })).filter((c) => c.label && Number.isFinite(c.dueAt));

  function tick() {
    const serverNow = generatedAt + (performance.now() - loadedAt);
    clocks.forEach(({ el, dueAt, label }) => {
      // As the server rounds: whole minutes left rounded up, overdue minutes rounded up (so 0 < "overdue by 1").
      const seconds = (dueAt - serverNow) / 1000;
      const overdue = seconds < 0;
      const minutes = Math.ceil(Math.abs(seconds) / 60);
      label.textContent = fmt(overdue ? text.overdueBy : text.minutesLeft, { minutes });
      el.classList.toggle('is-overdue', overdue);
      const card = el.closest('.dept-card');
      if (card) card.classList.toggle('is-overdue', overdue);
    });
  }
  if (clocks.length && Number.isFinite(generatedAt) && text.minutesLeft && text.overdueBy) {
    window.setInterval(tick, TICK_MS);
  }

  // 报到: ask for the position, then send the form with it, or without it if refused, failing or slow.
  document.querySelectorAll('form[data-on-site]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (form.dataset.sending || !navigator.geolocation) return; // a second tap, or no GPS: send as it is
      event.preventDefault();
      form.dataset.sending = '1';
      const button = form.querySelector('button[type="submit"]');
      const status = form.querySelector('[data-geo-status]');
      // What is happening shows on the button itself (large, where the finger is) and is read out.
      const say = (message) => {
        if (!message) return;
        if (button) button.textContent = message;
        if (status) status.textContent = message;
      };
      if (button) button.disabled = true;
      say(text.locating);
      let sent = false;
      const send = (position) => {
        if (sent) return;
        sent = true;
        if (position) {
          ['lon', 'lat'].forEach((name) => {
            const input = form.querySelector(`[data-${name}]`);
            input.value = String(name === 'lon' ? position.coords.longitude : position.coords.latitude);
            input.disabled = false;
          });
        }
        say(text.sending);
        form.submit(); // no submit event: this handler does not run again
      };
      // The browser's own timeout does not count the time the permission question stays open: ours does.
      window.setTimeout(() => send(null), POSITION_WAIT_MS);
      navigator.geolocation.getCurrentPosition(send, () => send(null),
        { enableHighAccuracy: true, timeout: POSITION_WAIT_MS, maximumAge: 60 * 1000 });
    });
  });

  // Back from another page through the browser's page cache: parts and clocks may have moved on meanwhile.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();
  });
})();

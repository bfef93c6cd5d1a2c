// How fresh a polled list is, in one line: "Updated 14:05", and when a refresh fails the list stays with
// "showing the list of 14:05 (3 min ago)" and why (offline, or the connection failed), retried with back-off.
// Used by the chief's queue (js/triage.js); it keeps no list itself, it only says and times.
(function () {
  'use strict';
  const FIRST_RETRY_MS = 5000;
  const LONGEST_WAIT_MS = 5 * 60 * 1000;
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);

  // text: updated, justNow, staleOffline, staleFailed (with %(time)s, %(ago)s, %(seconds)s); show(message, isError).
  function create({ text, lang, pollSeconds, show }) {
    let lastGood = null; // {at: the server's time of the list, seenAt: when this tablet got it}
    let failures = 0;
    const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });

    const clock = (iso) => new Date(iso).toLocaleTimeString(lang, {
      hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai', // Beijing time, as every page
    });
    function ago() {
      const minutes = Math.floor((Date.now() - lastGood.seenAt) / 60000);
      if (minutes < 1) return text.justNow;
      return minutes < 60 ? rtf.format(-minutes, 'minute') : rtf.format(-Math.floor(minutes / 60), 'hour');
    }

    // Back-off on failure: 5 s, 10 s, 20 s ... up to 5 min; the usual poll when all is well.
    function nextDelayMs() {
      if (!failures) return pollSeconds * 1000;
      return Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LONGEST_WAIT_MS);
    }

    function say() {
      if (!failures) {
        if (lastGood) show(fmt(text.updated, { time: clock(lastGood.at) }), false);
        return;
      }
      const values = { time: lastGood ? clock(lastGood.at) : '', ago: lastGood ? ago() : '',
        seconds: Math.round(nextDelayMs() / 1000) };
      show(fmt(navigator.onLine ? text.staleFailed : text.staleOffline, values), true);
    }

    function succeeded(generatedAt) {
      lastGood = { at: generatedAt, seenAt: Date.now() };
      failures = 0;
      say();
    }
    // message: the server's reason, when it gave one (shown as it is, the list kept all the same).
    function failed(message) {
      failures += 1;
      if (message) show(message, true);
      else say();
    }

    setInterval(() => { if (failures) say(); }, 30000); // "3 min ago" keeps counting while it fails
    window.addEventListener('offline', () => { if (failures) say(); });
    return { succeeded, failed, nextDelayMs, isFailing: () => failures > 0 };
  }

  window.AlleyRefreshStatus = { create };
}());

// The bell on every signed-in page: its unread count kept live (asked every 30 s while the page is seen, and at
// once when the page comes back or the service worker shows a push); on the inbox page the list follows it.
(function () {
  'use strict';
  const bell = document.getElementById('bell');
  const badge = bell && bell.querySelector('[data-bell-count]');
  if (!badge || !window.fetch) return;

  const POLL_MS = 30000;
  const fmt = (template, count) => (template || '%(count)s').replace('%(count)s', String(count));
  const asked = { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
  let count = badge.hidden ? 0 : parseInt(badge.textContent, 10) || 0;
  let timer = null;
  let stopped = false; // signed out in another tab: asking again would only fail

  async function getJson(url) {
    const response = await fetch(url, asked);
    if (response.status === 401 || response.status === 403) stopped = true;
    return response.ok ? response.json() : null;
  }

  // --- the inbox page: the list as the API has it, in the server's markup ---------------------------------
  const inboxText = (document.getElementById('inbox-summary') || { dataset: {} }).dataset;

  function inboxUrl() {
    const inbox = document.getElementById('inbox');
    if (!inbox || !inbox.dataset.listUrl) return null;
    const url = new URL(inbox.dataset.listUrl, window.location.href);
    const before = new URLSearchParams(window.location.search).get('before'); // an older page stays that page
    if (before) url.searchParams.set('before', before);
    return url;
  }

  // As the server's "short" Beijing time: 3月5日 09:30, or 5 Mar, 09:30.
  function shortTime(iso) {
    const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`); // naive times are UTC
    const english = (document.documentElement.lang || '').startsWith('en');
    const parts = {};
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', month: english ? 'short' : 'numeric',
      day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date).forEach((part) => { parts[part.type] = part.value; });
    const clock = `${parts.hour}:${parts.minute}`;
    return english ? `${parts.day} ${parts.month}, ${clock}` : `${parts.month}月${parts.day}日 ${clock}`;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function newRow(item) {
    const li = el('li', 'inbox-item');
    li.dataset.id = String(item.id);
    const link = el('a', 'inbox-link');
    link.href = `${new URL(bell.href).pathname}/${item.id}`; // /notifications/<id>: marks it read, opens the case
    const time = el('time', 'inbox-time', shortTime(item.created_at));
    time.dateTime = item.created_at;
    link.append(el('span', 'inbox-title', item.title), el('span', 'inbox-body', item.body), time);
    li.appendChild(link);
    return li;
  }

  function markRow(li, read) {
    li.classList.toggle('is-unread', !read);
    const link = li.querySelector('.inbox-link');
    let hint = link.querySelector('.visually-hidden');
    if (read && hint) hint.remove();
    if (!read && !hint && inboxText.unreadLabel) {
      hint = el('span', 'visually-hidden', inboxText.unreadLabel);
      link.appendChild(hint);
    }
  }

  function showSummary(unread) {
    const summary = document.getElementById('inbox-summary');
    if (!summary || !inboxText.unreadText) return;
    summary.textContent = unread ? fmt(inboxText.unreadText, unread) : inboxText.allRead;
  }

  function renderList(items) {
    let list = document.getElementById('inbox');
    if (!items.length && list.tagName !== 'UL') return;
    if (list.tagName !== 'UL') { // the "nothing yet" note becomes the list
      const ul = el('ul', 'inbox');
      ul.id = 'inbox';
      ul.dataset.listUrl = list.dataset.listUrl;
      list.replaceWith(ul);
      list = ul;
    }
    const rows = new Map(Array.from(list.children).map((li) => [li.dataset.id, li]));
    // Rows already shown stay where they are (a focused link keeps its focus); new ones go in their place.
    let cursor = list.firstElementChild;
    items.forEach((item) => {
      const li = rows.get(String(item.id)) || newRow(item);
      markRow(li, item.read);
      if (li === cursor) cursor = cursor.nextElementSibling;
      else list.insertBefore(li, cursor);
    });
    while (cursor) {
      const next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
  }

  let listing = null;
  let again = false; // asked for while a list was on its way: that list may be older than the news
  function refreshList() {
    const url = inboxUrl();
    if (!url) return;
    if (listing) {
      again = true;
      return;
    }
    listing = getJson(url).then((data) => {
      if (!data) return;
      renderList(data.items || []);
      showSummary(data.unread);
      count = Math.max(0, Number(data.unread) || 0); // this list is that count's: no need to ask for it again
      showCount(data.unread);
    }).catch(() => { /* offline: the list shown stays */ }).then(() => {
      listing = null;
      if (again) {
        again = false;
        refreshList();
      }
    });
  }

  // --- the bell -------------------------------------------------------------------------------------------
  function showCount(unread) {
    const n = Math.max(0, Number(unread) || 0);
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = n === 0;
    const unreadText = bell.querySelector('[data-bell-unread]'); // the count as words, for screen readers
    if (unreadText) unreadText.textContent = n ? `(${fmt(bell.dataset.unreadText, n)})` : '';
    if (n !== count) {
      count = n;
      refreshList();
    }
  }

  let asking = null;
  function refresh() {
    if (!asking) {
      asking = getJson(bell.dataset.unreadUrl).then((data) => { if (data) showCount(data.unread); })
        .catch(() => { /* offline: ask again at the next tick */ }).then(() => { asking = null; });
    }
    return asking;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = null;
    if (!stopped && document.visibilityState === 'visible') timer = window.setTimeout(tick, POLL_MS);
  }

  function tick() {
    return refresh().then(schedule);
  }

  // A hidden page (another app in front, the screen off) does not ask; it asks at once when seen again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') tick();
    else schedule();
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data && event.data.type === 'notification') tick();
    });
  }
  // Back from another page the browser may show this one as it was (bfcache, its HTTP cache): catch up at once.
  // The inbox always does, since it may also be the service worker's offline copy; its list brings the count.
  function catchUp() {
    if (inboxUrl()) {
      refreshList();
      schedule();
    } else tick();
  }
  window.addEventListener('pageshow', (event) => { if (event.persisted) catchUp(); });
  const timing = window.performance && performance.getEntriesByType;
  const navigation = timing ? performance.getEntriesByType('navigation')[0] : null;
  if ((navigation && navigation.type === 'back_forward') || inboxUrl()) catchUp();
  else schedule();
}());

// This device's Web Push subscription on the settings page: turn it on or off, and say plainly what happened.
// The texts come from the page (data-text-*), so they are in the page's language.
(function () {
  'use strict';
  const section = document.getElementById('push-device');
  if (!section) return;
  const text = section.dataset;
  const status = document.getElementById('push-status');
  const enable = document.getElementById('push-enable');
  const disable = document.getElementById('push-disable');
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  const READY_MS = 10000; // a worker not ready by then is most likely blocked or failed to install
  const SUBSCRIBE_MS = 20000;

  function say(message, tone) {
    status.textContent = message;
    status.dataset.tone = tone || '';
  }

  function show(subscribed) {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    enable.disabled = disable.disabled = false;
  }

  function busy() {
    enable.disabled = disable.disabled = true;
    say(text.textWorking);
  }

  // "Chrome · Android": enough for a person to tell their phone from their tablet in the list of devices.
  function deviceLabel() {
    const ua = navigator.userAgent;
    const browsers = [[/MicroMessenger/, 'WeChat'], [/HuaweiBrowser/, 'Huawei Browser'],
      [/MiuiBrowser|XiaoMi/, 'Mi Browser'], [/UCBrowser/, 'UC'], [/QQBrowser/, 'QQ Browser'],
      [/SamsungBrowser/, 'Samsung Internet'], [/EdgA?\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\/|FxiOS/, 'Firefox'],
      [/Chrome\/|CriOS/, 'Chrome'], [/Safari\//, 'Safari']];
    const systems = [[/HarmonyOS/, 'HarmonyOS'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
      [/Windows/, 'Windows'], [/CrOS/, 'ChromeOS'], [/Mac OS X/, 'macOS'], [/Linux/, 'Linux']];
    const pick = (list) => (list.find(([pattern]) => pattern.test(ua)) || [null, ''])[1];
    return [pick(browsers) || 'Browser', pick(systems)].filter(Boolean).join(' · ');
  }

  function keyBytes(base64url) {
    const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(window.atob(base64), (c) => c.charCodeAt(0));
  }

  function send(method, url, body) {
    return fetch(url, { method, credentials: 'same-origin', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf() } });
  }

  // The list of devices on this page, as the server now has it.
  async function refreshDevices() {
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.getElementById('push-devices');
      const shown = document.getElementById('push-devices');
      if (fresh && shown) shown.replaceWith(document.importNode(fresh, true));
    } catch (error) { /* the list catches up at the next visit */ }
  }

  // A browser that cannot reach its push service (no Google services on many phones sold in China) may never
  // answer: give up after a while, and drop a subscription that still comes too late, as nobody was told of it.
  function inTime(promise, ms, dropLate) {
    let expired = false;
    promise.then((value) => { if (expired) dropLate(value); }).catch(() => null);
    return Promise.race([promise, new Promise((resolve, reject) => {
      window.setTimeout(() => { expired = true; reject(new Error('timed out')); }, ms);
    })]);
  }

  async function subscribe(registration, key) {
    const options = { userVisibleOnly: true, applicationServerKey: keyBytes(key) };
    try {
      return await registration.pushManager.subscribe(options);
    } catch (error) {
      if (error.name !== 'InvalidStateError') throw error;
      // Subscribed earlier with another server key: that subscription is useless now, make a new one.
      const old = await registration.pushManager.getSubscription();
      if (old) await old.unsubscribe();
      return registration.pushManager.subscribe(options);
    }
  }

  async function turnOn(registration) {
    busy();
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      show(false);
      enable.hidden = permission === 'denied'; // the browser will not ask again: only its settings can
      say(permission === 'denied' ? text.textDenied : text.textDismissed, 'warn');
      return;
    }
    try {
      const response = await fetch(text.keyUrl, { credentials: 'same-origin',
        headers: { Accept: 'application/json' } });
      const key = response.ok ? await response.json() : null;
      if (!key || !key.enabled) {
        enable.hidden = disable.hidden = true;
        say(text.textServerOff, 'warn');
        return;
      }
      const subscription = await inTime(subscribe(registration, key.public_key), SUBSCRIBE_MS,
        (late) => late.unsubscribe());
      const saved = await send('POST', text.subscribeUrl,
        Object.assign(subscription.toJSON(), { device: deviceLabel() }));
      if (!saved.ok) {
        await subscription.unsubscribe(); // the server would not send to it: do not leave it half on
        throw new Error(`subscription refused: ${saved.status}`);
      }
      show(true);
      say(text.textOn, 'on');
      refreshDevices();
    } catch (error) {
      show(false);
      say(text.textFailed, 'error');
    }
  }

  async function turnOff(registration) {
    busy();
    try {
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        // The server forgets it first; if it cannot be told (offline), it learns at its next send (410 Gone).
        await send('DELETE', text.subscribeUrl, { endpoint: subscription.endpoint }).catch(() => null);
        await subscription.unsubscribe();
      }
      show(false);
      say(text.textOff);
      refreshDevices();
    } catch (error) {
      show(true);
      say(text.textOffFailed, 'error');
    }
  }

  async function start() {
    if (!('serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window)) {
      say(text.textUnsupported, 'warn');
      return;
    }
    if (text.enabled === 'false') return; // the page already says the server has no push
    say(text.textWorking);
    // Said when the worker is slow to be ready, and corrected if it is ready after all (a first visit on a slow line).
    const late = window.setTimeout(() => say(text.textUnsupported, 'warn'), READY_MS);
    const registration = await navigator.serviceWorker.ready;
    window.clearTimeout(late);
    if (!registration.pushManager) {
      say(text.textUnsupported, 'warn');
      return;
    }
    enable.addEventListener('click', () => turnOn(registration));
    disable.addEventListener('click', () => turnOff(registration));
    const subscription = await registration.pushManager.getSubscription();
    show(Boolean(subscription));
    if (subscription) say(text.textOn, 'on');
    else if (Notification.permission === 'denied') {
      enable.hidden = true;
      say(text.textDenied, 'warn');
    } else say(text.textOff);
  }

  start().catch(() => say(text.textUnsupported, 'warn'));
}());

// Check in by position: ask the phone where it is (high accuracy, up to 15 s), then post lon, lat and accuracy_m
// with the form; when the position is refused or cannot be found, say so in plain words next to the button.
(function () {
  'use strict';
  const form = document.getElementById('position-form');
  if (!form) return;
  const button = form.querySelector('button[type=submit]');
  const status = document.getElementById('position-status');

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('is-error', Boolean(isError));
  }

  // Browsers give a position only to secure pages (https, or this computer itself).
  if (!('geolocation' in navigator) || !window.isSecureContext) {
    button.disabled = true;
    say(form.dataset.unsupported, true);
    return;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    say(form.dataset.locating, false);
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lon.value = position.coords.longitude;
      form.elements.lat.value = position.coords.latitude;
      form.elements.accuracy_m.value = Math.round(position.coords.accuracy);
      say(form.dataset.sending, false);
      form.submit(); // fires no submit event: this handler does not run again
    }, function (error) {
      button.disabled = false;
      const message = error.code === error.PERMISSION_DENIED ? form.dataset.denied
        : error.code === error.TIMEOUT ? form.dataset.timeout : form.dataset.unavailable;
      say(message, true);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });
})();

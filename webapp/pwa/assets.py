"""Versioned static URLs (?v=<content hash>) so the service worker may cache them forever."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for


@lru_cache(maxsize=256)
def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_url(filename: str, endpoint: str = "static") -> str:
    """url_for a static file with its content hash, computed once per process."""
    folder = current_app.static_folder if endpoint == "static" else current_app.blueprints[
        endpoint.split(".")[0]].static_folder
    return url_for(endpoint, filename=filename, v=_digest(str(Path(folder) / filename)))


# What the service worker stores on install: enough to open the map and the offline page offline.
SHELL_STATIC = ["css/app.css", "js/prefs.js", "js/gcj02.js", "js/alley-labels.js", "js/map.js", "js/volunteer.js", "js/patrol.js",
                "js/outbox.js", "js/outbox-ui.js", "js/report-form.js", "js/sw-register.js", "icons/icon-192.png", "icons/favicon.svg"]
SHELL_STATIC += ["js/basemap.js", "vendor/protomaps-leaflet.js"]  # the base map draws offline too
SHELL_LEAFLET = ["leaflet.css", "leaflet.js", "images/marker-icon.png", "images/layers.png"]

SHELL_STATIC += ["js/patrol-queue.js", "js/offline-page.js"]  # patrols waiting, and the offline page's list


def shell_urls() -> list[str]:
    return ([asset_url(f) for f in SHELL_STATIC] + [asset_url(f, "leaflet.static") for f in SHELL_LEAFLET]
            + [url_for("pwa.offline"), url_for("map.index")])


def shell_version() -> str:
    return hashlib.sha256("|".join(shell_urls()).encode()).hexdigest()[:12]

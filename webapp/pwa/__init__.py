"""The installable-app shell: web manifest, service worker at /sw.js, offline page, versioned assets."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

from webapp.pwa import routes  # noqa: E402,F401

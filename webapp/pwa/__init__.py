"""The installable-app shell: web manifest, service worker at /sw.js, offline page, versioned assets."""
from webapp.pwa.blueprint import bp  # noqa: F401
from webapp.pwa import routes  # noqa: F401  (they attach their routes to bp)

"""Open311 GeoReport v2 at /open311/v2/: services, requests, tokens and FixMyStreet's request updates."""
from webapp.open311.blueprint import bp  # noqa: F401
from webapp.open311 import routes  # noqa: F401  (they attach their routes to bp)

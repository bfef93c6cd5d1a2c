"""The map pages: a street's alleys on a Leaflet map."""
from webapp.map.blueprint import bp  # noqa: F401
from webapp.map import routes  # noqa: F401  (they attach their routes to bp)

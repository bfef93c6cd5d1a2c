"""Street performance: the dashboard of the three rates, rankings and hotspots; chart SVGs, exports, the daily brief."""
from webapp.performance.blueprint import bp  # noqa: F401
from webapp.performance import routes  # noqa: F401  (they attach their routes to bp)

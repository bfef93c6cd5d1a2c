"""Street performance: the dashboard of the three rates, rankings and hotspots; chart SVGs, exports, the daily brief;
the monthly scorecard of the street's departments (scorecard.py)."""
from webapp.performance.blueprint import bp  # noqa: F401
from webapp.performance import routes  # noqa: F401  (they attach their routes to bp)
from webapp.performance import scorecard  # noqa: F401,E402

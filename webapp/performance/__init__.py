"""Street performance: the dashboard of the three rates, rankings and hotspots; chart SVGs, exports, the daily brief."""
from flask import Blueprint

bp = Blueprint("performance", __name__)

from webapp.performance import routes  # noqa: E402,F401

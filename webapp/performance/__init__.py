"""Street performance: the dashboard of the three rates, rankings and hotspots; chart SVGs, exports, the daily brief."""
from flask import Blueprint

from webapp.services.metrics import rate_level

bp = Blueprint("performance", __name__)
bp.add_app_template_filter(rate_level)

from webapp.performance import routes  # noqa: E402,F401

"""The blueprint of webapp/performance/ (its __init__ says what it serves) and the helpers it lends the whole app."""
from flask import Blueprint

from webapp.services.performance.rates import rate_level

bp = Blueprint("performance", __name__)
bp.add_app_template_filter(rate_level)

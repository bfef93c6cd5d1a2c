"""Open311 GeoReport v2 at /open311/v2/: services, requests, tokens and FixMyStreet's request updates."""
from flask import Blueprint

bp = Blueprint("open311", __name__)

from webapp.open311 import routes  # noqa: E402,F401

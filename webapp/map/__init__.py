"""The map pages: a street's alleys on a Leaflet map."""
from flask import Blueprint

bp = Blueprint("map", __name__)

from webapp.map import routes  # noqa: E402,F401

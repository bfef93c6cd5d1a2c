"""The JSON API, /api/v1: streets and alleys as GeoJSON (WGS-84), claims, patrols, accounts."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from webapp.api import openapi, reports, routes, volunteers  # noqa: E402,F401
from webapp.api import accounts, activities, department, notifications, performance, triage  # noqa: E402,F401

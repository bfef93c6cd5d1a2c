"""The JSON API, /api/v1: streets and alleys as GeoJSON (WGS-84), claims, patrols, accounts."""
from webapp.api.blueprint import bp  # noqa: F401
from webapp.api import accounts, activities, department, frontage, notifications, openapi, performance, reports, roster, routes, triage, volunteers  # noqa: F401  (they attach their routes to bp)

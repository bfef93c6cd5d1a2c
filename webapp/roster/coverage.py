"""GET /roster/coverage: the street's coverage gaps for its organizer, a map of the alleys coloured by gap with
the lists below (static/js/coverage-map.js draws the map); /roster/coverage.json answers the same data."""
from flask import current_app, jsonify, make_response, render_template, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.roster.blueprint import bp
from webapp.roster.scope import managed_street
from webapp.services.organizing.coverage import coverage_gaps


def _private(response):
    # Volunteers' phone numbers: never kept by a cache or the service worker.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/coverage")
@login_required
def coverage():
    street = managed_street(current_user)
    data = coverage_gaps(street.id, clock.now())
    config = current_app.config
    map_config = {"dataUrl": url_for("roster.coverage_json", street=street.id), "tileUrl": config["TILE_URL"],
                  "tileAttribution": config["TILE_ATTRIBUTION"], "tileCrs": config["TILE_CRS"]}
    return _private(make_response(render_template("roster/coverage.html", street=street, data=data,
                                                  map_config=map_config)))


@bp.get("/coverage.json")
@login_required
def coverage_json():
    street = managed_street(current_user)
    data = coverage_gaps(street.id, clock.now())
    return _private(jsonify({"street": {"id": street.id, "name": street.name}, **data}))

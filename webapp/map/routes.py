"""GET / : the street map (mobile first)."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.errors import Forbidden
from webapp.map import bp
from webapp.policies import can_view_map
from webapp.services import places


def _chosen_street(streets: list[dict]) -> dict | None:
    wanted = request.args.get("street") or current_app.config["DEFAULT_STREET"]
    for street in streets:
        if wanted and wanted in (str(street["id"]), street["name"]):
            return street
    with_alleys = [s for s in streets if s["alley_count"]]
    return (with_alleys or streets or [None])[0]


@bp.get("/")
def index():
    if not can_view_map(current_user):
        raise Forbidden()
    streets = places.list_streets()
    street = _chosen_street(streets)
    config = current_app.config
    map_config = {
        "street": street,
        "tileUrl": config["TILE_URL"],
        "tileAttribution": config["TILE_ATTRIBUTION"],
        "tileCrs": config["TILE_CRS"],
        "alleysUrl": "/api/v1/alleys",
        "text": {
            "metres": _("m"),
            "noAlleys": _("No alleys in this street yet."),
            "loadFailed": _("Could not load the alleys. Check the connection and try again."),
            "alleyCount": _("alleys"),
            "source": _("Source"),
        },
    }
    return render_template("map/index.html", streets=streets, street=street, map_config=map_config)

"""GET / : the street map (mobile first)."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.errors import Forbidden
from webapp.labels import REQUEST_KIND_LABELS
from webapp.map.blueprint import bp
from webapp.policies import can_view_map
from webapp.services.places import alleys as places


def _chosen_street(streets: list[dict]) -> dict | None:
    home = next((g.street_id for g in current_user.grants if g.street_id), None) \
        if current_user.is_authenticated else None
    wanted = request.args.get("street") or (str(home) if home else "") or current_app.config["DEFAULT_STREET"]
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
        "user": ({"id": current_user.id, "display_name": current_user.display_name}
                 if current_user.is_authenticated else None),
        "text": {
            "metres": _("m"),
            "nobody": _("Nobody yet"),
            "never": _("Never"),
            "claimFailed": _("Could not claim the alley. Please try again."),
            "locate": _("Locate me"),
            "locating": _("Finding where you are…"),
            "locateDenied": _("The phone did not allow finding your position. Allow location for this site in the settings."),
            "ok": _("OK"),
            "problem": _("Problem"),
            "problemNote": _("What is wrong? (optional)"),
            "positions": _("positions"),
            "waitingGps": _("Waiting for the GPS…"),
            "gpsAccuracy": _("GPS accuracy about %(metres)s m"),
            "covered": _("Patrol saved: you covered the alley. %(hours)s hours credited."),
            "notCovered": _("Patrol saved, but it covered only %(percent)s%% of the alley (at least %(needed)s%% counts). No hours credited."),
            "queued": _("%(count)s patrol(s) waiting to send. They are kept on this phone and sent when the connection is back."),
            "cancelConfirm": _("Cancel this patrol? Its track will be lost."),
            "noAlleys": _("No alleys in this street yet."),
            "loadFailed": _("Could not load the alleys. Check the connection and try again."),
            "alleyCount": _("alleys"),
            "source": _("Source"),
            "pinByHand": _("Place set by hand on the map."),
            "dragPin": _("Drag to the place of the problem"),
            "noGps": _("No GPS position: drag the pin to the place of the problem."),
            "metresAway": _("%(metres)s m away"),
            "meToo": _("Me too"),
            "alsoSeen": _("%(count)s more saw it"),
            "followed": _("Thank you. You follow this case now and will hear when it is resolved."),
            "sendFailed": _("Could not send. Please try again."),
            "photoN": _("Photo %(n)s"),
            "removePhoto": _("Remove photo %(n)s"),
            "photoUnreadable": _("This photo could not be read. Please choose a JPEG or PNG photo."),
            "sent": _("Report sent. Thank you!"),
            "sentEscalated": _("Report sent, and passed to the street chief at once because it is a safety hazard."),
            "savedOffline": _("No connection: the report is saved on this phone and will be sent when the connection is back."),
            "reportIt": _("Report it"),
            "reportedCount": _("Reported: %(count)s"),
            "foundOnPatrol": _("Found on this patrol: %(item)s"),
        },
    }
    map_config["coverageShare"] = config["PATROL_COVERAGE_SHARE"]
    return render_template("map/index.html", streets=streets, street=street, map_config=map_config,
                           request_kinds=[(kind.value, str(label)) for kind, label in REQUEST_KIND_LABELS.items()])

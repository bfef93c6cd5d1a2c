"""GET /tiles/<z>/<x>/<y>.mvt, and the settings the map pages' base map reads (templates/_basemap.html)."""
from flask import Response, current_app, url_for
from flask_login import current_user

from geo.basemap import MAX_DATA_ZOOM
from geo.vector_tiles import valid_tile
from webapp.errors import Forbidden, NotFound
from webapp.policies import can_view_map
from webapp.services.places import basemap
from webapp.tiles.blueprint import bp

MVT = "application/vnd.mapbox-vector-tile"


@bp.get("/tiles/<int:z>/<int:x>/<int:y>.mvt")
def tile(z, x, y):
    if not can_view_map(current_user):
        raise Forbidden()
    if not valid_tile(z, x, y):
        raise NotFound()
    response = Response(basemap.tile(z, x, y), mimetype=MVT)
    # The URL carries the base map's version (?v=), so a new import is a new URL; a day keeps stale ones short.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.app_context_processor
def basemap_settings():
    def settings():
        """What basemap.js needs, read only by the pages that draw a map."""
        if current_app.config["TILE_URL"]:
            return {"tiles": ""}
        template = url_for("tiles.tile", z=0, x=0, y=0, v=basemap.version()).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
        return {"tiles": template, "attribution": basemap.attribution(), "maxDataZoom": MAX_DATA_ZOOM,
                "streetZooms": list(basemap.STREET_ZOOMS)}
    return {"basemap_settings": settings}

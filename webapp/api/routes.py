"""GET /api/v1/streets, /api/v1/alleys?bbox=..., /api/v1/alleys/<id>."""
import math
from dataclasses import dataclass

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.api.blueprint import bp
from webapp.errors import BadRequest, Forbidden
from webapp.policies import can_view_map
from webapp.services.places import chiefs, claims
from webapp.services.places import alleys as places

GEOJSON = "application/geo+json"


@dataclass(frozen=True)
class AlleyQuery:
    bbox: tuple[float, float, float, float]
    street_id: int | None

    @classmethod
    def parse(cls, args) -> "AlleyQuery":
        raw = args.get("bbox", "")
        try:
            bbox = tuple(float(v) for v in raw.split(","))
        except ValueError:
            bbox = ()
        if len(bbox) != 4 or not all(math.isfinite(v) for v in bbox):
            raise BadRequest(_l("bbox must be minLon,minLat,maxLon,maxLat in WGS-84 degrees."), bbox=raw)
        min_lon, min_lat, max_lon, max_lat = bbox
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise BadRequest(_l("bbox must be minLon,minLat,maxLon,maxLat with min < max, in degrees."), bbox=raw)
        street = args.get("street")
        if street is not None and not street.isdigit():
            raise BadRequest(_l("street must be a street id."), street=street)
        return cls(bbox, int(street) if street else None)


def _require_map_access():
    if not can_view_map(current_user):
        raise Forbidden()


@bp.get("/streets")
def streets():
    _require_map_access()
    return jsonify({"streets": places.list_streets()})


@bp.get("/alleys")
def alleys():
    _require_map_access()
    query = AlleyQuery.parse(request.args)
    mine = claims.claimed_alley_ids(current_user)
    return Response(places.alley_features(query.bbox, query.street_id, mine), mimetype=GEOJSON)


@bp.get("/alleys/<int:alley_id>")
def alley(alley_id: int):
    _require_map_access()
    extra = claims.alley_for_volunteer(places.get_alley(alley_id), current_user)
    extra["chief"] = chiefs.sign_of_alley(alley_id)  # 本巷街巷长: public, like the sign on the alley
    return Response(places.alley_feature(alley_id, extra), mimetype=GEOJSON)

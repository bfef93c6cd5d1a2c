"""门前三包 over JSON: an alley's shops for its sheet on the map, the shops near a report's position, and stewards'
frontage checks (JSON, or multipart with a `data` JSON part and one `photo`; idempotent on client_id)."""
import json
import uuid

from flask import Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.api.blueprint import bp
from webapp.api.reports import _number
from webapp.errors import BadRequest
from webapp.labels import CHECK_RESULT_LABELS, DUTY_LABELS
from webapp.models.reports import as_utc
from webapp.policies import can_check_frontage
from webapp.services.places import frontage
from webapp.services.places.alley_state import open_claim
from webapp.services.places.alleys import get_alley
from webapp.storage import storage_for


def _shop_json(shop, distance_m: float | None = None) -> dict:
    lon, lat = frontage.shop_point(shop)
    shown = {"id": shop.id, "name": shop.name, "alley_id": shop.alley_id, "lon": lon, "lat": lat,
             "duties": [{"code": d, "label": str(DUTY_LABELS[d])} for d in shop.duties],
             "signed_on": shop.signed_on.isoformat() if shop.signed_on else None}
    if distance_m is not None:
        shown["distance_m"] = round(distance_m, 1)
    return shown


def _check_json(check) -> dict:
    return {"id": check.id, "client_id": check.client_id, "shop_id": check.shop_id,
            "checked_at": as_utc(check.checked_at).isoformat(), "outcome": check.outcome.value,
            "outcome_label": str(CHECK_RESULT_LABELS[check.outcome.value]),
            "results": {duty: result.value for duty, result in check.results().items()},
            "has_photo": check.photo_key is not None}


@bp.get("/alleys/<int:alley_id>/shops")
def alley_shops(alley_id: int):
    """The alley's shops with their last checks; `can_check` says whether this user may record one."""
    alley = get_alley(alley_id)
    shops = frontage.alley_shops(alley.id)
    signed_in = getattr(current_user, "is_authenticated", False)
    holds = signed_in and open_claim(current_user.id, alley.id) is not None
    may = bool(shops) and signed_in and can_check_frontage(current_user, shops[0], holds_claim=holds)
    recent = frontage.recent_checks([s.id for s in shops]) if may else {}
    return jsonify({"alley_id": alley.id, "can_check": may,
                    "results": [{"code": code, "label": str(label)} for code, label in CHECK_RESULT_LABELS.items()],
                    "shops": [_shop_json(s) | {"checks": [_check_json(c) for c in recent.get(s.id, [])]}
                              for s in shops]})


@bp.get("/shops/nearby")
def shops_nearby():
    lon, lat = _number(request.args.get("lon"), "lon"), _number(request.args.get("lat"), "lat")
    return jsonify({"shops": [_shop_json(shop, distance) for shop, distance in frontage.shops_near(lon, lat)]})


def parse_check() -> frontage.CheckInput:
    if request.mimetype == "multipart/form-data":
        try:
            body = json.loads(request.form.get("data", ""))
        except ValueError:
            raise BadRequest(_l("Send the check as JSON."))
        upload = request.files.get("photo")
        photo = upload.read() if upload else None
    else:
        body, photo = request.get_json(silent=True), None
    if not isinstance(body, dict):
        raise BadRequest(_l("Send the check as JSON."))
    try:
        client_id = str(uuid.UUID(str(body.get("client_id"))))
        shop_id = int(body["shop_id"])
    except (KeyError, TypeError, ValueError):
        raise BadRequest(_l("The check needs client_id (a UUID made by the app) and shop_id."))
    results, note = body.get("results"), body.get("note") or ""
    if not isinstance(results, dict) or not isinstance(note, str):
        raise BadRequest(_l("Give each duty the shop signed as kept, warned or broken."), field="results")
    return frontage.CheckInput(client_id=client_id, shop_id=shop_id, note=note, photo=photo or None,
                               results={str(k): str(v) for k, v in results.items()})


@bp.post("/frontage-checks")
@login_required
def record_frontage_check():
    check, created = frontage.record_check(current_user, parse_check())
    return jsonify(_check_json(check)), 201 if created else 200


@bp.get("/frontage-checks/<int:check_id>/photo")
@login_required
def frontage_check_photo(check_id: int):
    check = frontage.check_photo(current_user, check_id)
    key = check.thumb_key if request.args.get("size") == "thumb" else check.photo_key
    response = Response(storage_for(current_app).open(key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response

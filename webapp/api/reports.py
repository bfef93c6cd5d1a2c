"""Reports API: categories, filing a report (JSON, or multipart with photos), nearby duplicates, me too."""
import json
import math
import uuid

from flask import Response, current_app, jsonify, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.api import bp
from webapp.errors import BadRequest, NotFound
from webapp.extensions import db
from webapp.models import Report, ReportPhoto
from webapp.policies import can_see_reporter_details
from webapp.services import reports
from webapp.storage import storage_for


def _category_json(category) -> dict:
    return {"code": category.code, "name": category.name_for(get_locale()), "is_safety": category.is_safety,
            "whistle_kind": category.whistle_kind.value}


def public_report(report: Report) -> dict:
    """What anyone may see: never who reported it."""
    return {
        "id": report.id, "client_id": None, "category": report.category.code,
        "category_name": report.category.name_for(get_locale()), "status": report.status.value,
        "street_id": report.street_id, "alley_id": report.alley_id,
        "alley": report.alley.name if report.alley else None, "description": report.description,
        "created_at": report.created_at.isoformat(), "follower_count": report.follower_count,
        "photos": [{"url": f"/api/v1/reports/{report.id}/photos/{p.position}",
                    "thumbnail_url": f"/api/v1/reports/{report.id}/photos/{p.position}?size=thumb",
                    "width": p.width, "height": p.height} for p in report.photos],
    }


def _own_report(report: Report) -> dict:
    return public_report(report) | {"client_id": report.client_id, "snap_distance_m": report.snap_distance_m,
                                    "anonymous": report.anonymous}


@bp.get("/categories")
def categories():
    return jsonify({"categories": [_category_json(c) for c in reports.active_categories()]})


def _number(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(_l("%(name)s must be a number.", name=name), field=name)
    if not math.isfinite(number):
        raise BadRequest(_l("%(name)s must be a number.", name=name), field=name)
    return number


def parse_report() -> reports.ReportInput:
    """JSON without photos, or multipart/form-data with a `data` JSON field and `photos` files."""
    if request.mimetype == "multipart/form-data":
        try:
            body = json.loads(request.form.get("data", ""))
        except ValueError:
            raise BadRequest(_l("The report must be sent as JSON."))
        uploads = request.files.getlist("photos")
        if len(uploads) > reports.MAX_PHOTOS:
            raise BadRequest(_l("A report may have at most 6 photos."), field="photos")
        photos = [upload.read() for upload in uploads]
    else:
        body, photos = request.get_json(silent=True), []
    if not isinstance(body, dict):
        raise BadRequest(_l("The report must be sent as JSON."))
    try:
        client_id = str(uuid.UUID(str(body.get("client_id"))))
    except ValueError:
        raise BadRequest(_l("client_id must be a UUID made by the app."), field="client_id")
    description = body.get("description") or ""
    if not isinstance(description, str) or not isinstance(body.get("category"), str):
        raise BadRequest(_l("Please choose a category."), field="category")
    accuracy = body.get("accuracy")
    return reports.ReportInput(
        client_id=client_id, category_code=body["category"], lon=_number(body.get("lon"), "lon"),
        lat=_number(body.get("lat"), "lat"), accuracy_m=_number(accuracy, "accuracy") if accuracy is not None else None,
        description=description, anonymous=bool(body.get("anonymous", False)), photos=photos)


@bp.post("/reports")
@login_required
def file_report():
    report, created = reports.submit_report(current_user, parse_report())
    return jsonify(_own_report(report)), 201 if created else 200


@bp.get("/reports/nearby")
def nearby():
    category = request.args.get("category", "")
    lon, lat = _number(request.args.get("lon"), "lon"), _number(request.args.get("lat"), "lat")
    found = reports.nearby_open_reports(category, lon, lat)
    return jsonify({"reports": [public_report(r) | {"distance_m": round(d, 1)} for r, d in found]})


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    found = db.session.get(Report, report_id)
    if found is None:
        raise NotFound(_l("No such report."))
    return jsonify(_own_report(found) if can_see_reporter_details(current_user, found) else public_report(found))


@bp.post("/reports/<int:report_id>/follow")
@login_required
def follow(report_id: int):
    followed = reports.follow_report(current_user, report_id)
    return jsonify({"id": followed.id, "follower_count": followed.follower_count})


@bp.get("/reports/<int:report_id>/photos/<int:position>")
def photo(report_id: int, position: int):
    # Photos are public with the report (never its reporter); keys stay random and unlisted.
    stored = db.session.scalar(db.select(ReportPhoto).where(ReportPhoto.report_id == report_id,
                                                            ReportPhoto.position == position))
    if stored is None:
        raise NotFound(_l("No such photo."))
    key = stored.thumb_key if request.args.get("size") == "thumb" else stored.storage_key
    response = Response(storage_for(current_app).open(key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response

"""Reports API: categories, filing a report (JSON, or multipart with photos), nearby duplicates, me too."""
import json
import math
import uuid

from flask import Response, current_app, jsonify, request
from flask_babel import get_locale
from geoalchemy2.shape import to_shape
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import clock
from webapp.api.blueprint import bp
from webapp.errors import BadRequest, NotFound
from webapp.extensions import db
from webapp.labels import request_kind_label, status_label, step_label
from webapp.models import Community, Report, ReportPhoto
from webapp.models.reports import as_utc
from webapp.policies import can_follow_report, can_see_partner_contact, can_see_reporter_details
from webapp.services.cases import reports
from webapp.services.cases.transitions import APP_STEPS, StepInput, allowed_steps, get_report, holds_alley, transition
from webapp.services.partners.open311 import described_answers
from webapp.services.places.alleys import get_alley
from webapp.services.places.claims import claimed_alley_ids
from webapp.storage import storage_for


def _category_json(category) -> dict:
    return {"code": category.code, "name": category.name_for(get_locale()), "is_safety": category.is_safety,
            "whistle_kind": category.whistle_kind.value}


def _photo_json(report: Report, photo) -> dict:
    url = f"/api/v1/reports/{report.id}/photos/{photo.position}"
    return {"url": url, "thumbnail_url": f"{url}?size=thumb", "width": photo.width, "height": photo.height}


def _event_json(report: Report, event, full: bool) -> dict:
    """A step of the case file; who took it and their note only for those who see the case in full."""
    details = event.details or {}
    shown = {"at": as_utc(event.at).isoformat(), "from": event.from_status.value if event.from_status else None,
             "to": event.to_status.value, "label": status_label(event.to_status, _to_community(details)), "step": details.get("step"),
             "step_label": _step_label(details), "automatic": bool(details.get("automatic")), "reason": details.get("reason")}
    if full:
        shown |= {"by": event.actor.display_name if event.actor else None, "role": details.get("role"),
                  "note": event.note,
                  "details": {k: v for k, v in details.items() if k not in ("step", "role", "automatic")},
                  "photos": [_photo_json(report, p) for p in event.photos]}
    return shown


def _to_community(details: dict) -> bool:
    """Whether the step passed the case to its community's queue (not to the street chief)."""
    return details.get("step") == "escalate" and bool(details.get("community"))


def _step_label(details: dict) -> str:
    if _to_community(details):
        return str(_l("Passed to the community's queue: %(name)s", name=details["community"]))
    return step_label(details.get("step"))


def _community_name(community_id: int | None) -> str | None:
    community = db.session.get(Community, community_id) if community_id is not None else None
    return community.name if community else None


def _whistle_json(whistle, now) -> dict:
    return {"id": whistle.id, "department": whistle.department.code, "department_name": whistle.department.name,
            "kind": whistle.kind.value, "status": whistle.status.value,
            "whistled_at": as_utc(whistle.whistled_at).isoformat(), "due_at": as_utc(whistle.due_at).isoformat(),
            "on_site_at": as_utc(whistle.on_site_at).isoformat() if whistle.on_site_at else None,
            "late": whistle.reported_late(), "overdue": whistle.is_overdue(now), "active": whistle.is_active}


def public_report(report: Report) -> dict:
    """What anyone may see: never who reported it."""
    point = to_shape(report.location)
    return {
        "id": report.id, "client_id": None, "category": report.category.code,
        "category_name": report.category.name_for(get_locale()), "status": report.status.value,
        "status_label": status_label(report.status, report.held_by_community_id is not None), "is_open": report.status.is_open,
        "street_id": report.street_id, "alley_id": report.alley_id,
        "alley": report.alley.name if report.alley else None, "description": report.description,
        "lon": round(point.x, 6), "lat": round(point.y, 6),
        "created_at": report.created_at.isoformat(), "follower_count": report.follower_count,
        "photos": [_photo_json(report, p) for p in report.photos if p.event_id is None],
        "events": [_event_json(report, e, full=False) for e in report.events],
        "priority": report.priority.value, "duplicate_of": report.duplicate_of_id,
        "request_kind": report.request_kind.value if report.request_kind else None,
        "request_kind_label": request_kind_label(report.request_kind),
        "whistles": [_whistle_json(w, clock.now()) for w in report.whistles],
        "shop": {"id": report.shop.id, "name": report.shop.name} if report.shop_id else None,  # 门前三包
        "community": _community_name(report.community_id),
        "held_by_community": _community_name(report.held_by_community_id),
    }


def full_report(report: Report, user=None) -> dict:
    """For the reporter, the alley's stewards, the chief and assigned departments."""
    return public_report(report) | {
        "client_id": report.client_id, "snap_distance_m": report.snap_distance_m, "anonymous": report.anonymous,
        "accuracy_m": report.accuracy_m, "reporter": report.reporter.display_name,
        "patrol_client_id": report.patrol_client_id, "checklist_item": report.checklist_item,
        "events": [_event_json(report, e, full=True) for e in report.events],
        "verdicts": [{"satisfaction": v.satisfaction.value, "comment": v.comment, "round": v.round,
                      "by": v.user.display_name, "is_reporter": v.is_reporter, "at": as_utc(v.at).isoformat()}
                     for v in report.verdicts],
        "partner": _partner_json(report, can_see_partner_contact(user, report))}


def _partner_json(report: Report, with_contact: bool) -> dict | None:
    """What a partner system (12345, ...) sent with the case: its answers, and for the chief the resident to call back."""
    sent = report.partner_request
    if sent is None:
        return None
    return {"name": sent.api_key.name, "contact": sent.contact if with_contact else {}, "address": sent.address_string,
            "media_url": sent.media_url or None, "account_id": sent.account_id,
            "answers": [{"question": q, "answer": a}
                        for q, a in described_answers(report.category, sent.answers, get_locale())]}


def _filed(filed: reports.Filed) -> dict:
    """The answer to filing (or replaying) a report: enough for the app to link to it."""
    return {"id": filed.id, "client_id": filed.client_id, "status": filed.status.value,
            "status_label": status_label(filed.status), "street_id": filed.street_id, "alley_id": filed.alley_id,
            "created_at": filed.created_at.isoformat(), "photo_count": filed.photo_count,
            "patrol_client_id": filed.patrol_client_id, "patrol_id": filed.patrol_id,
            "url": f"/reports/{filed.id}", "api_url": f"/api/v1/reports/{filed.id}"}


def report_for(user, report: Report, held_alleys: set[int] | None = None) -> dict:
    """The report as this user may see it, with what they may do now. Lists pass the user's claimed
    alley ids (held_alleys) so each report does not ask again."""
    holds = report.alley_id in held_alleys if held_alleys is not None else holds_alley(user, report)
    shown = full_report(report, user) if can_see_reporter_details(user, report, holds) else public_report(report)
    signed_in = getattr(user, "is_authenticated", False)
    allowed = set(allowed_steps(user, report, holds)) if signed_in else set()
    shown["actions"] = {step.value: step in allowed for step in APP_STEPS} | {
        "follow": bool(signed_in and can_follow_report(user, report))}
    return shown


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
    kind = body.get("request_kind")
    if kind is not None and not isinstance(kind, str):
        raise BadRequest(_l("Please choose the kind of request."), field="request_kind")
    shop = body.get("shop_id")
    if shop is not None and (isinstance(shop, bool) or not isinstance(shop, int)):
        raise BadRequest(_l("Please choose a shop near the place of the problem, or none."), field="shop")
    return reports.ReportInput(
        client_id=client_id, category_code=body["category"], lon=_number(body.get("lon"), "lon"),
        lat=_number(body.get("lat"), "lat"), accuracy_m=_number(accuracy, "accuracy") if accuracy is not None else None,
        description=description, anonymous=bool(body.get("anonymous", False)), photos=photos,
        request_kind=kind or None, shop_id=shop, **_finding(body))


def _finding(body: dict) -> dict:
    """A patrol finding's fields: the patrol's client id (a UUID) and the checklist item, both optional here."""
    patrol, item = body.get("patrol_client_id"), body.get("checklist_item")
    if patrol is not None:
        try:
            patrol = str(uuid.UUID(str(patrol)))
        except ValueError:
            raise BadRequest(_l("patrol_client_id must be the UUID of a patrol made by the app."),
                             field="patrol_client_id")
    if item is not None and not isinstance(item, str):
        raise BadRequest(_l("The checklist has unknown items or answers."), field="checklist_item")
    return {"patrol_client_id": patrol, "checklist_item": item}


@bp.post("/reports")
@login_required
def file_report():
    filed = reports.submit_report(current_user, parse_report())
    return jsonify(_filed(filed)), 201 if filed.created else 200


@bp.get("/reports/nearby")
def nearby():
    category = request.args.get("category", "")
    lon, lat = _number(request.args.get("lon"), "lon"), _number(request.args.get("lat"), "lat")
    found = reports.nearby_open_reports(category, lon, lat)
    return jsonify({"reports": [public_report(r) | {"distance_m": round(d, 1)} for r, d in found]})


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    return jsonify(report_for(current_user, get_report(report_id)))


@bp.post("/reports/<int:report_id>/follow")
@login_required
def follow(report_id: int):
    followed = reports.follow_report(current_user, report_id)
    return jsonify({"id": followed.id, "follower_count": followed.follower_count})


def _step_input() -> StepInput:
    """A step's input as JSON, or as multipart/form-data with the same fields and one `photo` file."""
    if request.mimetype == "multipart/form-data":
        form, upload = request.form, request.files.get("photo")
        body = {name: form.get(name) for name in ("note", "kind", "duplicate_of", "priority", "satisfaction",
                                                  "lon", "lat", "request_kind") if form.get(name) not in (None, "")}
        body["departments"] = form.getlist("departments")
        photo = upload.read() if upload else None
    else:
        body, photo = request.get_json(silent=True), None
        if not isinstance(body, dict):
            raise BadRequest(_l("The request must be sent as JSON."))
    return step_input(body, photo)


def step_input(body: dict, photo: bytes | None = None) -> StepInput:
    """Checks the shape of a step's fields (the rules about them stay in the transitions service)."""
    texts = {name: body.get(name) for name in ("note", "kind", "priority", "satisfaction", "request_kind")}
    if any(value is not None and not isinstance(value, str) for value in texts.values()):
        raise BadRequest(_l("The request is not valid."))
    departments = body.get("departments") or []
    if not isinstance(departments, list) or not all(isinstance(d, str) for d in departments):
        raise BadRequest(_l("Please choose departments from the list."), field="departments")
    duplicate_of = body.get("duplicate_of")
    try:
        duplicate_of = int(duplicate_of) if duplicate_of not in (None, "") else None
    except (TypeError, ValueError):
        raise BadRequest(_l("Please give the number of another case in this street."), field="duplicate_of")
    where = {name: _number(body[name], name) for name in ("lon", "lat") if body.get(name) is not None}
    return StepInput(note=texts["note"] or "", photo=photo, departments=tuple(departments), kind=texts["kind"],
                     duplicate_of=duplicate_of, priority=texts["priority"], satisfaction=texts["satisfaction"],
                     request_kind=texts["request_kind"], **where)


# POST /reports/<id>/accept, /whistle, /report-on-site, ...: one address per step, one view for all.
STEP_SLUGS = {step.value.replace("_", "-"): step for step in APP_STEPS}


@login_required
def take_step(report_id: int, slug: str):
    done = transition(current_user, report_id, STEP_SLUGS[slug], _step_input())
    return jsonify(report_for(current_user, done))


for _slug in STEP_SLUGS:
    bp.add_url_rule(f"/reports/<int:report_id>/{_slug}", "take_step", take_step, methods=["POST"],
                    defaults={"slug": _slug})


@bp.get("/me/reports")
@login_required
def my_reports():
    held = claimed_alley_ids(current_user)
    return jsonify({"reports": [report_for(current_user, report, held) | {"mine": mine}
                                for report, mine in reports.my_reports(current_user)]})


@bp.get("/alleys/<int:alley_id>/reports")
def alley_reports(alley_id: int):
    get_alley(alley_id)
    return jsonify({"reports": [public_report(r) for r in reports.open_reports_in_alley(alley_id)]})


@bp.get("/reports/<int:report_id>/photos/<int:position>")
def photo(report_id: int, position: int):
    # A report's photos are public with it (never its reporter); evidence added at a step is shown with the
    # case file, so only to those who see the case in full. Keys stay random and unlisted.
    stored = db.session.scalar(db.select(ReportPhoto).where(ReportPhoto.report_id == report_id,
                                                            ReportPhoto.position == position))
    if stored is None:
        raise NotFound(_l("No such photo."))
    public = stored.event_id is None
    if not public:
        report = get_report(report_id)
        if not can_see_reporter_details(current_user, report, holds_alley(current_user, report)):
            raise NotFound(_l("No such photo."))
    key = stored.thumb_key if request.args.get("size") == "thumb" else stored.storage_key
    response = Response(storage_for(current_app).open(key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    return response

"""GET /api/v1/department/whistles: the whistles for the officer's department as JSON."""
from flask import jsonify, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from geoalchemy2.shape import to_shape

from webapp import clock
from webapp.api.blueprint import bp
from webapp.api.reports import _whistle_json
from webapp.errors import Forbidden
from webapp.labels import WHISTLE_LABELS, WHISTLE_STATUS_LABELS, status_label
from webapp.models.reports import as_utc
from webapp.policies import can_view_department_work
from webapp.services.cases.department_work import minutes_left, officer_steps, whistles_for_officer


def _iso(moment) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def whistle_item(user, whistle, now) -> dict:
    """One whistle as the officer sees it: their department's part, the case it is for, what they may do now."""
    report, point = whistle.report, to_shape(whistle.report.location)
    return _whistle_json(whistle, now) | {
        "kind_label": str(WHISTLE_LABELS[whistle.kind]), "status_label": str(WHISTLE_STATUS_LABELS[whistle.status]),
        "done_at": _iso(whistle.done_at), "closed_at": _iso(whistle.closed_at),
        "report": {"id": report.id, "category_name": report.category.name_for(get_locale()),
                   "alley": report.alley.name if report.alley else None, "street_name": report.street.name,
                   "status": report.status.value, "status_label": status_label(report.status),
                   "lon": round(point.x, 6), "lat": round(point.y, 6), "description": report.description,
                   "url": url_for("reports.show", report_id=report.id)},
        "actions": [step.value for step in officer_steps(user, whistle)],
        "minutes_left": minutes_left(whistle, now),
    }


def department_work(user, include_closed: bool = False) -> dict:
    """The officer's list, shared by this endpoint and the /department page."""
    now = clock.now()
    return {"generated_at": now.isoformat(),
            "whistles": [whistle_item(user, w, now) for w in whistles_for_officer(user, include_closed)]}


@bp.get("/department/whistles")
@login_required
def department_whistles():
    if not can_view_department_work(current_user):
        raise Forbidden()
    include_closed = request.args.get("include_closed", "").lower() in ("1", "true", "yes")
    return jsonify(department_work(current_user, include_closed))

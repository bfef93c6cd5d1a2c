"""Volunteers' group activities over JSON (the app, online or replaying its outbox): sign up, cancel, check in
by the QR code or by position, check out. Each answers the volunteer's attendance as it now stands; every call
is idempotent (a second sign-up, check-in or check-out changes nothing)."""
from datetime import datetime

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import clock
from webapp.activities.forms import parse_proof
from webapp.api.blueprint import bp
from webapp.errors import BadRequest
from webapp.models import Attendance
from webapp.models.reports import as_utc
from webapp.services.organizing import activities


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def _attendance(attendance: Attendance):
    return jsonify({"activity_id": attendance.activity_id, "state": activities.state(attendance, clock.now()),
                    "checked_in_at": _iso(attendance.checked_in_at), "checked_out_at": _iso(attendance.checked_out_at),
                    "hours": attendance.hours, "method": attendance.check_in_method})


@bp.post("/activities/<int:activity_id>/sign-up")
@login_required
def activity_sign_up(activity_id: int):
    return _attendance(activities.sign_up(current_user, activity_id))


@bp.delete("/activities/<int:activity_id>/sign-up")
@login_required
def activity_cancel(activity_id: int):
    return _attendance(activities.cancel_sign_up(current_user, activity_id))


@bp.post("/activities/<int:activity_id>/check-in")
@login_required
def activity_check_in(activity_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(_l('Send a JSON object: {"code": ...}, or {"lon": ..., "lat": ..., "accuracy_m": ...}.'))
    return _attendance(activities.check_in(current_user, activity_id, **parse_proof(body).as_kwargs()))


@bp.post("/activities/<int:activity_id>/check-out")
@login_required
def activity_check_out(activity_id: int):
    return _attendance(activities.check_out(current_user, activity_id))

"""GET /activities/ (my activities), POST sign-up and cancel, GET/POST the check-in page the QR code opens,
POST check-out. Each POST flashes what happened (or why not) and goes back to the page it came from."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.activities.blueprint import bp, clock_time, hours_text
from webapp.activities.forms import parse_proof
from webapp.errors import DomainError, Forbidden
from webapp.services.organizing import activities
from webapp.urls import local_path


def _back(default: str) -> str:
    """The form's hidden `next` if it is a path on this site, else `default`."""
    return local_path(request.form.get("next")) or default


def _check_in_page(activity_id: int) -> str:
    return url_for("activities.check_in", activity_id=activity_id)


def _flash_error(err: DomainError) -> None:
    if isinstance(err, Forbidden):  # not theirs to do: the error page says why, with its status
        raise err
    flash(str(err.message), "error")


@bp.get("/")
@login_required
def index():
    listing = activities.activities_for_volunteer(current_user, clock.now())
    return render_template("activities/index.html", listing=listing)


@bp.post("/<int:activity_id>/sign-up")
@login_required
def sign_up(activity_id: int):
    back = _back(url_for("activities.index"))
    try:
        attendance = activities.sign_up(current_user, activity_id)
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("You are signed up for “%(title)s”. See you there!", title=attendance.activity.title), "success")
    return redirect(back)


@bp.post("/<int:activity_id>/cancel")
@login_required
def cancel(activity_id: int):
    back = _back(url_for("activities.index"))
    try:
        attendance = activities.cancel_sign_up(current_user, activity_id)
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("Your sign-up for “%(title)s” is cancelled.", title=attendance.activity.title), "success")
    return redirect(back)


@bp.get("/<int:activity_id>/check-in")
@login_required
def check_in(activity_id: int):
    # Signed out, login_required sends the QR code's link (with ?code=) to sign-in as `next`, and back here.
    view = activities.activity_for_volunteer(current_user, activity_id, clock.now())
    code = (request.args.get("code") or "").strip()[:64]
    here = url_for("activities.check_in", activity_id=activity_id, code=code or None)
    return render_template("activities/check_in.html", view=view, code=code, here=here)


@bp.post("/<int:activity_id>/check-in")
@login_required
def record_check_in(activity_id: int):
    back = _back(_check_in_page(activity_id))
    try:
        attendance = activities.check_in(current_user, activity_id, **parse_proof(request.form).as_kwargs())
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("Checked in at %(time)s. Welcome!", time=clock_time(attendance.checked_in_at)), "success")
    return redirect(back)


@bp.post("/<int:activity_id>/check-out")
@login_required
def check_out(activity_id: int):
    back = _back(_check_in_page(activity_id))
    try:
        attendance = activities.check_out(current_user, activity_id)
    except DomainError as err:
        _flash_error(err)
    else:
        flash(_("Checked out. Hours credited: %(hours)s. Thank you!", hours=hours_text(attendance.hours)), "success")
    return redirect(back)


@bp.get("/<int:activity_id>/sign-up")
@bp.get("/<int:activity_id>/cancel")
@bp.get("/<int:activity_id>/check-out")
@login_required
def back_to_activity(activity_id: int):
    """A button pressed while signed out comes back here after sign-in (as a GET): show the activity again."""
    return redirect(_check_in_page(activity_id))

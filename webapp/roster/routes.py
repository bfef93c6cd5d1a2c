"""The roster (tablet and desktop): the street's volunteers with filters, a volunteer's profile, approving
residents as volunteers, roles, deactivation, invitations with a QR code, the CSV import with its preview,
and the CSV / xlsx export."""
import base64

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.errors import BadRequest, Conflict, DomainError
from webapp.models import Role
from webapp.periods import chosen_period
from webapp.qr import qr_svg
from webapp.roster.blueprint import bp
from webapp.roster.scope import managed_street
from webapp.services.organizing import roster_files
from webapp.services.organizing import roster as volunteer_accounts
from webapp.services.organizing.roster import RosterFilter
from webapp.services.organizing.roster_files import RosterInvalid
from webapp.services.volunteers import accounts
from webapp.spreadsheets import csv_bytes, xlsx_bytes
from webapp.uploads import imported_file

INVITE_ROLES = (Role.STEWARD, Role.OLD_NEIGHBOUR)


def _number(name: str, kind=int):
    raw = (request.args.get(name) or "").strip()
    try:
        return kind(raw) if raw else None
    except ValueError:
        raise BadRequest(_("Please enter a number."), field=name)


def roster_filter() -> RosterFilter:
    return RosterFilter(text=request.args.get("q", ""), role=request.args.get("role", ""),
                        team=request.args.get("team", ""), status=request.args.get("status", ""),
                        idle_days=_number("idle_days"), min_hours=_number("min_hours", float),
                        sort=request.args.get("sort", ""))


def roster_query():
    """What the roster is asked for: (now, this year, the period of the problems counted, whether it was chosen,
    the filter)."""
    now = clock.now()
    year = now.astimezone(clock.BEIJING).year
    period, chosen = chosen_period(request.args, year, clock.today())
    return now, year, period, chosen, roster_filter()


@bp.get("/")
@login_required
def index():
    street = managed_street(current_user)
    now, year, period, chosen, wanted = roster_query()
    rows = volunteer_accounts.roster_page(street.id, year, now, wanted, period)
    return render_template("roster/index.html", street=street, rows=rows, wanted=wanted, year=year, now=now,
                           period=period, period_chosen=chosen, rule_labels=roster_files.STATUS_LABELS,
                           teams=volunteer_accounts.team_names(street.id),
                           residents=volunteer_accounts.residents_to_approve(street.id))


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    street = managed_street(current_user)
    now = clock.now()
    year = request.args.get("year", type=int) or now.astimezone(clock.BEIJING).year
    period, chosen = chosen_period(request.args, year, clock.today())
    shown = volunteer_accounts.profile(current_user, street.id, user_id, year, now, period)
    return render_template("roster/person.html", street=street, p=shown, now=now, period_chosen=chosen,
                           rule_labels=roster_files.STATUS_LABELS)


def _done(target: str, message: str | None, category: str = "success"):
    """Back to the page the form was on, with what happened (or the error, in the user's language)."""
    if message:
        flash(message, category)
    return redirect(target)


@bp.post("/people/<int:user_id>/roles")
@login_required
def set_roles(user_id: int):
    street = managed_street(current_user)
    target = url_for("roster.person", user_id=user_id, street=street.id)
    try:
        volunteer_accounts.set_volunteer_roles(current_user, street.id, user_id, set(request.form.getlist("roles")))
    except (BadRequest, Conflict) as err:
        return _done(target, err.message, "error")
    return _done(target, _("Roles saved."))


@bp.post("/people/<int:user_id>/approve")
@login_required
def approve(user_id: int):
    street = managed_street(current_user)
    role = request.form.get("role", Role.STEWARD.value)
    try:
        user = volunteer_accounts.set_volunteer_roles(current_user, street.id, user_id, {role})
    except (BadRequest, Conflict) as err:
        return _done(url_for("roster.index", street=street.id), err.message, "error")
    return _done(url_for("roster.index", street=street.id), _("%(name)s is now a volunteer.", name=user.display_name))


@bp.post("/people/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    street = managed_street(current_user)
    target = url_for("roster.person", user_id=user_id, street=street.id)
    try:
        released = volunteer_accounts.deactivate_volunteer(current_user, street.id, user_id)
    except (BadRequest, Conflict) as err:
        return _done(target, err.message, "error")
    if released:
        return _done(target, _("Deactivated. These alleys have no steward now: %(alleys)s",
                               alleys="、".join(released)))
    return _done(target, _("Deactivated."))


@bp.post("/people/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    street = managed_street(current_user)
    target = url_for("roster.person", user_id=user_id, street=street.id)
    try:
        volunteer_accounts.reactivate_volunteer(current_user, street.id, user_id)
    except (BadRequest, Conflict) as err:
        return _done(target, err.message, "error")
    return _done(target, _("Active again."))


# --- invitations -------------------------------------------------------------------------------------------

@bp.get("/invite")
@login_required
def invite():
    street = managed_street(current_user)
    shown = request.args.get("code")
    link = url_for("auth.invite", code=shown, _external=True) if shown else None
    return render_template("roster/invite.html", street=street, roles=INVITE_ROLES, link=link, code=shown,
                           qr=qr_svg(link) if link else None,
                           invitations=volunteer_accounts.invitations_of(street.id, clock.now()))


@bp.post("/invite")
@login_required
def create_invitation():
    street = managed_street(current_user)
    try:
        days = int(request.form.get("days") or 14)
        uses = int(request.form.get("max_uses") or 1)
    except ValueError:
        return _done(url_for("roster.invite", street=street.id), _("Please enter a number."), "error")
    try:
        invitation = accounts.create_invitation(current_user, street.id, request.form.get("role", ""),
                                                days=days, max_uses=uses)
    except (BadRequest, Conflict) as err:
        return _done(url_for("roster.invite", street=street.id), err.message, "error")
    return redirect(url_for("roster.invite", street=street.id, code=invitation.code))


# --- import and export -------------------------------------------------------------------------------------

@bp.get("/import")
@login_required
def import_roster():
    street = managed_street(current_user)
    return render_template("roster/import.html", street=street, rows=None, data=None, error=None)


def _uploaded() -> bytes:
    return imported_file(_("Please choose a CSV file."))


@bp.post("/import")
@login_required
def import_preview_or_commit():
    """Without `confirm`: the preview, every row with its errors. With it: the import (all rows or none)."""
    street = managed_street(current_user)
    try:
        data = _uploaded()
        if request.form.get("confirm"):
            created = roster_files.import_roster(current_user, street.id, data)
            flash(_("Imported %(count)d volunteers.", count=len(created)), "success")
            return redirect(url_for("roster.index", street=street.id))
        rows = roster_files.check_roster_csv(street.id, data)
        if not rows:
            raise BadRequest(_("The file has no volunteers in it."))
    except RosterInvalid as err:
        rows = roster_files.check_roster_csv(street.id, data)
        return render_template("roster/import.html", street=street, rows=rows, data=None, error=err.message), 400
    except DomainError as err:
        return render_template("roster/import.html", street=street, rows=None, data=None,
                               error=err.message), err.http_status
    carried = base64.b64encode(data).decode() if not any(row.errors for row in rows) else None
    return render_template("roster/import.html", street=street, rows=rows, data=carried, error=None)


@bp.get("/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str):
    street = managed_street(current_user)
    now, year, period, chosen, wanted = roster_query()
    rows = roster_files.export_rows(volunteer_accounts.roster_page(street.id, year, now, wanted, period))
    headers = roster_files.export_headers()
    span = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}" if chosen else str(year)
    name = f"roster-{street.id}-{span}.{kind}"
    if kind == "csv":
        body, mimetype = csv_bytes(headers, rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(headers, rows, _("Volunteers"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})

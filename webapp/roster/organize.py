"""The organizer's pages for a street's teams, service posts and group activities (tablet and desktop first).
Each POST changes one thing through webapp/services/organizing/teams.py or activities.py and comes back with a flash;
a refused change (a DomainError other than Forbidden) is flashed in the reader's language and changes nothing."""
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.clock import BEIJING
from webapp.errors import BadRequest, DomainError, Forbidden
from webapp.periods import chosen_period
from webapp.policies import can_manage_roster_anywhere
from webapp.qr import qr_svg
from webapp.reports.blueprint import beijing_time
from webapp.roster.blueprint import bp
from webapp.roster.scope import managed_street
from webapp.services.organizing import activities as activity_rules
from webapp.services.organizing import listings
from webapp.services.organizing import teams as rosters

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _organizer_only() -> None:
    """Nobody but organizers and admins gets further (nor learns which teams or activities exist)."""
    if not can_manage_roster_anywhere(current_user):
        raise Forbidden()


def _street_of(obj):
    """The street of a team, post or activity, if the user may manage it (else Forbidden, whatever ?street= says)."""
    return managed_street(current_user, obj.street_id)


def _user_id(form, name: str = "user_id") -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise BadRequest(_("Choose a volunteer."))


def _changed(action, done, back: str):
    """Run one service call; flash what was done, or why not; go back to the page."""
    try:
        result = action()
    except Forbidden:
        raise
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect(back)
    flash(done(result) if callable(done) else done, "success")
    return redirect(back)


# --- teams ------------------------------------------------------------------------------------------------

@bp.get("/teams")
@login_required
def teams():
    _organizer_only()
    street = managed_street(current_user)
    return render_template("roster/teams.html", street=street, teams=listings.teams_of_street(street.id),
                           alleys=listings.street_alleys(street.id))


@bp.post("/teams")
@login_required
def create_team():
    _organizer_only()
    street = managed_street(current_user)
    name, alley_ids = request.form.get("name", ""), _alley_ids(request.form)
    try:
        team = rosters.create_team(current_user, street.id, name, alley_ids)
    except Forbidden:
        raise
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect(url_for("roster.teams", street=street.id))
    flash(_("Team created: %(name)s", name=team.name), "success")
    return redirect(url_for("roster.team", team_id=team.id))


def _alley_ids(form) -> list[int]:
    try:
        return [int(value) for value in form.getlist("alley_ids")]
    except ValueError:
        raise BadRequest(_("Every alley must belong to the team's street."))


def _year() -> int:
    this_year = clock.today().year
    year = request.args.get("year", type=int) or this_year
    if not 2000 <= year <= this_year:
        raise BadRequest(_("Choose a year from 2000 to %(year)s.", year=this_year))
    return year


@bp.get("/teams/<int:team_id>")
@login_required
def team(team_id: int):
    _organizer_only()
    street = _street_of(listings.get_team(team_id))
    year = _year()
    period, chosen = chosen_period(request.args, year, clock.today())
    return render_template("roster/team.html", street=street,
                           page=listings.team_page(team_id, year, clock.now(), period), period_chosen=chosen,
                           alleys=listings.street_alleys(street.id), this_year=clock.today().year)


def _team_back(team_id: int, anchor: str = "") -> str:
    return url_for("roster.team", team_id=team_id) + anchor


@bp.post("/teams/<int:team_id>/alleys")
@login_required
def set_team_alleys(team_id: int):
    _organizer_only()
    _street_of(listings.get_team(team_id))
    back = _team_back(team_id, "#team-alleys")
    try:
        alley_ids = _alley_ids(request.form)
    except BadRequest as err:
        flash(str(err.message), "error")
        return redirect(back)
    return _changed(lambda: rosters.set_team_alleys(current_user, team_id, alley_ids),
                    _("The team's alleys are saved."), back)


@bp.post("/teams/<int:team_id>/members")
@login_required
def add_member(team_id: int):
    _organizer_only()
    _street_of(listings.get_team(team_id))
    back = _team_back(team_id, "#team-members")
    leader = request.form.get("leader") in ("1", "on")
    return _changed(lambda: rosters.add_to_team(current_user, team_id, _user_id(request.form), leader=leader),
                    lambda m: _("%(name)s joined the team.", name=m.user.display_name), back)


@bp.post("/teams/<int:team_id>/members/<int:user_id>/leader")
@login_required
def set_leader(team_id: int, user_id: int):
    _organizer_only()
    _street_of(listings.get_team(team_id))
    leader = request.form.get("leader") == "1"
    return _changed(lambda: rosters.set_team_leader(current_user, team_id, user_id, leader),
                    lambda m: (_("%(name)s is now a leader of the team.", name=m.user.display_name) if leader else
                               _("%(name)s is no longer a leader of the team.", name=m.user.display_name)),
                    _team_back(team_id, "#team-members"))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    _organizer_only()
    _street_of(listings.get_team(team_id))
    return _changed(lambda: rosters.remove_from_team(current_user, team_id, user_id),
                    lambda m: _("%(name)s left the team.", name=m.user.display_name),
                    _team_back(team_id, "#team-members"))


# --- service posts ------------------------------------------------------------------------------------------

@bp.get("/posts")
@login_required
def posts():
    _organizer_only()
    street = managed_street(current_user)
    return render_template("roster/posts.html", street=street, posts=listings.posts_of_street(street.id),
                           volunteers=listings.street_volunteers(street.id))


@bp.post("/posts")
@login_required
def create_post():
    _organizer_only()
    street = managed_street(current_user)
    form = request.form
    return _changed(lambda: rosters.create_post(current_user, street.id, form.get("name", ""), form.get("duties", "")),
                    lambda p: _("Service post created: %(name)s", name=p.name),
                    url_for("roster.posts", street=street.id))


@bp.post("/posts/<int:post_id>/holders")
@login_required
def assign_post(post_id: int):
    _organizer_only()
    street = _street_of(listings.get_post(post_id))
    return _changed(lambda: rosters.take_post(current_user, post_id, _user_id(request.form)),
                    lambda h: _("%(name)s now holds the post %(post)s.", name=h.user.display_name, post=h.post.name),
                    url_for("roster.posts", street=street.id) + f"#post-{post_id}")


@bp.post("/posts/<int:post_id>/holders/<int:user_id>/release")
@login_required
def release_post(post_id: int, user_id: int):
    _organizer_only()
    street = _street_of(listings.get_post(post_id))
    return _changed(lambda: rosters.leave_post(current_user, post_id, user_id),
                    lambda h: _("%(name)s no longer holds the post %(post)s.", name=h.user.display_name,
                                post=h.post.name),
                    url_for("roster.posts", street=street.id) + f"#post-{post_id}")


# --- activities ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityForm:
    """The schedule form, parsed: times typed in Beijing time become aware UTC."""
    title: str
    place: str
    lon: float
    lat: float
    starts_at: datetime
    ends_at: datetime
    capacity: int
    team_id: int | None

    @classmethod
    def parse(cls, form) -> "ActivityForm":
        try:
            lon, lat = float(form.get("lon", "")), float(form.get("lat", ""))
        except ValueError:
            raise BadRequest(_("Pick the place on the map: tap where the activity meets."), field="point")
        try:
            capacity = int(form.get("capacity", ""))
        except ValueError:
            raise BadRequest(_("The capacity must be between 1 and 1000."), field="capacity")
        team = form.get("team_id") or ""
        if team and not team.isdigit():
            raise BadRequest(_("The team must be one of the street's."), field="team_id")
        return cls(title=form.get("title", ""), place=form.get("place", ""), lon=lon, lat=lat,
                   starts_at=beijing_to_utc(form.get("starts_at", ""), _("Enter when the activity starts.")),
                   ends_at=beijing_to_utc(form.get("ends_at", ""), _("Enter when the activity ends.")),
                   capacity=capacity, team_id=int(team) if team else None)


def beijing_to_utc(value: str, message: str) -> datetime:
    """A datetime-local value (Beijing wall time, minutes or seconds) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise BadRequest(message)
    if moment.tzinfo is not None:  # the form sends wall time only; anything else is not from it
        raise BadRequest(message)
    return moment.replace(tzinfo=BEIJING).astimezone(timezone.utc)


def utc_to_beijing_input(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(BEIJING).strftime(DATETIME_LOCAL)


@bp.app_template_global("beijing_span")
def beijing_span(starts_at: datetime, ends_at: datetime, length: str = "short") -> str:
    """A time span in Beijing time (3月5日 09:30–11:30), the end's day written only when it differs."""
    start, end = (utc_to_beijing_input(m) for m in (starts_at, ends_at))
    if start[:10] == end[:10]:
        return f"{beijing_time(starts_at, length)}–{end[11:]}"
    return f"{beijing_time(starts_at, length)} – {beijing_time(ends_at, length)}"


def _activities_page(street, error=None, status=200):
    upcoming, past, more = listings.activities_of_street(street.id, clock.now())
    picker = {"bbox": listings.alleys_extent(street.id), "streetId": street.id,
              "alleysUrl": url_for("api.alleys")}
    return render_template("roster/activities.html", street=street, upcoming=upcoming, past=past, more_past=more,
                           teams=listings.teams_of_street(street.id), picker=picker, error=error,
                           submitted=request.form if error else None), status


@bp.get("/activities")
@login_required
def activities():
    _organizer_only()
    return _activities_page(managed_street(current_user))


@bp.post("/activities")
@login_required
def schedule_activity():
    _organizer_only()
    street = managed_street(current_user)
    try:
        form = ActivityForm.parse(request.form)
        activity = activity_rules.schedule_activity(
            current_user, street.id, title=form.title, place=form.place, lon=form.lon, lat=form.lat,
            starts_at=form.starts_at, ends_at=form.ends_at, capacity=form.capacity, team_id=form.team_id)
    except Forbidden:
        raise
    except DomainError as err:
        # The page again with what was typed (the map point too) and the message above the form.
        return _activities_page(street, error=str(err.message), status=err.http_status)
    flash(_("Activity scheduled: %(title)s", title=activity.title), "success")
    return redirect(url_for("roster.activity", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>")
@login_required
def activity(activity_id: int):
    _organizer_only()
    street = _street_of(listings.get_activity(activity_id))
    page = listings.activity_page(activity_id, clock.now())
    a = page.activity
    check_in_url = url_for("activities.check_in", activity_id=a.id, code=a.check_in_code, _external=True)
    return render_template("roster/activity.html", street=street, page=page, check_in_url=check_in_url,
                           qr=qr_svg(check_in_url), max_hours=activity_rules.MAX_CREDIT_HOURS)


@bp.post("/activities/<int:activity_id>/hours")
@login_required
def credit_hours(activity_id: int):
    _organizer_only()
    _street_of(listings.get_activity(activity_id))
    back = url_for("roster.activity", activity_id=activity_id) + "#attendance"

    def credit():
        try:
            hours = float(request.form.get("hours", ""))
        except ValueError:
            raise BadRequest(_("Hours must be between 0 and %(n)s.", n=activity_rules.MAX_CREDIT_HOURS))
        return activity_rules.credit_hours(current_user, activity_id, _user_id(request.form), hours)

    return _changed(credit, lambda a: _("%(name)s: %(hours)s hours credited.", name=a.user.display_name,
                                        hours=f"{a.hours:g}"), back)

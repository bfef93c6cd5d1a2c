"""An organizer's hand on the street's volunteers: the roster with filters, a volunteer's profile, approving
residents who registered themselves as volunteers, changing their volunteer roles, deactivating (history
kept: claims, teams and posts close, the alleys become unclaimed and the street's chiefs and organizers are
told) and reactivating."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from webapp import clock
from webapp.errors import BadRequest, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import (Activity, Alley, Attendance, Claim, Invitation, NotificationKind, PostHolding, Role,
                           RoleGrant, ServicePost, Team, TeamMembership, User)
from webapp.models.places import utcnow
from webapp.models.reports import as_utc
from webapp.policies import VOLUNTEER, can_manage_roster
from webapp.services.notifications.outbox import chiefs_of, notify
from webapp.services.organizing import roster_files
from webapp.services.volunteers.achievements import Period, volunteer_achievements, year_period
from webapp.services.volunteers.hours import last_active, ledger, standings

ROLE_BY_VALUE = {role.value: role for role in VOLUNTEER}
# The columns the roster sorts by ("-hours": most first); by name otherwise.
SORT_KEYS = ("name", "hours", "on_the_spot", "escalated", "confirmed")


@dataclass(frozen=True)
class RosterFilter:
    """What the roster page narrows the list to (empty fields mean everyone) and the column it sorts by."""
    text: str = ""  # part of the name or the mobile number
    role: str = ""  # steward | old_neighbour
    team: str = ""  # a team's name
    status: str = ""  # active | inactive (deactivated) | met | at_risk | not_met
    idle_days: int | None = None  # no patrol, activity or report in this many days
    min_hours: float | None = None  # at least this many hours this year
    sort: str = ""  # one of SORT_KEYS, "-" before it for the largest first


def roster_page(street_id: int, year: int, now: datetime, wanted: RosterFilter,
                period: Period | None = None) -> list[dict]:
    """The street's volunteers as roster_files.roster() gives them (their problems counted in `period`, the year
    unless given), with their last activity, narrowed to `wanted` and sorted as it asks."""
    descending, key = wanted.sort.startswith("-"), wanted.sort.lstrip("-") or "name"
    if key not in SORT_KEYS:
        raise BadRequest(_l("Unknown column to sort by."), field="sort")
    rows = roster_files.roster(street_id, year, now, period)
    seen = last_active([row["id"] for row in rows])
    for row in rows:
        row["last_active"] = seen[row["id"]]
    shown = [row for row in rows if _matches(row, wanted, now)]
    if key != "name" or descending:  # the rows come by name; ties keep that order
        shown.sort(key=lambda row: row[key], reverse=descending)
    return shown


def _matches(row: dict, wanted: RosterFilter, now: datetime) -> bool:
    text = wanted.text.strip().lower()
    if text and text not in row["name"].lower() and text not in row["phone"]:
        return False
    if wanted.role and wanted.role not in row["role_codes"]:
        return False
    if wanted.team and wanted.team not in row["teams"].split("、"):
        return False
    if wanted.status == "active" and not row["is_active"] or wanted.status == "inactive" and row["is_active"]:
        return False
    if wanted.status in ("met", "at_risk", "not_met") and row["rule"] != wanted.status:
        return False
    if wanted.idle_days is not None:
        last = row["last_active"]
        if last is not None and last > now - timedelta(days=wanted.idle_days):
            return False
    if wanted.min_hours is not None and row["hours"] < wanted.min_hours:
        return False
    return True


def team_names(street_id: int) -> list[str]:
    return list(db.session.scalars(select(Team.name).where(Team.street_id == street_id).order_by(Team.name)))


def _volunteer_of(organizer: User, street_id: int, user_id: int, roles=VOLUNTEER) -> User:
    """The user, if they hold one of `roles` in the street the organizer manages."""
    if not can_manage_roster(organizer, street_id):
        raise Forbidden()
    user = db.session.get(User, user_id)
    if user is None or not any(user.has_role(role, street_id) for role in roles):
        raise NotFound(_l("No such volunteer in this street."))
    return user


def profile(organizer: User, street_id: int, user_id: int, year: int, now: datetime,
            period: Period | None = None) -> dict:
    """One volunteer as the organizer sees them: roles, alleys, posts, teams, activities, patrols and hours, and
    the problems they handled in `period` (the year unless given)."""
    user = _volunteer_of(organizer, street_id, user_id, roles=VOLUNTEER + (Role.RESIDENT,))
    alleys = db.session.execute(select(Alley.name, Claim.claimed_at, Claim.left_at).join(Alley)
                                .where(Claim.user_id == user.id).order_by(Claim.claimed_at.desc())).all()
    teams = db.session.execute(select(Team.name, TeamMembership.is_leader, TeamMembership.joined_at,
                                      TeamMembership.left_at).join(Team)
                               .where(TeamMembership.user_id == user.id).order_by(TeamMembership.joined_at.desc())).all()
    posts = db.session.execute(select(ServicePost.name, PostHolding.taken_at, PostHolding.left_at).join(ServicePost)
                               .where(PostHolding.user_id == user.id).order_by(PostHolding.taken_at.desc())).all()
    period = period or year_period(year)
    return {"user": user, "roles": [g for g in user.grants], "alleys": alleys, "teams": teams, "posts": posts,
            "ledger": ledger(user.id, year), "standing": standings([user.id], year, now)[user.id],
            "last_active": last_active([user.id])[user.id], "year": year,
            "achieved": volunteer_achievements([user.id], period)[user.id], "period": period,
            "is_old_neighbour": user.has_role(Role.OLD_NEIGHBOUR, street_id),
            "role_codes": {g.role.value for g in user.grants if g.street_id == street_id}}


def residents_to_approve(street_id: int, limit: int = 50) -> list[User]:
    """Residents of the street who registered themselves and hold no volunteer role there yet, newest first."""
    volunteers = select(RoleGrant.user_id).where(RoleGrant.street_id == street_id, RoleGrant.role.in_(VOLUNTEER))
    return list(db.session.scalars(
        select(User).join(RoleGrant).where(RoleGrant.street_id == street_id, RoleGrant.role == Role.RESIDENT,
                                           User.active.is_(True), User.id.not_in(volunteers))
        .order_by(User.created_at.desc(), User.id.desc()).limit(limit)))


def set_volunteer_roles(organizer: User, street_id: int, user_id: int, wanted: set[str]) -> User:
    """Make a resident or volunteer of the street a steward, an Old Neighbour, both, or neither (a resident
    again). Someone who stops being a steward leaves their alleys, which become unclaimed."""
    unknown = set(wanted) - set(ROLE_BY_VALUE)
    if unknown:
        raise BadRequest(_l("Unknown role."), field="roles")
    user = _volunteer_of(organizer, street_id, user_id, roles=VOLUNTEER + (Role.RESIDENT,))
    keep = {ROLE_BY_VALUE[value] for value in wanted}
    try:
        for grant in list(user.grants):
            if grant.street_id == street_id and grant.role in VOLUNTEER and grant.role not in keep:
                user.grants.remove(grant)
        held = {g.role for g in user.grants if g.street_id == street_id}
        for role in keep - held:
            user.grants.append(RoleGrant(role=role, street_id=street_id))
        if not keep and not any(g.street_id == street_id for g in user.grants):
            user.grants.append(RoleGrant(role=Role.RESIDENT, street_id=street_id))
        if keep and Role.RESIDENT in held:
            user.grants[:] = [g for g in user.grants if not (g.street_id == street_id and g.role is Role.RESIDENT)]
        released = _release_claims(user.id, street_id) if Role.STEWARD not in keep else []
        if not keep:
            _leave_teams_and_posts(user.id, street_id)
        _tell_street(street_id, user, released)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user


def deactivate_volunteer(organizer: User, street_id: int, user_id: int) -> list[str]:
    """Close the account: it can no longer sign in (every session ends), its claims, teams and posts close
    (kept as history) and the street's chiefs and organizers hear which alleys lost their steward.
    Returns the names of those alleys."""
    user = _volunteer_of(organizer, street_id, user_id)
    if user.id == organizer.id:
        raise BadRequest(_l("You cannot deactivate yourself."))
    try:
        released = _release_claims(user.id, None)
        _leave_teams_and_posts(user.id, None)
        _cancel_coming_activities(user.id)
        user.active = False
        user.login_token = secrets.token_hex(16)  # part of every session id: all of theirs end now
        _tell_street(street_id, user, released)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return released


def reactivate_volunteer(organizer: User, street_id: int, user_id: int) -> User:
    """Open the account again; claims, teams and posts stay closed until taken again."""
    user = _volunteer_of(organizer, street_id, user_id)
    user.active = True
    db.session.commit()
    return user


def _release_claims(user_id: int, street_id: int | None) -> list[str]:
    """Close the user's open claims (in one street, or all) and free their places; the alleys' names."""
    query = select(Claim.id, Alley.id, Alley.name).join(Alley).where(Claim.user_id == user_id,
                                                                     Claim.left_at.is_(None))
    if street_id is not None:
        query = query.where(Alley.street_id == street_id)
    rows = db.session.execute(query).all()
    now = utcnow()
    for claim_id, alley_id, _name in rows:
        closed = db.session.execute(update(Claim).where(Claim.id == claim_id, Claim.left_at.is_(None))
                                    .values(left_at=now)).rowcount
        if closed:
            db.session.execute(update(Alley).where(Alley.id == alley_id, Alley.steward_count > 0)
                               .values(steward_count=Alley.steward_count - 1))
            db.session.execute(update(User).where(User.id == user_id, User.open_claims > 0)
                               .values(open_claims=User.open_claims - 1))
    return [name for _claim, _alley, name in rows]


def _leave_teams_and_posts(user_id: int, street_id: int | None) -> None:
    now = utcnow()
    for model, parent, key, counter in ((TeamMembership, Team, TeamMembership.team_id, User.open_teams),
                                        (PostHolding, ServicePost, PostHolding.post_id, User.open_posts)):
        ids = select(parent.id) if street_id is None else select(parent.id).where(parent.street_id == street_id)
        closed = db.session.execute(update(model).where(model.user_id == user_id, model.left_at.is_(None),
                                                        key.in_(ids)).values(left_at=now)).rowcount
        if closed:
            db.session.execute(update(User).where(User.id == user_id).values({counter: counter - closed}))


def _cancel_coming_activities(user_id: int) -> None:
    """Free the places a deactivated volunteer holds in activities that have not started."""
    now = clock.now()
    coming = db.session.execute(select(Attendance.id, Attendance.activity_id).join(Activity).where(
        Attendance.user_id == user_id, Attendance.cancelled_at.is_(None), Attendance.checked_in_at.is_(None),
        Activity.starts_at > now)).all()
    for attendance_id, activity_id in coming:
        db.session.execute(update(Attendance).where(Attendance.id == attendance_id).values(cancelled_at=now))
        db.session.execute(update(Activity).where(Activity.id == activity_id, Activity.signed_up > 0)
                           .values(signed_up=Activity.signed_up - 1))


def _tell_street(street_id: int, volunteer: User, alleys: list[str]) -> None:
    if not alleys:
        return
    organizers = db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.street_id == street_id, RoleGrant.role == Role.ORGANIZER)).all()
    told = sorted(set(chiefs_of(street_id)) | set(organizers))
    notify(told, NotificationKind.ALLEYS_RELEASED, None, volunteer=volunteer.display_name, alleys="、".join(alleys),
           street_id=street_id)


def invitations_of(street_id: int, now: datetime, limit: int = 30) -> list[dict]:
    """The street's volunteer invitations, newest first, with whether they can still be used."""
    rows = db.session.scalars(select(Invitation).where(Invitation.street_id == street_id,
                                                       Invitation.role.in_(VOLUNTEER))
                              .order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(limit))
    return [{"code": i.code, "role": i.role, "uses": i.uses, "max_uses": i.max_uses, "expires_at": i.expires_at,
             "usable": i.uses < i.max_uses and as_utc(i.expires_at) > now} for i in rows]

"""Group activities (集中活动): an organizer schedules one; volunteers sign up or cancel; on the day they check
in by the QR code shown at the place or by their phone's position, and check out; hours are credited on
check-out or by the organizer.

The rules, in one place:
- sign-up: up to the capacity (a conditional update holds it under concurrent requests); cancelling before
  the start frees the place; a team's activity is for its members, an open one for the street's volunteers;
- check-in: from CHECK_IN_OPENS_MINUTES before the start until the end; with the activity's QR code, or
  with a position within CHECK_IN_RADIUS_M of the place whose accuracy is no worse than that radius. A
  volunteer who did not sign up is signed up by checking in, if there is room;
- hours on check-out: the time between check-in and check-out that lies within the activity (none before
  the start, none after the end), in hours to two decimals; an organizer may credit hours instead (0 to 24);
- no-show: signed up, not cancelled, never checked in, and the activity over (derived, never stored).
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from geo.metric import distance_m
from webapp import clock
from webapp.errors import ActivityFull, BadRequest, CheckInRefused, Conflict, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Activity, Attendance, Team, TeamMembership, User
from webapp.models.reports import as_utc
from webapp.policies import can_attend_activity, can_manage_roster, is_volunteer_of

SIGNED_UP, CANCELLED, CHECKED_IN, ATTENDED, NO_SHOW = "signed_up", "cancelled", "checked_in", "attended", "no_show"
MAX_CREDIT_HOURS = 24


def schedule_activity(organizer: User, street_id: int, *, title: str, place: str, lon: float, lat: float,
                      starts_at: datetime, ends_at: datetime, capacity: int, team_id: int | None = None) -> Activity:
    if not can_manage_roster(organizer, street_id):
        raise Forbidden()
    title, place = (title or "").strip(), (place or "").strip()
    if not (1 <= len(title) <= 80) or not (1 <= len(place) <= 120):
        raise BadRequest(_l("An activity needs a title (up to 80 characters) and a place (up to 120)."))
    if as_utc(ends_at) <= as_utc(starts_at):
        raise BadRequest(_l("An activity must end after it starts."))
    if not 1 <= capacity <= 1000:
        raise BadRequest(_l("The capacity must be between 1 and 1000."))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadRequest(_l("The place needs a position on the map."))
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.street_id != street_id:
            raise BadRequest(_l("The team must be one of the street's."))
    activity = Activity(street_id=street_id, team_id=team_id, title=title, place=place, lon=lon, lat=lat,
                        starts_at=starts_at, ends_at=ends_at, capacity=capacity, created_by_id=organizer.id,
                        check_in_code=secrets.token_urlsafe(16))
    db.session.add(activity)
    db.session.commit()
    return activity


def get_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.cancelled_at is not None:
        raise NotFound(_l("No such activity."))
    return activity


def attendance_of(activity_id: int, user_id: int) -> Attendance | None:
    return db.session.scalar(db.select(Attendance).where(Attendance.activity_id == activity_id,
                                                         Attendance.user_id == user_id))


def state(attendance: Attendance, now: datetime) -> str:
    if attendance.cancelled_at is not None:
        return CANCELLED
    if attendance.checked_in_at is None:
        return NO_SHOW if now >= as_utc(attendance.activity.ends_at) else SIGNED_UP
    return ATTENDED if attendance.checked_out_at is not None or attendance.hours > 0 else CHECKED_IN


def sign_up(user: User, activity_id: int) -> Attendance:
    activity = get_activity(activity_id)
    _may_attend(user, activity)
    if clock.now() >= as_utc(activity.starts_at):
        raise Conflict(_l("This activity has started: sign-up is closed."))
    try:
        attendance = _take_place(user, activity)
        db.session.commit()
    except IntegrityError:  # the same volunteer's parallel request signed up first
        db.session.rollback()
        return attendance_of(activity.id, user.id)
    return attendance


def cancel_sign_up(user: User, activity_id: int) -> Attendance:
    activity = get_activity(activity_id)
    attendance = attendance_of(activity.id, user.id)
    if attendance is None or attendance.cancelled_at is not None:
        raise NotFound(_l("You are not signed up for this activity."))
    if clock.now() >= as_utc(activity.starts_at) or attendance.checked_in_at is not None:
        raise Conflict(_l("This activity has started: it can no longer be cancelled."))
    attendance.cancelled_at = clock.now()
    db.session.execute(update(Activity).where(Activity.id == activity.id, Activity.signed_up > 0)
                       .values(signed_up=Activity.signed_up - 1))
    db.session.commit()
    return attendance


def check_in(user: User, activity_id: int, *, code: str | None = None, lon: float | None = None,
             lat: float | None = None, accuracy_m: float | None = None) -> Attendance:
    """By the QR code's secret, or by position (see the module's rules)."""
    activity = get_activity(activity_id)
    _may_attend(user, activity)
    now, settings = clock.now(), current_app.config
    opens = as_utc(activity.starts_at) - timedelta(minutes=settings["CHECK_IN_OPENS_MINUTES"])
    if not opens <= now < as_utc(activity.ends_at):
        raise CheckInRefused(_l("Check-in is open from %(n)s minutes before the start until the end.",
                                n=settings["CHECK_IN_OPENS_MINUTES"]))
    method, distance = _proof_of_presence(activity, code, lon, lat, accuracy_m, settings["CHECK_IN_RADIUS_M"])
    attendance = attendance_of(activity.id, user.id)
    if attendance is not None and attendance.checked_in_at is not None and attendance.cancelled_at is None:
        return attendance  # a second scan changes nothing
    try:
        if attendance is None or attendance.cancelled_at is not None:
            attendance = _take_place(user, activity)
        attendance.checked_in_at, attendance.check_in_method, attendance.check_in_distance_m = now, method, distance
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return attendance


def _proof_of_presence(activity, code, lon, lat, accuracy_m, radius_m) -> tuple[str, float | None]:
    if code:
        if not secrets.compare_digest(code, activity.check_in_code):
            raise CheckInRefused(_l("This QR code is not this activity's."))
        return "qr", None
    if lon is None or lat is None:
        raise BadRequest(_l("Scan the activity's QR code, or share your position to check in."))
    distance = distance_m(lon, lat, activity.lon, activity.lat)
    if accuracy_m is None or accuracy_m > radius_m:
        raise CheckInRefused(_l("Your position is not precise enough (%(m)s m); scan the QR code instead.",
                                m=round(accuracy_m) if accuracy_m is not None else "?"))
    if distance > radius_m:
        raise CheckInRefused(_l("You are %(d)s m from the place; check-in needs you within %(r)s m.",
                                d=round(distance), r=round(radius_m)))
    return "position", round(distance, 1)


def check_out(user: User, activity_id: int) -> Attendance:
    activity = get_activity(activity_id)
    attendance = attendance_of(activity.id, user.id)
    if attendance is None or attendance.checked_in_at is None or attendance.cancelled_at is not None:
        raise Conflict(_l("Check in first."))
    if attendance.checked_out_at is None:
        attendance.checked_out_at = clock.now()
        attendance.hours = hours_between(activity, as_utc(attendance.checked_in_at), attendance.checked_out_at)
        db.session.commit()
    return attendance


def hours_between(activity: Activity, checked_in: datetime, checked_out: datetime) -> float:
    start = max(checked_in, as_utc(activity.starts_at))
    end = min(checked_out, as_utc(activity.ends_at))
    return round(max((end - start).total_seconds(), 0) / 3600, 2)


def credit_hours(organizer: User, activity_id: int, user_id: int, hours: float) -> Attendance:
    """The organizer's word: the volunteer was there (checked in by the organizer if not yet) for `hours`."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(_l("No such activity."))
    if not can_manage_roster(organizer, activity.street_id):
        raise Forbidden()
    if not 0 <= hours <= MAX_CREDIT_HOURS:
        raise BadRequest(_l("Hours must be between 0 and %(n)s.", n=MAX_CREDIT_HOURS))
    attendance = attendance_of(activity.id, user_id)
    takes_place = attendance is None or attendance.cancelled_at is not None
    if attendance is None:
        volunteer = db.session.get(User, user_id)  # not on the list: one of the street's volunteers came unannounced
        if volunteer is None or not is_volunteer_of(volunteer, activity.street_id):
            raise BadRequest(_l("Only the street's volunteers can be credited with hours."))
        attendance = Attendance(activity_id=activity.id, user_id=volunteer.id, signed_up_at=clock.now())
        db.session.add(attendance)
    if takes_place:  # the organizer's word counts a place, whatever the capacity
        db.session.execute(update(Activity).where(Activity.id == activity.id)
                           .values(signed_up=Activity.signed_up + 1))
    attendance.cancelled_at = None
    if attendance.checked_in_at is None:
        attendance.checked_in_at, attendance.check_in_method = clock.now(), "organizer"
    attendance.hours, attendance.credited_by_id = round(hours, 2), organizer.id
    db.session.commit()
    return attendance


def _may_attend(user: User, activity: Activity) -> None:
    member = activity.team_id is not None and db.session.scalar(db.select(TeamMembership.id).where(
        TeamMembership.team_id == activity.team_id, TeamMembership.user_id == user.id,
        TeamMembership.left_at.is_(None))) is not None
    if not can_attend_activity(user, activity, team_member=member):
        raise Forbidden(_l("This activity is for the volunteers of its street (or of its team)."))


def _take_place(user: User, activity: Activity) -> Attendance:
    """A place within the capacity, counted by a conditional update; an earlier cancelled row is reused."""
    attendance = attendance_of(activity.id, user.id)
    if attendance is not None and attendance.cancelled_at is None:
        return attendance
    took = db.session.execute(update(Activity).where(Activity.id == activity.id,
                                                     Activity.signed_up < Activity.capacity)
                              .values(signed_up=Activity.signed_up + 1)).rowcount
    if not took:
        db.session.rollback()
        raise ActivityFull()
    if attendance is None:
        attendance = Attendance(activity_id=activity.id, user_id=user.id)
        db.session.add(attendance)
    attendance.signed_up_at, attendance.cancelled_at = clock.now(), None
    return attendance


# --- the volunteer's view: what each activity means for them now, and what they may do -------------------

RECENT_DAYS = 30  # a volunteer's own activities stay on their list this long after the end


@dataclass(frozen=True)
class VolunteerActivity:
    """One activity as a volunteer sees it: their state in it (None: not signed up) and what they may do now."""
    activity: Activity
    attendance: Attendance | None
    state: str | None
    places_left: int
    check_in_opens_at: datetime
    check_in_window: str  # "not_yet" | "open" | "over"
    can_sign_up: bool
    can_cancel: bool
    can_check_in: bool
    can_check_out: bool


@dataclass(frozen=True)
class VolunteerActivities:
    upcoming: list[VolunteerActivity]  # not over yet, soonest first
    recent: list[VolunteerActivity]  # the volunteer's own, over in the last RECENT_DAYS days, latest first


def activities_for_volunteer(user: User, now: datetime) -> VolunteerActivities:
    """The activities of the volunteer's street(s) they may attend (open ones, and their teams'), and their own
    of the last RECENT_DAYS days, wherever they are."""
    streets = {g.street_id for g in user.grants if g.street_id is not None and is_volunteer_of(user, g.street_id)}
    if not streets:
        raise Forbidden(_l("Group activities are for volunteers: Alley Stewards and Old Neighbours."))
    now = as_utc(now).astimezone(timezone.utc)  # SQLite compares the text of UTC times
    teams = set(db.session.scalars(db.select(TeamMembership.team_id).where(
        TeamMembership.user_id == user.id, TeamMembership.left_at.is_(None))))
    mine = {a.activity_id: a for a in db.session.scalars(
        db.select(Attendance).join(Activity).where(Attendance.user_id == user.id,
                                                   Activity.ends_at > now - timedelta(days=RECENT_DAYS)))}
    may_attend = and_(Activity.street_id.in_(streets), Activity.ends_at > now,
                      or_(Activity.team_id.is_(None), Activity.team_id.in_(teams)))
    found = db.session.scalars(
        db.select(Activity).options(joinedload(Activity.team))
        .where(Activity.cancelled_at.is_(None), or_(may_attend, Activity.id.in_(list(mine))))
        .order_by(Activity.starts_at, Activity.id)).all()
    views = [_volunteer_view(a, mine.get(a.id), now, can_attend_activity(user, a, team_member=a.team_id in teams))
             for a in found]
    return VolunteerActivities(
        upcoming=[v for v in views if as_utc(v.activity.ends_at) > now],
        recent=[v for v in reversed(views) if as_utc(v.activity.ends_at) <= now])


def activity_for_volunteer(user: User, activity_id: int, now: datetime) -> VolunteerActivity:
    """One activity for its check-in page: for those who may attend it, and those who already have a place."""
    activity = get_activity(activity_id)
    attendance = attendance_of(activity.id, user.id)
    try:
        _may_attend(user, activity)
    except Forbidden:
        if attendance is None:
            raise
        return _volunteer_view(activity, attendance, as_utc(now), may_attend=False)
    return _volunteer_view(activity, attendance, as_utc(now), may_attend=True)


def _volunteer_view(activity: Activity, attendance: Attendance | None, now: datetime,
                    may_attend: bool) -> VolunteerActivity:
    starts, ends = as_utc(activity.starts_at), as_utc(activity.ends_at)
    opens = starts - timedelta(minutes=current_app.config["CHECK_IN_OPENS_MINUTES"])
    current = state(attendance, now) if attendance is not None else None
    window = "not_yet" if now < opens else "open" if now < ends else "over"
    places_left = max(activity.capacity - activity.signed_up, 0)
    taking_part = current in (SIGNED_UP, CHECKED_IN, ATTENDED)
    return VolunteerActivity(
        activity=activity, attendance=attendance, state=current, places_left=places_left,
        check_in_opens_at=opens, check_in_window=window,
        can_sign_up=may_attend and not taking_part and now < starts and places_left > 0,
        can_cancel=current == SIGNED_UP and now < starts,
        can_check_in=may_attend and window == "open" and current not in (CHECKED_IN, ATTENDED),
        can_check_out=current == CHECKED_IN)

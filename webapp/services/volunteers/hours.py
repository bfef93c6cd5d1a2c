"""Volunteer hours and the Old Neighbour rule.

Hours: one ledger from two sources, patrols that covered their alley (webapp/services/places/patrols.py credits them)
and activities attended (webapp/services/organizing/activities.py); a year is a Beijing calendar year.

The Old Neighbour rule (老街坊), for each Old Neighbour of a street in a year:
- met: 1 to POSTS_PER_VOLUNTEER posts, 1 to TEAMS_PER_VOLUNTEER teams, and at least ACTIVITIES_PER_YEAR
  activities attended in the year;
- at risk: posts and teams as above, fewer activities attended so far, and the year not over;
- not met: no post or no team (the upper limits are enforced when joining), or the year over with fewer
  activities attended.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask import current_app
from sqlalchemy import func, select, union_all

from webapp import clock
from webapp.clock import BEIJING
from webapp.extensions import db
from webapp.models import Activity, Alley, Attendance, Patrol, PostHolding, Role, RoleGrant, TeamMembership, User
from webapp.models.reports import as_utc

MET, AT_RISK, NOT_MET = "met", "at_risk", "not_met"


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year's first moment and the next year's, in Beijing time."""
    return day_bounds(date(year, 1, 1), date(year + 1, 1, 1))


def day_bounds(first: date, after: date) -> tuple[datetime, datetime]:
    """The first moment of the day `first` and of the day `after`, in Beijing time."""
    # In UTC: SQLite stores times as text without their zone, so a Beijing-time bound would compare 8 hours off.
    return tuple(datetime.combine(day, time(), BEIJING).astimezone(timezone.utc) for day in (first, after))


@dataclass(frozen=True)
class Entry:
    """One line of a volunteer's ledger."""
    at: datetime
    source: str  # "patrol" | "activity"
    title: str
    hours: float


def ledger(user_id: int, year: int) -> list[Entry]:
    """A volunteer's hours in the year, oldest first."""
    start, end = year_bounds(year)
    patrols = db.session.execute(
        select(Patrol.finished_at, Alley.name, Patrol.hours).join(Alley, Alley.id == Patrol.alley_id)
        .where(Patrol.user_id == user_id, Patrol.hours > 0, Patrol.finished_at >= start, Patrol.finished_at < end))
    activities = db.session.execute(
        select(Activity.starts_at, Activity.title, Attendance.hours).join(Activity)
        .where(Attendance.user_id == user_id, Attendance.hours > 0, Attendance.cancelled_at.is_(None),
               Activity.starts_at >= start, Activity.starts_at < end))
    entries = [Entry(at, "patrol", name, hours) for at, name, hours in patrols]
    entries += [Entry(at, "activity", title, hours) for at, title, hours in activities]
    return sorted(entries, key=lambda e: as_utc(e.at))


@dataclass
class Standing:
    """A volunteer's year: hours by source, posts, teams and activities attended, and the rule's verdict."""
    user_id: int
    patrol_hours: float = 0.0
    activity_hours: float = 0.0
    posts: int = 0
    teams: int = 0
    activities: int = 0
    status: str = NOT_MET
    missing: list[str] = field(default_factory=list)  # what is short: "posts", "teams", "activities"

    @property
    def hours(self) -> float:
        return round(self.patrol_hours + self.activity_hours, 2)


def standings(user_ids: list[int], year: int, now: datetime | None = None) -> dict[int, Standing]:
    """Each volunteer's Standing in the year (a few grouped queries, whatever the number of volunteers)."""
    now = now or clock.now()
    start, end = year_bounds(year)
    found = {uid: Standing(uid) for uid in user_ids}
    if not found:
        return found
    ids = list(found)
    for uid, hours in db.session.execute(
            select(Patrol.user_id, func.sum(Patrol.hours)).where(
                Patrol.user_id.in_(ids), Patrol.finished_at >= start, Patrol.finished_at < end)
            .group_by(Patrol.user_id)):
        found[uid].patrol_hours = round(float(hours or 0), 2)
    attended = (Attendance.cancelled_at.is_(None), Attendance.checked_in_at.is_not(None),
                Activity.starts_at >= start, Activity.starts_at < end, Activity.cancelled_at.is_(None))
    for uid, hours, count in db.session.execute(
            select(Attendance.user_id, func.sum(Attendance.hours), func.count()).join(Activity)
            .where(Attendance.user_id.in_(ids), *attended).group_by(Attendance.user_id)):
        found[uid].activity_hours, found[uid].activities = round(float(hours or 0), 2), count
    for column, model in (("posts", PostHolding), ("teams", TeamMembership)):
        for uid, count in db.session.execute(select(model.user_id, func.count()).where(
                model.user_id.in_(ids), model.left_at.is_(None)).group_by(model.user_id)):
            setattr(found[uid], column, count)
    year_over = now >= end
    for standing in found.values():
        _judge(standing, year_over)
    return found


def _judge(standing: Standing, year_over: bool) -> None:
    settings = current_app.config
    standing.missing = [name for name, have, most in (("posts", standing.posts, settings["POSTS_PER_VOLUNTEER"]),
                                                      ("teams", standing.teams, settings["TEAMS_PER_VOLUNTEER"]))
                        if not 1 <= have <= most]
    short = standing.activities < settings["ACTIVITIES_PER_YEAR"]
    if short:
        standing.missing.append("activities")
    if not standing.missing:
        standing.status = MET
    elif standing.missing == ["activities"] and not year_over:
        standing.status = AT_RISK
    else:
        standing.status = NOT_MET


def old_neighbours_of(street_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).join(RoleGrant).where(
        RoleGrant.street_id == street_id, RoleGrant.role == Role.OLD_NEIGHBOUR, User.active.is_(True))
        .order_by(User.display_name)))


def at_risk(street_id: int, year: int, now: datetime | None = None) -> list[Standing]:
    """The street's Old Neighbours who have not met the rule yet (at risk first, then not met)."""
    rows = standings(old_neighbours_of(street_id), year, now).values()
    order = {AT_RISK: 0, NOT_MET: 1}
    return sorted((s for s in rows if s.status != MET), key=lambda s: (order[s.status], s.activities))


def last_active(user_ids: list[int]) -> dict[int, datetime | None]:
    """Each volunteer's last sign of work, anywhere: a patrol finished, an activity checked in to, or a report
    filed (None: never). One grouped query."""
    from webapp.models import Report  # reports import services that import this module

    found: dict[int, datetime | None] = {uid: None for uid in user_ids}
    if not found:
        return found
    ids = list(found)
    deeds = union_all(
        select(Patrol.user_id.label("user_id"), Patrol.finished_at.label("at")).where(Patrol.user_id.in_(ids)),
        select(Attendance.user_id, Attendance.checked_in_at)
        .where(Attendance.user_id.in_(ids), Attendance.checked_in_at.is_not(None)),
        select(Report.reporter_id, Report.created_at).where(Report.reporter_id.in_(ids)),
    ).subquery()
    for uid, at in db.session.execute(select(deeds.c.user_id, func.max(deeds.c.at)).group_by(deeds.c.user_id)):
        found[uid] = as_utc(at) if at is not None else None
    return found

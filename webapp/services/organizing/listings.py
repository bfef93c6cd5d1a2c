"""Read queries for the organizer's team, post and activity pages: one street's rows, shaped for the templates.
The changes go through webapp/services/organizing/teams.py and activities.py; nothing here writes."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from geo import queries
from webapp.errors import NotFound
from webapp.extensions import db
from webapp.models import (Activity, Alley, Attendance, PostHolding, Role, RoleGrant, ServicePost, Team,
                           TeamMembership, User)
from webapp.models.reports import as_utc
from webapp.models.rosters import team_alleys
from webapp.policies import VOLUNTEER
from webapp.services.organizing import activities as activity_rules
from webapp.services.volunteers.achievements import Period, TeamAchievements, team_achievements, year_period
from webapp.services.volunteers.hours import Standing, standings

PAST_SHOWN = 100  # the most recent past activities on the list page


@dataclass(frozen=True)
class Volunteer:
    id: int
    name: str
    old_neighbour: bool


def street_volunteers(street_id: int) -> list[Volunteer]:
    """The street's active stewards and Old Neighbours, by name (one row each, whatever their grants)."""
    rows = db.session.execute(
        select(User.id, User.display_name, RoleGrant.role).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.street_id == street_id, RoleGrant.role.in_(VOLUNTEER), User.active.is_(True))
        .order_by(User.display_name, User.id))
    found: dict[int, Volunteer] = {}
    for uid, name, role in rows:
        old = role is Role.OLD_NEIGHBOUR or (uid in found and found[uid].old_neighbour)
        found[uid] = Volunteer(uid, name, old)
    return list(found.values())


def street_alleys(street_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(select(Alley.id, Alley.name).where(Alley.street_id == street_id)
                                   .order_by(Alley.name, Alley.id)))


def alleys_extent(street_id: int) -> list[float] | None:
    """[minLon, minLat, maxLon, maxLat] of the street's alleys (or of its boundary when it has none)."""
    ids = [alley_id for alley_id, _name in street_alleys(street_id)]
    boxes = list(queries.alley_extents(db.session, ids).values())
    if not boxes:
        box = queries.street_extents(db.session).get(street_id)
        return [round(v, 6) for v in box] if box else None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


# --- teams ------------------------------------------------------------------------------------------------

@dataclass
class TeamRow:
    id: int
    name: str
    leaders: list[str] = field(default_factory=list)
    member_count: int = 0
    alleys: list[str] = field(default_factory=list)


def teams_of_street(street_id: int) -> list[TeamRow]:
    rows = {t.id: TeamRow(t.id, t.name) for t in db.session.scalars(
        select(Team).where(Team.street_id == street_id).order_by(Team.name, Team.id))}
    if not rows:
        return []
    for team_id, name, leader in db.session.execute(
            select(TeamMembership.team_id, User.display_name, TeamMembership.is_leader)
            .join(User, User.id == TeamMembership.user_id)
            .where(TeamMembership.team_id.in_(rows), TeamMembership.left_at.is_(None))
            .order_by(User.display_name)):
        rows[team_id].member_count += 1
        if leader:
            rows[team_id].leaders.append(name)
    for team_id, name in db.session.execute(
            select(team_alleys.c.team_id, Alley.name).join(Alley, Alley.id == team_alleys.c.alley_id)
            .where(team_alleys.c.team_id.in_(rows)).order_by(Alley.name)):
        rows[team_id].alleys.append(name)
    return list(rows.values())


def get_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound(_l("No such team."))
    return team


@dataclass
class MemberRow:
    user_id: int
    name: str
    is_leader: bool
    old_neighbour: bool
    joined_at: datetime
    posts: list[str]
    standing: Standing


@dataclass
class TeamPage:
    team: Team
    year: int
    members: list[MemberRow]
    candidates: list[Volunteer]  # the street's volunteers not in the team
    alley_ids: set[int]
    period: Period  # of the problems handled
    achieved: TeamAchievements

    @property
    def leaders(self) -> list[MemberRow]:
        return [m for m in self.members if m.is_leader]

    @property
    def total_hours(self) -> float:
        return round(sum(m.standing.hours for m in self.members), 2)

    @property
    def activities_attended(self) -> int:
        return sum(m.standing.activities for m in self.members)


def team_page(team_id: int, year: int, now: datetime, period: Period | None = None) -> TeamPage:
    """The team's members with their posts and their year (hours, activities, the Old Neighbour verdict), and the
    problems the team handled in `period` (the year unless given), member by member."""
    team = get_team(team_id)
    volunteers = street_volunteers(team.street_id)
    old = {v.id for v in volunteers if v.old_neighbour}
    memberships = db.session.execute(
        select(TeamMembership.user_id, User.display_name, TeamMembership.is_leader, TeamMembership.joined_at)
        .join(User, User.id == TeamMembership.user_id)
        .where(TeamMembership.team_id == team.id, TeamMembership.left_at.is_(None))
        .order_by(TeamMembership.is_leader.desc(), User.display_name, User.id)).all()
    ids = [row.user_id for row in memberships]
    posts = defaultdict(list)
    if ids:
        for uid, name in db.session.execute(
                select(PostHolding.user_id, ServicePost.name).join(ServicePost, ServicePost.id == PostHolding.post_id)
                .where(PostHolding.user_id.in_(ids), PostHolding.left_at.is_(None)).order_by(ServicePost.name)):
            posts[uid].append(name)
    years = standings(ids, year, now)
    members = [MemberRow(uid, name, leader, uid in old, joined, posts[uid], years[uid])
               for uid, name, leader, joined in memberships]
    inside = set(ids)
    period = period or year_period(year)
    return TeamPage(team=team, year=year, members=members,
                    candidates=[v for v in volunteers if v.id not in inside],
                    alley_ids={a.id for a in team.alleys}, period=period,
                    achieved=team_achievements(team.id, period))


# --- service posts ------------------------------------------------------------------------------------------

@dataclass
class Holder:
    user_id: int
    name: str
    taken_at: datetime


@dataclass
class PostRow:
    id: int
    name: str
    duties: str
    holders: list[Holder] = field(default_factory=list)


def posts_of_street(street_id: int) -> list[PostRow]:
    rows = {p.id: PostRow(p.id, p.name, p.duties or "") for p in db.session.scalars(
        select(ServicePost).where(ServicePost.street_id == street_id).order_by(ServicePost.name, ServicePost.id))}
    if rows:
        for post_id, uid, name, taken in db.session.execute(
                select(PostHolding.post_id, User.id, User.display_name, PostHolding.taken_at)
                .join(User, User.id == PostHolding.user_id)
                .where(PostHolding.post_id.in_(rows), PostHolding.left_at.is_(None))
                .order_by(User.display_name, User.id)):
            rows[post_id].holders.append(Holder(uid, name, taken))
    return list(rows.values())


def get_post(post_id: int) -> ServicePost:
    post = db.session.get(ServicePost, post_id)
    if post is None:
        raise NotFound(_l("No such post."))
    return post


# --- activities ---------------------------------------------------------------------------------------------

@dataclass
class ActivityRow:
    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signed_up: int
    team_name: str | None
    cancelled: bool
    attended: int = 0
    no_shows: int = 0


def activities_of_street(street_id: int, now: datetime) -> tuple[list[ActivityRow], list[ActivityRow], bool]:
    """(upcoming or running, soonest first; past, latest first; whether older past ones were left out)."""
    now = as_utc(now).astimezone(timezone.utc)  # SQLite compares the text of UTC times
    upcoming = _activity_rows(select(Activity).where(Activity.street_id == street_id, Activity.ends_at > now)
                              .order_by(Activity.starts_at, Activity.id), now)
    past = _activity_rows(select(Activity).where(Activity.street_id == street_id, Activity.ends_at <= now)
                          .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(PAST_SHOWN + 1), now)
    return upcoming, past[:PAST_SHOWN], len(past) > PAST_SHOWN


def _activity_rows(query, now: datetime) -> list[ActivityRow]:
    activities = db.session.scalars(query.options(joinedload(Activity.team))).all()
    rows = {a.id: ActivityRow(a.id, a.title, a.place, a.starts_at, a.ends_at, a.capacity, a.signed_up,
                              a.team.name if a.team else None, a.cancelled_at is not None) for a in activities}
    if not rows:
        return []
    checked_in = Attendance.checked_in_at.is_not(None)
    for activity_id, came, total in db.session.execute(
            select(Attendance.activity_id, func.count().filter(checked_in), func.count())
            .where(Attendance.activity_id.in_(rows), Attendance.cancelled_at.is_(None))
            .group_by(Attendance.activity_id)):
        row = rows[activity_id]
        row.attended = came
        row.no_shows = total - came if as_utc(row.ends_at) <= now else 0
    return list(rows.values())


def get_activity(activity_id: int) -> Activity:
    """An activity for its organizer: a cancelled one too (its attendance stays on record)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(_l("No such activity."))
    return activity


@dataclass
class AttendanceRow:
    user_id: int
    name: str
    state: str
    method: str | None
    distance_m: float | None
    signed_up_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float


@dataclass
class ActivityPage:
    activity: Activity
    rows: list[AttendanceRow]
    others: list[Volunteer]  # the street's volunteers not on the list, to credit one who came unannounced

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


def activity_page(activity_id: int, now: datetime) -> ActivityPage:
    activity = get_activity(activity_id)
    attendances = db.session.scalars(
        select(Attendance).join(User, User.id == Attendance.user_id).options(contains_eager(Attendance.user))
        .where(Attendance.activity_id == activity.id).order_by(User.display_name, User.id)).all()
    rows = [AttendanceRow(a.user_id, a.user.display_name, activity_rules.state(a, now), a.check_in_method,
                          a.check_in_distance_m, a.signed_up_at, a.checked_in_at, a.checked_out_at, a.hours)
            for a in attendances]
    listed = {r.user_id for r in rows}
    return ActivityPage(activity, rows, [v for v in street_volunteers(activity.street_id) if v.id not in listed])

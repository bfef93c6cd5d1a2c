"""What volunteers and teams achieved with the problems they met (Gucheng's "助拆363处, 帮助居民解决实际问题180起"),
counted in SQL over the case files for a period of Beijing days:

- handled on the spot (劝导): cases the volunteer settled there and then (the step handle_on_spot), counted on the
  day they did it;
- escalated: cases the volunteer passed up to the street chief, by hand or at once as the reporter of a safety
  hazard, counted on the day they passed it up;
- resolved and confirmed: of the cases the volunteer passed up, those resolved and confirmed by their reporter
  (满意 or 基本满意) and not reopened since, counted on the day of the latest confirmation.

A case leaves "submitted" once, so each case has at most one volunteer for each figure: a team's figures are the
sums of its members' while they were in it (former members' too), and no case counts twice.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.models import Report, ReportEvent, ReportStatus, TeamMembership
from webapp.services.performance.dashboard import Period  # the dashboard's span of Beijing days, both included
from webapp.services.volunteers.hours import day_bounds

__all__ = ["Achievements", "Period", "TeamAchievements", "team_achievements", "volunteer_achievements", "year_period"]

S = ReportStatus
ON_THE_SPOT, ESCALATED, CONFIRMED = "on_the_spot", "escalated", "confirmed"
KINDS = (ON_THE_SPOT, ESCALATED, CONFIRMED)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Achievements:
    on_the_spot: int = 0  # 劝导
    escalated: int = 0
    confirmed: int = 0  # resolved and confirmed by the reporter

    def __add__(self, other: "Achievements") -> "Achievements":
        return Achievements(*(getattr(self, k) + getattr(other, k) for k in KINDS))


NOTHING = Achievements()


def _deeds(period: Period, user_ids):
    """(user_id, kind, at) for every figure the users (a list, or a select of ids) earned in the period."""
    start, end = day_bounds(period.start, period.end + timedelta(days=1))
    step = ReportEvent
    on_the_spot = select(step.actor_id.label("user_id"), literal(ON_THE_SPOT).label("kind"), step.at.label("at")).where(
        step.actor_id.in_(user_ids), step.to_status == S.HANDLED_ON_SPOT, step.at >= start, step.at < end)
    escalated = select(step.actor_id, literal(ESCALATED), step.at).where(
        step.actor_id.in_(user_ids), step.from_status == S.SUBMITTED, step.to_status == S.ESCALATED,
        step.at >= start, step.at < end)
    # The latest verdict that confirmed it (a partner's later update leaves the status as it is: not a verdict).
    passer, verdict = aliased(ReportEvent), aliased(ReportEvent)
    confirmed_at = func.max(verdict.at)
    confirmed = (select(passer.actor_id, literal(CONFIRMED), confirmed_at)
                 .join(Report, Report.id == passer.report_id)
                 .join(verdict, verdict.report_id == passer.report_id)
                 .where(passer.actor_id.in_(user_ids), passer.from_status == S.SUBMITTED,
                        passer.to_status == S.ESCALATED, Report.status == S.CONFIRMED,
                        verdict.from_status == S.RESOLVED, verdict.to_status == S.CONFIRMED)
                 .group_by(passer.actor_id, passer.report_id)
                 .having(and_(confirmed_at >= start, confirmed_at < end)))
    return union_all(on_the_spot, escalated, confirmed).subquery()


def _counts(deeds):
    return [func.count().filter(deeds.c.kind == kind).label(kind) for kind in KINDS]


def volunteer_achievements(user_ids: list[int], period: Period) -> dict[int, Achievements]:
    """Each volunteer's figures in the period (one grouped query, whatever the number of volunteers)."""
    found = {uid: NOTHING for uid in user_ids}
    if not found:
        return found
    deeds = _deeds(period, list(found))
    for uid, *counts in db.session.execute(select(deeds.c.user_id, *_counts(deeds)).group_by(deeds.c.user_id)):
        found[uid] = Achievements(*counts)
    return found


@dataclass(frozen=True)
class TeamAchievements:
    total: Achievements  # the team's, former members' work while in it included
    members: dict[int, Achievements]  # user id -> what they did while in the team, for those who did something

    def of(self, user_id: int) -> Achievements:
        return self.members.get(user_id, NOTHING)


def team_achievements(team_id: int, period: Period) -> TeamAchievements:
    """The team's figures in the period, member by member while they were in it (one grouped query)."""
    membership = TeamMembership
    deeds = _deeds(period, select(membership.user_id).where(membership.team_id == team_id))
    while_in_team = and_(deeds.c.user_id == membership.user_id, deeds.c.at >= membership.joined_at,
                         or_(membership.left_at.is_(None), deeds.c.at < membership.left_at))
    rows = db.session.execute(select(membership.user_id, *_counts(deeds)).join(deeds, while_in_team)
                              .where(membership.team_id == team_id).group_by(membership.user_id))
    members = {uid: Achievements(*counts) for uid, *counts in rows}
    return TeamAchievements(sum(members.values(), NOTHING), members)

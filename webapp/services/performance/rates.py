"""The street rates (响应率 / 解决率 / 满意率): every rule of them, in words for the page and in SQL for the counts.

A case counts in the period of the day it was received (Beijing time), as it stands now. Its facts
(models.CaseFacts) are written by refresh_facts() in the transaction of each step, so counting is a sum
over one narrow table; the clock enters only here, when deadlines are compared with `now`.

- Response rate: a case that reached the chief has deadlines: the chief acknowledges it (any step of the
  chief's, or of the community worker's when its community holds it) within ACKNOWLEDGE_HOURS of its first
  escalation, and each whistled department reports on site
  (报到) by its whistle's deadline. A case is due once one of its deadlines is met or passed; it is on time
  while it has missed none. A department's own rate counts its whistles instead of cases.
- Resolution rate: cases whose resolution stands (confirmed 满意/基本满意, not answered within VERDICT_DAYS,
  or handled on the spot) over those cases and the open ones past RESOLUTION_DAYS. A case resolved and
  waiting for its verdict waits outside the count; a reopened one is open again.
- Satisfaction rate: the reporter's answer to the latest resolution; 满意 1, 基本满意
  BASICALLY_SATISFIED_WEIGHT, 不满意 0. Cases closed without an answer are "not rated": excluded, shown apart.
- Rejected cases count only in volume and the rejected count; duplicates only in volume (their original
  counts).
"""
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import to_shape
from sqlalchemy import and_, case, func, or_, select

from webapp.clock import beijing_day
from webapp.extensions import db
from webapp.models import CaseFacts, Report, ReportEvent, ReportStatus, Verdict, Whistle
from webapp.models.reports import as_utc

S = ReportStatus
RESOLVED, AWAITING, OPEN, REJECTED, DUPLICATE = "resolved", "awaiting", "open", "rejected", "duplicate"
OUTCOMES = {S.CONFIRMED: RESOLVED, S.UNRATED: RESOLVED, S.HANDLED_ON_SPOT: RESOLVED, S.RESOLVED: AWAITING,
            S.REJECTED: REJECTED, S.DUPLICATE: DUPLICATE}  # every other status: OPEN


ACKNOWLEDGING = ("chief", "community")  # whose steps acknowledge a case passed up


def outcome_of(status: ReportStatus) -> str:
    return OUTCOMES.get(status, OPEN)


def settings() -> dict:
    config = current_app.config
    return {"acknowledge_hours": config["ACKNOWLEDGE_HOURS"], "resolution_days": config["RESOLUTION_DAYS"],
            "basically_weight": config["BASICALLY_SATISFIED_WEIGHT"], "verdict_days": config["VERDICT_DAYS"],
            "patrol_days": config["PATROL_GAP_DAYS"]}


def definitions() -> list[dict]:
    """The three rates in words, with the settings in force, as the dashboard and the brief print them."""
    s = settings()
    return [
        {"key": "response", "title": _l("Response rate"),
         "text": _l("Cases acknowledged by the chief within %(hours)s hours of escalation, with every whistled "
                    "department on site by its deadline, over the cases that reached the chief and are due. "
                    "For a department: its whistles on site in time over its whistles due.",
                    hours=_number(s["acknowledge_hours"]))},
        {"key": "resolution", "title": _l("Resolution rate"),
         "text": _l("Cases whose resolution stands (the reporter confirmed it, or did not object within "
                    "%(verdict)s days, or a steward handled it on the spot) over those cases and the open cases "
                    "older than %(days)s days. Rejected and duplicate cases are not counted.",
                    verdict=_number(s["verdict_days"]), days=_number(s["resolution_days"]))},
        {"key": "satisfaction", "title": _l("Satisfaction rate"),
         "text": _l("The reporters' answers to the latest resolution: satisfied counts 1, basically satisfied "
                    "%(weight)s, not satisfied 0. Cases closed without an answer are not rated: they are left out "
                    "and counted apart.", weight=_number(s["basically_weight"]))},
    ]


def _number(value: float) -> str:
    return f"{value:g}"


# --- the facts of one case ------------------------------------------------------------------------------------

def refresh_facts(report: Report) -> None:
    """Write the case's facts row from the case as it stands, in the caller's transaction."""
    db.session.flush()
    events = db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)
                                .order_by(ReportEvent.at, ReportEvent.id)).all()
    whistles = db.session.scalars(select(Whistle).where(Whistle.report_id == report.id)).all()
    response_from, missed_at = response_times(events, whistles)
    point = to_shape(report.location)
    received_at = as_utc(report.created_at)
    facts = db.session.get(CaseFacts, report.id) or CaseFacts(report_id=report.id)
    facts.street_id, facts.alley_id, facts.category_id = report.street_id, report.alley_id, report.category_id
    facts.community_id = report.community_id
    facts.received_at, facts.received_on = received_at, beijing_day(received_at)
    facts.lon, facts.lat = point.x, point.y
    facts.outcome = outcome_of(report.status)
    facts.response_from, facts.response_missed_at = response_from, missed_at
    facts.resolution_due_at = received_at + timedelta(days=current_app.config["RESOLUTION_DAYS"])
    facts.rating = latest_rating(report)
    facts.unrated = report.status is S.UNRATED
    db.session.add(facts)


def response_times(events: list[ReportEvent], whistles: list[Whistle]) -> tuple[datetime | None, datetime | None]:
    """(when the case entered the response count, when it first missed a deadline), from its deadlines:
    the chief's acknowledgement of the first escalation, and each whistle's 报到."""
    deadlines = []  # (deadline, met at or None)
    escalated = next((e for e in events if e.to_status is S.ESCALATED and e.from_status is not S.ESCALATED), None)
    if escalated is not None:
        at = as_utc(escalated.at)
        acknowledged = next((as_utc(e.at) for e in events
                             if (e.details or {}).get("role") in ACKNOWLEDGING and as_utc(e.at) >= at), None)
        deadlines.append((at + timedelta(hours=current_app.config["ACKNOWLEDGE_HOURS"]), acknowledged))
    deadlines += [(as_utc(w.due_at), as_utc(w.on_site_at) if w.on_site_at else None) for w in whistles]
    if not deadlines:
        return None, None
    entered = min(min(due, met) if met else due for due, met in deadlines)
    missed = [due for due, met in deadlines if met is None or met > due]
    return entered, min(missed, default=None)


def latest_rating(report: Report) -> str | None:
    """The reporter's answer to the latest resolution, if any (followers' answers are recorded, not counted)."""
    answer = db.session.scalar(select(Verdict.satisfaction).where(
        Verdict.report_id == report.id, Verdict.is_reporter.is_(True), Verdict.round == report.resolution_round))
    return answer.value if answer else None


def rebuild_all_facts(batch: int = 500) -> int:
    """Every case's facts written anew (after an upgrade, or a change of the settings above)."""
    ids = db.session.scalars(select(Report.id).order_by(Report.id)).all()
    for start in range(0, len(ids), batch):
        for report in db.session.scalars(select(Report).where(Report.id.in_(ids[start:start + batch]))):
            refresh_facts(report)
        db.session.commit()
    return len(ids)


# --- counting -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rates:
    """The counts behind the three rates for one group of cases; the rates are None where nothing is due."""
    cases: int = 0  # received in the period, duplicates included: the volume
    response_due: int = 0
    response_on_time: int = 0
    resolution_due: int = 0
    resolved: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    unrated: int = 0
    rejected: int = 0
    weight: float = 0.8  # what a 基本满意 counts

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def response_rate(self) -> float | None:
        return self.response_on_time / self.response_due if self.response_due else None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.resolution_due if self.resolution_due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return (self.satisfied + self.weight * self.basically) / self.rated if self.rated else None

    @classmethod
    def from_row(cls, row) -> "Rates":
        mapping = row._mapping
        counts = {f.name: int(mapping[f.name] or 0) for f in fields(cls) if f.name != "weight"}
        return cls(**counts, weight=current_app.config["BASICALLY_SATISFIED_WEIGHT"])

    def as_dict(self) -> dict:
        counts = {k: v for k, v in asdict(self).items() if k != "weight"}
        return counts | {"rated": self.rated, "response_rate": _rounded(self.response_rate),
                         "resolution_rate": _rounded(self.resolution_rate),
                         "satisfaction_rate": _rounded(self.satisfaction_rate)}


RATE_NAMES = ("response_rate", "resolution_rate", "satisfaction_rate")
LEVELS = ((0.9, "good"), (0.75, "fair"))  # how a rate reads on the page; below the last: "low"


def rate_level(rate: float | None) -> str:
    """"good", "fair" or "low" for a rate (0..1); "none" when nothing was due."""
    if rate is None:
        return "none"
    return next((name for floor, name in LEVELS if rate >= floor), "low")


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


# Cases the response and satisfaction rates count: not rejected, not merged into another.
COUNTED = CaseFacts.outcome.not_in((REJECTED, DUPLICATE))


def count_where(condition):
    """How many rows of the group meet the condition (0 for none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rate_columns(now: datetime) -> list:
    """The SELECT list that counts Rates over CaseFacts rows (group them as you like)."""
    f = CaseFacts
    response_due = and_(COUNTED, f.response_from <= now)
    return [
        func.count().label("cases"),
        count_where(response_due).label("response_due"),
        count_where(and_(response_due, or_(f.response_missed_at.is_(None), f.response_missed_at >= now)))
        .label("response_on_time"),
        count_where(or_(f.outcome == RESOLVED, and_(f.outcome == OPEN, f.resolution_due_at <= now))).label("resolution_due"),
        count_where(f.outcome == RESOLVED).label("resolved"),
        *[count_where(and_(COUNTED, f.rating == answer)).label(name)
          for name, answer in (("satisfied", "satisfied"), ("basically", "basically"),
                               ("unsatisfied", "unsatisfied"))],
        count_where(and_(f.outcome == RESOLVED, f.unrated)).label("unrated"),
        count_where(f.outcome == REJECTED).label("rejected"),
    ]


def whistle_response_columns(now: datetime) -> list:
    """A department's response: its whistles on site by their deadline, over its whistles due (select them
    joined to their cases' CaseFacts)."""
    w = Whistle
    due = and_(COUNTED, or_(w.due_at <= now, w.on_site_at.is_not(None)))
    in_time = or_(w.on_site_at <= w.due_at, and_(w.on_site_at.is_(None), w.due_at >= now))  # missed only after it
    return [count_where(due).label("response_due"), count_where(and_(due, in_time)).label("response_on_time")]

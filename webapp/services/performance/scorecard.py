"""The monthly scorecard of a street's departments (考核): the chief's scores beside each department's measured rates.

Every figure follows the rules of rates.py and the counting of dashboard.py, so the scorecard and the dashboard
never disagree: a case counts in the month it was received (Beijing time), as it stands now; a department's
on-site rate is its whistles reported on site by their deadline (30 minutes for a whistle of the default kinds)
over its whistles due, and its resolution rate is over the cases it was whistled to. The scores (1-5) are those of
its whistles on those cases: their number and the average of each mark.
"""
import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import DepartmentScore, Whistle
from webapp.models.metrics import CaseFacts
from webapp.services.performance.dashboard import Period, Scope, _conditions, breakdown
from webapp.services.performance.rates import Rates, rate_columns


def month_period(month: date) -> Period:
    """The month holding `month`, first to last day."""
    last = calendar.monthrange(month.year, month.month)[1]
    return Period(month.replace(day=1), month.replace(day=last))


@dataclass(frozen=True)
class Marks:
    """The scores of a group of whistles: how many, and the average of each mark (None when none), unrounded."""
    scored: int = 0
    on_time: float | None = None
    attitude: float | None = None
    result: float | None = None

    @property
    def average(self) -> float | None:
        """The three marks' averages averaged: each mark weighs the same."""
        if not self.scored:
            return None
        return (self.on_time + self.attitude + self.result) / 3


@dataclass(frozen=True)
class ScorecardRow:
    department_id: int | None  # None: the street's total line
    name: str
    rates: Rates  # response_* are the department's whistles (on site in time); resolution_* its cases
    marks: Marks

    def as_dict(self) -> dict:
        r, m = self.rates, self.marks
        return {"department_id": self.department_id, "name": self.name,
                "whistles_due": r.response_due, "on_site_in_time": r.response_on_time,
                "on_site_rate": _rounded(r.response_rate), "cases": r.cases,
                "resolution_due": r.resolution_due, "resolved": r.resolved,
                "resolution_rate": _rounded(r.resolution_rate), "scored": m.scored,
                "avg_on_time": _mark(m.on_time), "avg_attitude": _mark(m.attitude), "avg_result": _mark(m.result),
                "avg_score": _mark(m.average)}


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def _mark(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _marks_columns() -> list:
    s = DepartmentScore
    return [func.count(s.id).label("scored"), func.avg(s.on_time).label("on_time"),
            func.avg(s.attitude).label("attitude"), func.avg(s.result).label("result")]


def _marks(row) -> Marks:
    if not row or not row.scored:
        return Marks()
    return Marks(int(row.scored), *(float(getattr(row, mark)) for mark in ("on_time", "attitude", "result")))


def _scored(scope: Scope, period: Period):
    """The scores of whistles on the cases of the scope and period (the same cases the rates count)."""
    return (select().select_from(DepartmentScore).join(Whistle, Whistle.id == DepartmentScore.whistle_id)
            .join(CaseFacts, CaseFacts.report_id == Whistle.report_id).where(*_conditions(scope, period)))


def scorecard(street_id: int, month: date, now: datetime) -> dict:
    """One street's departments in one month: {"period", "rows" (most cases first), "total"}."""
    scope, period = Scope(street_ids=(street_id,)), month_period(month)
    by_department = {r.department_id: _marks(r) for r in db.session.execute(
        _scored(scope, period).add_columns(Whistle.department_id, *_marks_columns()).group_by(Whistle.department_id))}
    rows = [ScorecardRow(row.key, row.label, row.rates, by_department.get(row.key, Marks()))
            for row in breakdown("department", scope, period, now)]
    # The street's line: all its departments' whistles, and its cases with a whistle counted once each.
    cases = Rates.from_row(db.session.execute(
        select(*rate_columns(now)).where(*_conditions(scope, period),
                                         CaseFacts.report_id.in_(select(Whistle.report_id)))).one())
    total_rates = replace(cases, response_due=sum(r.rates.response_due for r in rows),
                          response_on_time=sum(r.rates.response_on_time for r in rows))
    total = ScorecardRow(None, "", total_rates,
                         _marks(db.session.execute(_scored(scope, period).add_columns(*_marks_columns())).one()))
    return {"period": period, "rows": rows, "total": total}

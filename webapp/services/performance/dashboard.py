"""Street performance: the rates of webapp/services/performance/rates.py per street, alley, department, category and
time, the rankings, hotspots, heat map, overdue whistles and coverage, and the dashboard that holds them all."""
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from webapp.extensions import cache, db
from webapp.models import (Alley, CaseFacts, Category, Community, Department, Patrol, Report, RequestKind, Street,
                           Whistle, WhistleStatus)
from webapp.models.reports import as_utc
from webapp.services.performance.rates import Rates, count_where, definitions, rate_columns, settings, whistle_response_columns

BUCKETS = ("day", "week", "month")
DIMENSIONS = ("street", "alley", "category", "department", "community")
MAX_DAYS = 366 * 3
HEAT_CELL_M = 100
HEAT_CELL_DEG = 0.001  # about 85 m east-west and 111 m north-south in Beijing


@dataclass(frozen=True)
class Period:
    """Days received, both ends included (Beijing dates)."""
    start: date
    end: date

    @classmethod
    def last(cls, days: int, today: date) -> "Period":
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


@dataclass(frozen=True)
class Scope:
    """Which cases: of these streets (None: every street), optionally one alley, category, department, community
    or kind of request (a RequestKind value)."""
    street_ids: tuple[int, ...] | None = None
    alley_id: int | None = None
    category_id: int | None = None
    department_id: int | None = None
    request_kind: str | None = None
    community_id: int | None = None


@dataclass(frozen=True)
class Row:
    key: int
    label: str
    rates: Rates


def _conditions(scope: Scope, period: Period) -> list:
    f = CaseFacts
    conditions = [f.received_on >= period.start, f.received_on <= period.end]
    if scope.street_ids is not None:
        conditions.append(f.street_id.in_(scope.street_ids))
    if scope.alley_id is not None:
        conditions.append(f.alley_id == scope.alley_id)
    if scope.category_id is not None:
        conditions.append(f.category_id == scope.category_id)
    if scope.community_id is not None:
        conditions.append(f.community_id == scope.community_id)
    if scope.department_id is not None:
        conditions.append(f.report_id.in_(select(Whistle.report_id).where(Whistle.department_id == scope.department_id)))
    if scope.request_kind is not None:
        conditions.append(f.report_id.in_(select(Report.id).where(Report.request_kind == RequestKind(scope.request_kind))))
    return conditions


def totals(scope: Scope, period: Period, now: datetime) -> Rates:
    return Rates.from_row(db.session.execute(select(*rate_columns(now)).where(*_conditions(scope, period))).one())


def breakdown(dimension: str, scope: Scope, period: Period, now: datetime) -> list[Row]:
    """The rates per street, alley, category, department or community, most cases first."""
    if dimension == "department":
        return _by_department(scope, period, now)
    column = {"street": CaseFacts.street_id, "alley": CaseFacts.alley_id, "category": CaseFacts.category_id,
              "community": CaseFacts.community_id}[dimension]
    rows = db.session.execute(select(column.label("key"), *rate_columns(now)).where(*_conditions(scope, period))
                              .where(column.is_not(None)).group_by(column)).all()
    names = _names(dimension, [r.key for r in rows])
    found = [Row(r.key, names.get(r.key, f"#{r.key}"), Rates.from_row(r)) for r in rows]
    if dimension == "street":  # the ranking lists every street of the district, quiet ones too
        seen = {row.key for row in found}
        wanted = scope.street_ids
        found += [Row(key, name, Rates(weight=settings()["basically_weight"])) for key, name in names_of_streets().items()
                  if key not in seen and (wanted is None or key in wanted)]
    return sorted(found, key=lambda row: (-row.rates.cases, row.label))


def _by_department(scope: Scope, period: Period, now: datetime) -> list[Row]:
    """Each department's cases (those it was whistled to) with their resolution and satisfaction; its response
    is its own whistles'. One row per (case, department) first, so a case whistled twice to a department
    counts once among its cases and twice among its whistles."""
    pairs = (select(Whistle.report_id, Whistle.department_id, *whistle_response_columns(now))
             .join(CaseFacts, CaseFacts.report_id == Whistle.report_id).where(*_conditions(scope, period))
             .group_by(Whistle.report_id, Whistle.department_id).subquery())
    rows = db.session.execute(
        select(pairs.c.department_id.label("key"), *rate_columns(now),
               func.sum(pairs.c.response_due).label("whistles_due"),
               func.sum(pairs.c.response_on_time).label("whistles_on_time"))
        .join(pairs, pairs.c.report_id == CaseFacts.report_id).where(*_conditions(scope, period))
        .group_by(pairs.c.department_id)).all()
    names = _names("department", [r.key for r in rows])
    return sorted((Row(r.key, names.get(r.key, f"#{r.key}"),
                       replace(Rates.from_row(r), response_due=int(r.whistles_due or 0),
                               response_on_time=int(r.whistles_on_time or 0))) for r in rows),
                  key=lambda row: (-row.rates.cases, row.label))


def _names(dimension: str, keys: list[int]) -> dict[int, str]:
    if not keys:
        return {}
    if dimension == "street":
        return names_of_streets()
    if dimension == "alley":
        return dict(db.session.execute(select(Alley.id, Alley.name).where(Alley.id.in_(keys))).all())
    if dimension == "department":
        return dict(db.session.execute(select(Department.id, Department.name).where(Department.id.in_(keys))).all())
    if dimension == "community":
        return dict(db.session.execute(select(Community.id, Community.name).where(Community.id.in_(keys))).all())
    locale = str(get_locale() or "zh_Hans")
    return {c.id: c.name_for(locale) for c in db.session.scalars(select(Category).where(Category.id.in_(keys)))}


def names_of_streets() -> dict[int, str]:
    return dict(db.session.execute(select(Street.id, Street.name).order_by(Street.name)).all())


def series(scope: Scope, period: Period, bucket: str, now: datetime) -> list[tuple[date, Rates]]:
    """The rates per day, week (from Monday) or month of receipt; every bucket of the period, empty ones too."""
    rows = db.session.execute(select(CaseFacts.received_on.label("day"), *rate_columns(now))
                              .where(*_conditions(scope, period)).group_by(CaseFacts.received_on)).all()
    weight = settings()["basically_weight"]
    buckets = {start: Rates(weight=weight) for start in _bucket_starts(period, bucket)}
    for row in rows:
        day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
        start = bucket_start(day, bucket)
        buckets[start] = _add(buckets.get(start, Rates(weight=weight)), Rates.from_row(row))
    return sorted(buckets.items())


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _bucket_starts(period: Period, bucket: str) -> list[date]:
    starts, day = [], period.start
    while day <= period.end:
        start = bucket_start(day, bucket)
        if not starts or starts[-1] != start:
            starts.append(start)
        day += timedelta(days=1)
    return starts


def _add(a: Rates, b: Rates) -> Rates:
    counts = {name: getattr(a, name) + getattr(b, name) for name in a.__dataclass_fields__ if name != "weight"}
    return Rates(**counts, weight=a.weight)


def hotspots(scope: Scope, period: Period, limit: int = 10) -> list[dict]:
    """The alleys with the most new cases in the period, and their count in the period before (the trend)."""
    f = CaseFacts
    ranked = db.session.execute(
        select(f.alley_id, func.count().label("cases")).where(*_conditions(scope, period), f.alley_id.is_not(None))
        .group_by(f.alley_id).order_by(func.count().desc(), f.alley_id).limit(limit)).all()
    if not ranked:
        return []
    ids = [r.alley_id for r in ranked]
    before = dict(db.session.execute(
        select(f.alley_id, func.count()).where(*_conditions(scope, period.previous()), f.alley_id.in_(ids))
        .group_by(f.alley_id)).all())
    places = {a.id: (a.name, s) for a, s in db.session.execute(
        select(Alley, Street.name).join(Street, Street.id == Alley.street_id).where(Alley.id.in_(ids)))}
    return [{"alley_id": r.alley_id, "name": places[r.alley_id][0], "street": places[r.alley_id][1],
             "cases": r.cases, "previous": before.get(r.alley_id, 0), "change": r.cases - before.get(r.alley_id, 0)}
            for r in ranked]


def heat(scope: Scope, period: Period) -> dict:
    """New cases counted on a grid of about 100 m: what the heat map layer draws (bounded however many cases)."""
    f = CaseFacts
    x, y = func.round(f.lon / HEAT_CELL_DEG), func.round(f.lat / HEAT_CELL_DEG)
    rows = db.session.execute(select(x.label("x"), y.label("y"), func.count().label("n"))
                              .where(*_conditions(scope, period)).group_by(x, y)).all()
    points = [[round(float(r.y) * HEAT_CELL_DEG, 6), round(float(r.x) * HEAT_CELL_DEG, 6), r.n] for r in rows]
    return {"cell_m": HEAT_CELL_M, "max": max((p[2] for p in points), default=0), "points": points}


def overdue_whistles(scope: Scope, now: datetime, limit: int = 50) -> list[dict]:
    """Whistles not reported on site past their deadline, now (whatever the period): the longest overdue first."""
    query = (select(Whistle.report_id, Whistle.due_at, Report.category_id, Department.name.label("department"),
                    Street.name.label("street"), Alley.name.label("alley"))
             .join(Report, Report.id == Whistle.report_id).join(Department, Department.id == Whistle.department_id)
             .join(Street, Street.id == Report.street_id).outerjoin(Alley, Alley.id == Report.alley_id)
             .where(Whistle.status == WhistleStatus.WHISTLED, Whistle.closed_at.is_(None), Whistle.due_at < now)
             .order_by(Whistle.due_at, Whistle.id).limit(limit))  # ix_whistles_waiting_due
    if scope.street_ids is not None:
        query = query.where(Report.street_id.in_(scope.street_ids))
    if scope.alley_id is not None:
        query = query.where(Report.alley_id == scope.alley_id)
    if scope.category_id is not None:
        query = query.where(Report.category_id == scope.category_id)
    if scope.department_id is not None:
        query = query.where(Whistle.department_id == scope.department_id)
    if scope.request_kind is not None:
        query = query.where(Report.request_kind == RequestKind(scope.request_kind))
    rows = db.session.execute(query).all()
    categories = _names("category", list({r.category_id for r in rows}))
    return [{"report_id": r.report_id, "department": r.department, "category": categories[r.category_id],
             "alley": r.alley, "street": r.street, "due_at": as_utc(r.due_at).isoformat(),
             "minutes_overdue": int((now - as_utc(r.due_at)).total_seconds() // 60)} for r in rows]


def coverage(street_ids: tuple[int, ...] | None, now: datetime) -> list[dict]:
    """Per street: alleys, those claimed by a steward, those patrolled (covered) in the last PATROL_GAP_DAYS."""
    since = now - timedelta(days=current_app.config["PATROL_GAP_DAYS"])
    patrolled = select(Patrol.alley_id).where(Patrol.covered.is_(True), Patrol.finished_at >= since).distinct()
    query = (select(Street.id, Street.name, func.count(Alley.id).label("alleys"),
                    count_where(Alley.steward_count > 0).label("claimed"),
                    count_where(Alley.id.in_(patrolled)).label("patrolled"))
             .outerjoin(Alley, Alley.street_id == Street.id).group_by(Street.id, Street.name).order_by(Street.name))
    if street_ids is not None:
        query = query.where(Street.id.in_(street_ids))
    return [{"street_id": r.id, "name": r.name, "alleys": r.alleys, "claimed": int(r.claimed),
             "patrolled": int(r.patrolled), "claimed_share": round(int(r.claimed) / r.alleys, 4) if r.alleys else None,
             "patrolled_share": round(int(r.patrolled) / r.alleys, 4) if r.alleys else None}
            for r in db.session.execute(query)]


def _rows_json(rows: list[Row], codes: dict | None = None) -> list[dict]:
    return [{"id": row.key, "name": row.label, **({"code": codes.get(row.key)} if codes is not None else {}),
             **row.rates.as_dict()} for row in rows]


def table(name: str, scope: Scope, period: Period, bucket: str, now: datetime) -> list[dict]:
    """One of the dashboard's tables (TABLES), as rows of JSON-ready values."""
    if name == "series":
        return [{"start": start.isoformat(), **rates.as_dict()} for start, rates in series(scope, period, bucket, now)]
    if name == "hotspots":
        return hotspots(scope, period)
    if name == "streets":  # the district's ranking: every street, whatever street is in view
        return district_ranking(period, now)["rows"]
    if name == "categories":
        return _rows_json(breakdown("category", scope, period, now),
                          dict(db.session.execute(select(Category.id, Category.code)).all()))
    if name == "departments":
        return _rows_json(breakdown("department", scope, period, now),
                          dict(db.session.execute(select(Department.id, Department.code)).all()))
    if name == "communities":
        return _rows_json(breakdown("community", scope, period, now))
    return _rows_json(breakdown("alley", scope, period, now))


def district_ranking(period: Period, now: datetime) -> dict:
    """Every street's rates in the period, with the time they were counted. The same for every viewer, so it is
    counted at most once per RANKING_CACHE_SECONDS (and per server process with the default SimpleCache), then
    shared: {"rows": [...], "as_of": iso time}."""
    key = f"performance:district:{period.start}:{period.end}"
    seconds = current_app.config["RANKING_CACHE_SECONDS"]
    kept = cache.get(key) if seconds > 0 else None
    if kept is not None and timedelta(0) <= now - datetime.fromisoformat(kept["as_of"]) < timedelta(seconds=seconds):
        return kept
    ranking = {"rows": _rows_json(breakdown("street", Scope(), period, now)), "as_of": now.isoformat()}
    if seconds > 0:
        cache.set(key, ranking, timeout=seconds)
    return ranking


TABLES = ("streets", "alleys", "departments", "categories", "series", "hotspots", "communities")


def dashboard(scope: Scope, period: Period, bucket: str, now: datetime, viewable: list[dict]) -> dict:
    """Everything the street dashboard shows, as JSON-ready data. `viewable`: the streets this user may choose."""
    previous, ranking = period.previous(), district_ranking(period, now)
    street = None
    if scope.street_ids is not None and len(scope.street_ids) == 1:
        street = next(({"id": s["id"], "name": s["name"]} for s in viewable if s["id"] == scope.street_ids[0]), None)
    return {
        "scope": {"street": street, "streets": viewable},
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "days": period.days,
                   "bucket": bucket, "previous": {"from": previous.start.isoformat(), "to": previous.end.isoformat()}},
        "settings": settings(),
        "definitions": [{k: str(v) for k, v in d.items()} for d in definitions()],
        "totals": totals(scope, period, now).as_dict(),
        "previous_totals": totals(scope, previous, now).as_dict(),
        **{name: table(name, scope, period, bucket, now) for name in TABLES if name != "streets"},
        "streets": ranking["rows"],
        "streets_as_of": ranking["as_of"],
        "overdue": overdue_whistles(scope, now),
        "coverage": coverage(scope.street_ids, now),
        "generated_at": now.isoformat(),
    }

"""The street chief's queue (街巷长): the cases passed up in their streets, most pressing first, with counts."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.units import format_unit
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import to_shape
from sqlalchemy import case, exists, func
from sqlalchemy.orm import joinedload, selectinload

from webapp import clock
from webapp.errors import BadRequest
from webapp.extensions import db
from webapp.labels import PRIORITY_LABELS, SHORT_STATUS_LABELS, status_label
from webapp.models import (CHIEF_QUEUE, Alley, Category, Priority, Report, ReportStatus, Role, User, Whistle,
                           WhistleStatus)
from webapp.models.reports import as_utc
from webapp.policies import is_admin
from webapp.services.places.chiefs import chief_alley_ids, chief_alleys_query

QUEUE_LIMIT = 300  # a chief works a street's queue; more than this on one screen helps nobody
# The statuses in the order a case moves through them: the order of the filter chips.
QUEUE_STATUSES = (ReportStatus.ESCALATED, ReportStatus.ACCEPTED, ReportStatus.WHISTLED, ReportStatus.ON_SITE,
                  ReportStatus.REOPENED, ReportStatus.RESOLVED)
# Short names for the queue's chips and rows; the case file keeps the full status labels.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2}
MAX_AGE_HOURS = 24 * 366


@dataclass(frozen=True)
class QueueFilters:
    """What the chief narrowed the queue to; every field None/False means the whole queue."""
    status: ReportStatus | None = None
    category: str | None = None  # a category code
    alley_id: int | None = None
    overdue_only: bool = False
    older_than_hours: float | None = None  # only cases reported more than this many hours ago
    my_alleys: bool = False  # only the alleys the chief is the alley chief of (街巷长 per alley)

    @classmethod
    def parse(cls, args) -> "QueueFilters":
        """From query arguments (?status=&category=&alley=&overdue=1&age_hours=&mine=1); empty means no filter."""
        raw = {name: (args.get(name) or "").strip() for name in ("status", "category", "alley", "overdue",
                                                                 "age_hours", "mine")}
        status = None
        if raw["status"]:
            try:
                status = ReportStatus(raw["status"])
            except ValueError:
                status = None
            if status not in CHIEF_QUEUE:
                raise BadRequest(_l("status must be one of the statuses in the chief's queue."), field="status")
        alley_id = None
        if raw["alley"]:
            if not raw["alley"].isdigit():
                raise BadRequest(_l("alley must be an alley id."), field="alley")
            alley_id = int(raw["alley"])
        if raw["overdue"] not in ("", "0", "1", "true", "false"):
            raise BadRequest(_l("overdue must be 1 or 0."), field="overdue")
        if raw["mine"] not in ("", "0", "1", "true", "false"):
            raise BadRequest(_l("mine must be 1 or 0."), field="mine")
        hours = None
        if raw["age_hours"]:
            try:
                hours = float(raw["age_hours"])
            except ValueError:
                hours = -1.0
            if not 0 <= hours <= MAX_AGE_HOURS:  # also refuses nan and inf
                raise BadRequest(_l("age_hours must be a number of hours from 0 to 8784."), field="age_hours")
        return cls(status=status, category=raw["category"] or None, alley_id=alley_id,
                   overdue_only=raw["overdue"] in ("1", "true"), older_than_hours=hours,
                   my_alleys=raw["mine"] in ("1", "true"))

    def as_args(self) -> dict:
        """The filters as query arguments again (links, the API's echo)."""
        args = {"status": self.status.value if self.status else None, "category": self.category,
                "alley": self.alley_id, "overdue": 1 if self.overdue_only else None,
                "age_hours": (int(self.older_than_hours) if self.older_than_hours is not None
                              and self.older_than_hours.is_integer() else self.older_than_hours),
                "mine": 1 if self.my_alleys else None}
        return {k: v for k, v in args.items() if v is not None}

    @property
    def is_empty(self) -> bool:
        return not self.as_args()


@dataclass(frozen=True)
class QueueWhistle:
    id: int
    department: str
    department_name: str
    kind: str
    status: str
    whistled_at: datetime
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class QueueItem:
    """One case as the queue shows it: enough for its row, its marker and the sort, no more."""
    id: int
    street_id: int
    category: str
    category_name: str
    alley_id: int | None
    alley_name: str | None
    status: ReportStatus
    status_label: str
    status_short: str
    priority: Priority
    priority_label: str
    created_at: datetime
    age_minutes: int
    age_text: str
    lon: float
    lat: float
    follower_count: int
    whistles: tuple[QueueWhistle, ...]
    overdue: bool

    @property
    def overdue_departments(self) -> list[str]:
        return [w.department_name for w in self.whistles if w.overdue]


@dataclass(frozen=True)
class QueueCounts:
    """How many cases each chip would show: per status with the other filters, overdue with the others."""
    by_status: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def chief_street_ids(user: User) -> set[int] | None:
    """The streets whose queue the user works; None for admins (every street)."""
    if is_admin(user):
        return None
    return {g.street_id for g in user.grants if g.role is Role.CHIEF and g.street_id is not None}


def _overdue_clause(now: datetime):
    """A case with a whistle not yet on site past its deadline (the SQL twin of Whistle.is_overdue)."""
    return exists().where(Whistle.report_id == Report.id, Whistle.closed_at.is_(None),
                          Whistle.status == WhistleStatus.WHISTLED, Whistle.due_at < now)


def _conditions(user: User, filters: QueueFilters, now: datetime, *, status=True, overdue=True) -> list:
    streets = chief_street_ids(user)
    where = [Report.status.in_(CHIEF_QUEUE), Report.held_by_community_id.is_(None)]  # not while a community holds it
    if streets is not None:
        where.append(Report.street_id.in_(streets or {-1}))
    if status and filters.status is not None:
        where.append(Report.status == filters.status)
    if filters.category:
        where.append(Report.category.has(Category.code == filters.category))
    if filters.alley_id is not None:
        where.append(Report.alley_id == filters.alley_id)
    if filters.older_than_hours is not None:
        where.append(Report.created_at <= now - timedelta(hours=filters.older_than_hours))
    if overdue and filters.overdue_only:
        where.append(_overdue_clause(now))
    if filters.my_alleys:
        where.append(Report.alley_id.in_(chief_alleys_query(user.id)))
    return where


def _check_category(filters: QueueFilters) -> None:
    if filters.category and db.session.scalar(db.select(Category.id).where(Category.code == filters.category)) is None:
        raise BadRequest(_l("category must be the code of a category."), field="category")


def age_text(minutes: int) -> str:
    """"5分钟", "3小时", "2天": minutes for the first hour, hours for two days, then days."""
    if minutes < 60:
        value, unit = max(minutes, 0), "duration-minute"
    elif minutes < 48 * 60:
        value, unit = minutes // 60, "duration-hour"
    else:
        value, unit = minutes // (24 * 60), "duration-day"
    return format_unit(value, unit, length="short", locale=get_locale() or "zh_Hans")


def _item(report: Report, now: datetime) -> QueueItem:
    point = to_shape(report.location)
    whistles = tuple(
        QueueWhistle(w.id, w.department.code, w.department.name, w.kind.value, w.status.value,
                     as_utc(w.whistled_at), as_utc(w.due_at), w.is_overdue(now))
        for w in report.whistles if w.is_active)
    created = as_utc(report.created_at)
    minutes = int((now - created).total_seconds() // 60)
    return QueueItem(
        id=report.id, street_id=report.street_id, category=report.category.code,
        category_name=report.category.name_for(get_locale() or "zh_Hans"), alley_id=report.alley_id,
        alley_name=report.alley.name if report.alley else None, status=report.status,
        status_label=status_label(report.status), status_short=str(SHORT_STATUS_LABELS[report.status]),
        priority=report.priority, priority_label=str(PRIORITY_LABELS[report.priority]), created_at=created,
        age_minutes=max(minutes, 0), age_text=age_text(minutes), lon=round(point.x, 6), lat=round(point.y, 6),
        follower_count=report.follower_count, whistles=whistles, overdue=any(w.overdue for w in whistles))


def sort_key(item: QueueItem, mine: frozenset[int] | set[int] = frozenset()):
    """The chief's own alleys first (none for a street-wide chief), then overdue whistles, then urgent > high >
    normal, then the oldest; the number breaks ties."""
    return (item.alley_id not in mine, not item.overdue, PRIORITY_RANK[item.priority], item.created_at, item.id)


def chief_queue(user: User, filters: QueueFilters = QueueFilters(), now: datetime | None = None,
                limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """The cases in CHIEF_QUEUE of the user's streets (admins: every street) that pass the filters,
    most pressing first. Rows come in three queries: the cases with category and alley, their whistles
    with departments; the sort happens in SQL so that the limit keeps the most pressing ones."""
    _check_category(filters)
    now = now or clock.now()
    rank = case((Report.priority == Priority.URGENT, 0), (Report.priority == Priority.HIGH, 1), else_=2)
    mine = chief_alley_ids(user)
    own_first = [case((Report.alley_id.in_(mine), 0), else_=1)] if mine else []
    query = (db.select(Report).where(*_conditions(user, filters, now))
             .options(joinedload(Report.category), joinedload(Report.alley),
                      selectinload(Report.whistles).joinedload(Whistle.department))
             .order_by(*own_first, case((_overdue_clause(now), 0), else_=1), rank, Report.created_at, Report.id)
             .limit(limit))
    items = [_item(report, now) for report in db.session.scalars(query).unique()]
    # The database sorted for the limit; the same order again on the computed flags is the one shown
    # (both from one `now`), so a case's place never depends on how an engine compares times.
    return sorted(items, key=lambda item: sort_key(item, mine))


def queue_counts(user: User, filters: QueueFilters = QueueFilters(), now: datetime | None = None) -> QueueCounts:
    """Two small aggregate queries: per status (every filter but the status) and overdue (every filter
    but "overdue only"), so each chip says how many cases choosing it would show."""
    _check_category(filters)
    now = now or clock.now()
    rows = db.session.execute(db.select(Report.status, func.count()).where(
        *_conditions(user, filters, now, status=False)).group_by(Report.status)).all()
    found = {status: n for status, n in rows}
    by_status = {s.value: found.get(s, 0) for s in QUEUE_STATUSES}
    overdue = db.session.scalar(db.select(func.count()).select_from(Report).where(
        *_conditions(user, filters, now, overdue=False), _overdue_clause(now)))
    return QueueCounts(by_status=by_status, overdue=overdue or 0)


def queue_alleys(user: User) -> list[tuple[int, str]]:
    """The alleys that have cases in the user's queue now (id, name), for the alley filter."""
    streets = chief_street_ids(user)
    query = (db.select(Alley.id, Alley.name).join(Report, Report.alley_id == Alley.id)
             .where(Report.status.in_(CHIEF_QUEUE), Report.held_by_community_id.is_(None)).distinct()
             .order_by(Alley.name))
    if streets is not None:
        query = query.where(Report.street_id.in_(streets or {-1}))
    return [(alley_id, name) for alley_id, name in db.session.execute(query)]


def queue_categories() -> list[tuple[str, str]]:
    """Every category (code, name in the user's language), in the organizers' order."""
    locale = get_locale() or "zh_Hans"
    return [(c.code, c.name_for(locale)) for c in
            db.session.scalars(db.select(Category).order_by(Category.active.desc(), Category.sort_order, Category.id))]

"""What a dashboard request asks for (street, period, grouping, filters), parsed and checked against who asks."""
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest, Forbidden, NotFound
from webapp.extensions import db
from webapp.labels import REQUEST_KIND_LABELS
from webapp.models import Alley, Category, Department, RequestKind
from webapp.policies import can_view_performance, performance_street_ids
from webapp.services.performance.dashboard import BUCKETS, MAX_DAYS, Period, Scope, names_of_streets

DAY_CHOICES = (1, 7, 30, 90)
# The kinds of request the dashboard filters by (?kind=), with their short names (the chips).
KIND_CHOICES = [(kind.value, label) for kind, label in REQUEST_KIND_LABELS.items()]
DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)  # no case is older; later than a year ahead is a typo
ID = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class DashboardQuery:
    scope: Scope
    period: Period
    bucket: str
    args: dict  # the query as given and used, for links that keep it
    viewable: list[dict]  # the streets this user may choose

    @classmethod
    def parse(cls, args, user, today: date) -> "DashboardQuery":
        viewable = viewable_streets(user)
        if not viewable:
            raise Forbidden()
        street_ids = _street(args.get("street"), viewable, user)
        period = _period(args, today)
        bucket = args.get("bucket") or ("day" if period.days <= 31 else "week" if period.days <= 120 else "month")
        if bucket not in BUCKETS:
            raise BadRequest(_l("Please choose day, week or month."), field="bucket")
        scope = Scope(street_ids, alley_id=_alley(args.get("alley"), street_ids),
                      category_id=_code(Category, args.get("category"), "category"),
                      department_id=_code(Department, args.get("department"), "department"),
                      request_kind=_request_kind(args.get("kind")))
        used = {"street": "all" if street_ids is None else str(street_ids[0]), "bucket": bucket,
                **({"from": period.start.isoformat(), "to": period.end.isoformat()} if "from" in args or "to" in args
                   else {"days": str(period.days)})}
        used |= {k: args[k] for k in ("alley", "category", "department", "kind") if args.get(k)}
        return cls(scope, period, bucket, used, viewable)


def viewable_streets(user) -> list[dict]:
    allowed = performance_street_ids(user)
    return [{"id": key, "name": name} for key, name in names_of_streets().items() if allowed is None or key in allowed]


def _street(given: str | None, viewable: list[dict], user) -> tuple[int, ...] | None:
    if given == "all":
        if not can_view_performance(user, None):
            raise Forbidden()
        return None
    if not given:
        return (viewable[0]["id"],)
    if not ID.fullmatch(given):
        raise BadRequest(_l("Please choose a street from the list."), field="street")
    street_id = int(given)
    if not can_view_performance(user, street_id):
        raise Forbidden()
    if street_id not in {s["id"] for s in viewable}:
        raise NotFound(_l("No such street."))
    return (street_id,)


def _period(args, today: date) -> Period:
    if args.get("from") or args.get("to"):
        try:
            period = Period(date.fromisoformat(args.get("from", "")), date.fromisoformat(args.get("to", "")))
        except ValueError:
            raise BadRequest(_l("Please give both dates as YYYY-MM-DD."), field="from") from None
        if period.start > period.end:
            raise BadRequest(_l("The first day must not be after the last."), field="from")
    else:
        try:
            days = int(args.get("days", DEFAULT_DAYS))
        except ValueError:
            raise BadRequest(_l("Please give the number of days as a whole number."), field="days") from None
        if days < 1:
            raise BadRequest(_l("Please give at least one day."), field="days")
        period = Period.last(min(days, MAX_DAYS + 1), today)
    if period.days > MAX_DAYS:
        raise BadRequest(_l("A period may have at most %(days)d days.", days=MAX_DAYS), field="days")
    check_day(period.start, today, "from")
    check_day(period.end, today, "to")
    return period


def check_day(day: date, today: date, field: str) -> None:
    if not EARLIEST <= day <= today + timedelta(days=366):
        raise BadRequest(_l("Please choose a day between %(first)s and a year from now.",
                            first=EARLIEST.isoformat()), field=field)


def _alley(given: str | None, street_ids) -> int | None:
    if not given:
        return None
    alley = db.session.get(Alley, int(given)) if ID.fullmatch(given) else None
    if alley is None or (street_ids is not None and alley.street_id not in street_ids):
        raise NotFound(_l("No such alley in this street."))
    return alley.id


def _request_kind(given: str | None) -> str | None:
    if not given:
        return None
    if given not in {kind.value for kind in RequestKind}:
        raise BadRequest(_l("Please choose the kind of request from the list."), field="kind")
    return given


def _code(model, given: str | None, field: str) -> int | None:
    if not given:
        return None
    found = db.session.scalar(db.select(model.id).where(model.code == given))
    if found is None:
        raise BadRequest(_l("Please choose from the list."), field=field)
    return found

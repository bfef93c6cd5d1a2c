"""GET /performance/scorecard: the monthly scorecard of a street's departments (考核), one printable A4 page, and
GET /performance/scorecard.xlsx, the same table for the district."""
import re
from dataclasses import dataclass
from datetime import date

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import clock
from webapp.errors import BadRequest, Forbidden, NotFound
from webapp.performance.blueprint import bp
from webapp.performance.exports import CONTENT_TYPES
from webapp.performance.query import ID, check_day, viewable_streets
from webapp.policies import can_view_scorecard
from webapp.services.performance.rates import definitions
from webapp.services.performance.scorecard import scorecard
from webapp.spreadsheets import xlsx_bytes

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
COLUMNS = [
    ("name", _l("Department")), ("whistles_due", _l("Whistles due")), ("on_site_in_time", _l("On site in time")),
    ("on_site_rate", _l("On-site rate")), ("cases", _l("Cases")), ("resolution_due", _l("Resolution due")),
    ("resolved", _l("Resolved")), ("resolution_rate", _l("Resolution rate")), ("scored", _l("Scores")),
    ("avg_on_time", _l("On time (average)")), ("avg_attitude", _l("Attitude (average)")),
    ("avg_result", _l("Result (average)")), ("avg_score", _l("Average score")),
]


@dataclass(frozen=True)
class ScorecardQuery:
    street: dict  # {"id", "name"}
    month: date  # its first day

    @classmethod
    def parse(cls, args, user, today: date) -> "ScorecardQuery":
        viewable = viewable_streets(user)
        if not viewable:
            raise Forbidden()
        given = args.get("street")
        if given and not ID.fullmatch(given):
            raise BadRequest(_l("Please choose a street from the list."), field="street")
        street_id = int(given) if given else viewable[0]["id"]
        if not can_view_scorecard(user, street_id):
            raise Forbidden()
        street = next((s for s in viewable if s["id"] == street_id), None)
        if street is None:
            raise NotFound(_l("No such street."))
        return cls(street, _month(args.get("month"), today))


def _month(given: str | None, today: date) -> date:
    if not given:
        return today.replace(day=1)
    found = MONTH.fullmatch(given)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise BadRequest(_l("Please give the month as YYYY-MM."), field="month")
    month = date(int(found.group(1)), int(found.group(2)), 1)
    check_day(month, today, "month")
    return month


def _query():
    query = ScorecardQuery.parse(request.args, current_user, clock.today())
    now = clock.now()
    return query, scorecard(query.street["id"], query.month, now), now


@bp.get("/performance/scorecard")
@login_required
def scorecard_page():
    query, card, now = _query()
    return render_template("performance/scorecard.html", street=query.street, month=query.month.strftime("%Y-%m"),
                           card=card, rows=[r.as_dict() for r in card["rows"]], total=card["total"].as_dict(),
                           definitions={d["key"]: d for d in definitions()}, generated_at=now,
                           streets=viewable_streets(current_user))


@bp.get("/performance/scorecard.xlsx")
@login_required
def scorecard_xlsx():
    query, card, _now = _query()
    total = card["total"].as_dict() | {"name": str(_l("Street total"))}
    rows = [[row.get(key) for key, _label in COLUMNS] for row in [r.as_dict() for r in card["rows"]] + [total]]
    month = query.month.strftime("%Y-%m")
    body = xlsx_bytes([str(label) for _key, label in COLUMNS], rows, f"{month}")
    response = Response(body, content_type=CONTENT_TYPES["xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="scorecard-{query.street["id"]}-{month}.xlsx"'
    return response

"""The period a page counts volunteers' achievements in: ?from=YYYY-MM-DD&to=YYYY-MM-DD (Beijing days, both
included) when given, else the page's year."""
from datetime import date

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest
from webapp.performance.query import check_day
from webapp.services.performance.dashboard import Period
from webapp.services.volunteers.achievements import year_period


def chosen_period(args, year: int, today: date) -> tuple[Period, bool]:
    """(the period, whether it is another than the year)."""
    if not (args.get("from") or args.get("to")):
        return year_period(year), False
    try:
        period = Period(date.fromisoformat(args.get("from") or ""), date.fromisoformat(args.get("to") or ""))
    except ValueError:
        raise BadRequest(_l("Please give both dates as YYYY-MM-DD."), field="from") from None
    if period.start > period.end:
        raise BadRequest(_l("The first day must not be after the last."), field="from")
    check_day(period.start, today, "from")
    check_day(period.end, today, "to")
    return period, period != year_period(year)

"""The app's idea of now: real UTC time, unless a test put a clock in app.extensions["clock"]; and Beijing's day."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from webapp.models.places import utcnow

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    if has_app_context() and "clock" in current_app.extensions:
        return current_app.extensions["clock"]()
    return utcnow()


def beijing_day(moment: datetime) -> date:
    """The calendar day in Beijing of a moment (naive moments are UTC, as SQLite gives them back)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(BEIJING).date()


def today() -> date:
    return beijing_day(now())

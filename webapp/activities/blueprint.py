"""The blueprint of webapp/activities/ (its __init__ says what it serves) and the helpers it lends the whole app."""
from datetime import datetime

from flask import Blueprint
from flask_babel import format_datetime, get_locale

from webapp.clock import beijing_day
from webapp.models.reports import as_utc

bp = Blueprint("activities", __name__, url_prefix="/activities")

# Beijing time (BABEL_DEFAULT_TIMEZONE), with the weekday: older readers plan by it.
DAY_PATTERNS = {"zh": "M月d日 EEEE HH:mm", "en": "EEE d MMM, HH:mm"}


def _language() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


@bp.app_template_filter("activity_when")
def activity_when(activity) -> str:
    """"3月2日 星期一 09:00–11:00" (both ends in full when it runs past midnight)."""
    starts, ends = as_utc(activity.starts_at), as_utc(activity.ends_at)
    first = format_datetime(starts, DAY_PATTERNS[_language()])
    if beijing_day(starts) == beijing_day(ends):
        return f"{first}–{format_datetime(ends, 'HH:mm')}"
    return f"{first} – {format_datetime(ends, DAY_PATTERNS[_language()])}"


@bp.app_template_filter("activity_day_time")
def activity_day_time(moment: datetime) -> str:
    return format_datetime(as_utc(moment), DAY_PATTERNS[_language()]) if moment else ""


@bp.app_template_filter("clock_time")
def clock_time(moment: datetime | None) -> str:
    """09:02 in Beijing."""
    return format_datetime(as_utc(moment), "HH:mm") if moment else ""


@bp.app_template_filter("hours_text")
def hours_text(hours: float | None) -> str:
    """2 rather than 2.0; 0.75 stays."""
    return f"{hours or 0:g}"

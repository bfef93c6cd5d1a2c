"""Report pages: one report's case file with the steps the user may take, and "My reports"."""
from datetime import datetime

from flask import Blueprint
from flask_babel import format_datetime, get_locale

bp = Blueprint("reports", __name__)

# Beijing time (BABEL_DEFAULT_TIMEZONE is Asia/Shanghai), written the way each language writes dates.
TIME_PATTERNS = {
    "full": {"zh": "yyyy年M月d日 HH:mm", "en": "d MMM yyyy, HH:mm"},
    "short": {"zh": "M月d日 HH:mm", "en": "d MMM, HH:mm"},
}


@bp.app_template_filter("beijing_time")
def beijing_time(value: datetime | str | None, length: str = "full") -> str:
    """A time from the database or from the JSON view (ISO text; naive means UTC) in Beijing time."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    language = "en" if str(get_locale()).startswith("en") else "zh"
    return format_datetime(moment, TIME_PATTERNS[length][language])


from webapp.reports import routes  # noqa: E402,F401

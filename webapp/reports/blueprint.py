"""The blueprint of webapp/reports/ (its __init__ says what it serves) and the helpers it lends the whole app."""
from datetime import datetime

from flask import Blueprint, g
from flask_babel import format_datetime, get_locale

from webapp.labels import PRIORITY_LABELS, SATISFACTION_LABELS, WHISTLE_STATUS_LABELS, request_kind_label
from webapp.models import Priority, Satisfaction, WhistleStatus

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


@bp.app_template_filter("department_name")
def department_name(code: str) -> str:
    from webapp.services.cases.categories import all_departments  # services import the blueprint's forms

    if "department_names" not in g:
        g.department_names = {d.code: d.name for d in all_departments()}
    return g.department_names.get(code, code)


@bp.app_template_filter("satisfaction_label")
def satisfaction_label(value: str) -> str:
    return str(SATISFACTION_LABELS[Satisfaction(value)])


@bp.app_template_filter("priority_label")
def priority_label(value: str) -> str:
    return str(PRIORITY_LABELS[Priority(value)])


bp.add_app_template_filter(request_kind_label)


@bp.app_template_filter("whistle_status_label")
def whistle_status_label(value: str) -> str:
    return str(WHISTLE_STATUS_LABELS[WhistleStatus(value)])

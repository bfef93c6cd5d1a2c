"""What a notification says: its title, body and link, in the current language (made when shown or sent)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_time, get_locale
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.models import Department, Notification, NotificationKind

K = NotificationKind
MAX_BODY = 300  # a push payload stays far below the 3 KB the issue allows (and 4 KB services accept)

TITLES = {
    K.ESCALATED: _l("New case for the street chief: %(category)s"),
    K.WHISTLED: _l("Whistle: %(category)s, report on site by %(due)s"),
    K.WHISTLE_DUE_SOON: _l("Due soon: %(departments)s not on site yet"),
    K.WHISTLE_OVERDUE: _l("Overdue: %(departments)s did not report on site by %(due)s"),
    K.RESOLVED: _l("Resolved: %(category)s"),
    K.VERDICT_REQUESTED: _l("Your report is resolved: are you satisfied?"),
    K.REOPENED: _l("Reopened: the reporter is not satisfied"),
    K.REJECTED: _l("Your report was not accepted"),
    K.PARTNER_UPDATE: _l("Update from %(partner)s"),
}
BODIES = {
    K.ESCALATED: _l("Case %(case)s at %(place)s was passed up to you."),
    K.WHISTLED: _l("Case %(case)s at %(place)s. Stay until the matter is done (事不完、人不撤)."),
    K.WHISTLE_DUE_SOON: _l("Case %(case)s at %(place)s: the deadline is %(due)s."),
    K.WHISTLE_OVERDUE: _l("Case %(case)s at %(place)s."),
    K.RESOLVED: _l("Case %(case)s at %(place)s that you also reported is resolved."),
    K.VERDICT_REQUESTED: _l("%(category)s at %(place)s (case %(case)s): please tell us how it was handled."),
    K.REOPENED: _l("Case %(case)s, %(category)s at %(place)s, is back in your queue."),
    K.REJECTED: _l("Case %(case)s, %(category)s at %(place)s: open it to read the reason."),
    K.PARTNER_UPDATE: _l("Case %(case)s, %(category)s at %(place)s: open it to read the update."),
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str
    tag: str  # one case, one notification on the device: a newer one replaces the older


def department_names(codes) -> str:
    if not codes:
        return ""
    names = dict(db.session.execute(db.select(Department.code, Department.name).where(Department.code.in_(codes))).all())
    return "、".join(names.get(code, code) for code in codes)


def _due(value: str | None) -> str:
    return format_time(datetime.fromisoformat(value), "HH:mm") if value else ""


def message_for(notification: Notification) -> Message:
    report, params = notification.report, notification.params or {}
    fields = {
        "case": f"#{report.id}" if report else "",
        "category": report.category.name_for(get_locale()) if report else "",
        "place": (report.alley.name if report and report.alley else _l("the reported place")),
        "departments": department_names(params.get("departments", [])),
        "due": _due(params.get("due_at")),
        "partner": params.get("partner", ""),
    }
    url = f"/reports/{report.id}" if report else "/notifications"
    body = str(BODIES[notification.kind] % fields)
    return Message(str(TITLES[notification.kind] % fields), body[:MAX_BODY], url,
                   f"case-{report.id}" if report else f"note-{notification.id}")

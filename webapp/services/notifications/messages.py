"""What a notification says: its title, body and link, in the current language (made when shown or sent)."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, url_for
from flask_babel import format_time, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from webapp.extensions import db
from webapp.models import Department, Notification, NotificationKind
from webapp.policies import can_manage_roster, can_manage_roster_anywhere

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
    K.COMMUNITY_CASE: _l("New case for the community: %(category)s"),
    K.ACTIVITY_TOMORROW: _l("Tomorrow: %(activity)s"),
    K.ALLEY_UNPATROLLED: _l("%(alley)s has not been patrolled for %(days)s days"),
    K.ALLEYS_RELEASED: _l("Alleys without a steward: %(volunteer)s was deactivated"),
}
BODIES = {
    K.ESCALATED: _l("Case %(case)s at %(place)s was passed up to you."),
    K.WHISTLED: _l("Case %(case)s at %(place)s. Stay until the matter is done."),
    K.WHISTLE_DUE_SOON: _l("Case %(case)s at %(place)s: the deadline is %(due)s."),
    K.WHISTLE_OVERDUE: _l("Case %(case)s at %(place)s."),
    K.RESOLVED: _l("Case %(case)s at %(place)s that you also reported is resolved."),
    K.VERDICT_REQUESTED: _l("%(category)s at %(place)s (case %(case)s): please tell us how it was handled."),
    K.REOPENED: _l("Case %(case)s, %(category)s at %(place)s, is back in your queue."),
    K.REJECTED: _l("Case %(case)s, %(category)s at %(place)s: open it to read the reason."),
    K.PARTNER_UPDATE: _l("Case %(case)s, %(category)s at %(place)s: open it to read the update."),
    K.COMMUNITY_CASE: _l("Case %(case)s at %(place)s is in your community's queue: resolve it or pass it up."),
    K.ACTIVITY_TOMORROW: _l("%(activity)s starts tomorrow at %(time)s at %(place)s. If you cannot come, please "
                            "cancel so that someone else can take your place."),
    K.ALLEY_UNPATROLLED: _l("Please walk %(alley)s when you can. If you can no longer look after it, leave it on "
                            "the map so that someone else can claim it."),
    K.ALLEYS_RELEASED: _l("These alleys were released and need new stewards: %(alleys)s."),
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


def path_to(endpoint: str, **values) -> str | None:
    """A path on this site, also in the worker (no request: url_for would need SERVER_NAME for a mere path).
    None when the endpoint does not exist (a page not built yet)."""
    try:
        if has_request_context():
            return url_for(endpoint, **values)
        return current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/") \
            .build(endpoint, values)
    except BuildError:
        return None


def _link(notification: Notification) -> tuple[str, str]:
    """Where a notification that is not about a case leads, and its tag (one per activity, one per alley)."""
    params, kind = notification.params or {}, notification.kind
    if kind is K.ACTIVITY_TOMORROW:
        activity_id = params.get("activity_id")
        url = (path_to("activities.check_in", activity_id=activity_id) if activity_id else None) \
            or path_to("activities.index")
        return url or "/notifications", f"activity-{activity_id}"
    if kind is K.ALLEY_UNPATROLLED:
        street_id = params.get("street_id")
        url = path_to("map.index", street=street_id) if street_id else path_to("map.index")
        return url or "/", f"alley-{params.get('alley_id')}"
    if kind is K.ALLEYS_RELEASED:
        street_id = params.get("street_id")
        # Organizers fill the gaps on the coverage page; a chief (who cannot open it) sees them on the map.
        user, where = notification.user, ({"street": street_id} if street_id else {})
        organizes = can_manage_roster(user, street_id) if street_id else can_manage_roster_anywhere(user)
        url = path_to("roster.coverage" if organizes else "map.index", **where)
        return url or "/notifications", f"note-{notification.id}"
    return "/notifications", f"note-{notification.id}"


def message_for(notification: Notification) -> Message:
    """A case's notification names the case; the others (reminders, released alleys) carry what they name in
    their params, and work without a report."""
    report, params = notification.report, notification.params or {}
    fields = {
        "case": f"#{report.id}" if report else "",
        "category": report.category.name_for(get_locale()) if report else "",
        "place": (report.alley.name if report and report.alley else params.get("place") or _l("the reported place")),
        "departments": department_names(params.get("departments", [])),
        "due": _due(params.get("due_at")),
        "partner": params.get("partner", ""),
        "activity": params.get("activity", ""),
        "time": _due(params.get("starts_at")),
        "alley": params.get("alley", ""),
        "days": params.get("days", ""),
        "volunteer": params.get("volunteer", ""),
        "alleys": params.get("alleys", ""),
    }
    if report:
        url, tag = f"/reports/{report.id}", f"case-{report.id}"
    else:
        url, tag = _link(notification)
    body = str(BODIES[notification.kind] % fields)
    return Message(str(TITLES[notification.kind] % fields), body[:MAX_BODY], url, tag)

"""Translated labels for codes stored in the database (roles, checklist items), in one place."""
from flask_babel import lazy_gettext as _l

from webapp.models import (NotificationKind, Priority, ReportStatus, RequestKind, Role, Satisfaction, WhistleKind,
                           WhistleStatus)

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.STEWARD: _l("Alley Steward"),
    Role.OLD_NEIGHBOUR: _l("Old Neighbour"),
    Role.CHIEF: _l("Street and Alley Chief"),
    Role.OFFICER: _l("Department officer"),
    Role.ORGANIZER: _l("Volunteer organizer"),
    Role.ADMIN: _l("Administrator"),
    Role.COMMUNITY_WORKER: _l("Community worker"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS[Role(role)])


# The 十无 items a patrol checks (codes in webapp.models.patrols.CHECKLIST_ITEMS).
CHECKLIST_LABELS = {
    "illegal_structures": _l("No illegal structures"),
    "wall_openings": _l("No openings knocked into walls"),
    "illegal_parking": _l("No illegal parking"),
    "lane_occupation": _l("No occupation of the lane"),
    "overhead_cables": _l("No tangled overhead cables"),
    "damaged_facades": _l("No damaged facades"),
    "illegal_signboards": _l("No illegal signboards"),
    "damaged_roads": _l("No damaged road surface"),
    "illegal_trading": _l("No illegal street trading"),
    "piled_goods": _l("No goods piled in the lane"),
}


STATUS_LABELS = {
    ReportStatus.SUBMITTED: _l("Reported"),
    ReportStatus.HANDLED_ON_SPOT: _l("Handled on the spot"),
    ReportStatus.ESCALATED: _l("Passed to the street chief"),
    ReportStatus.ACCEPTED: _l("Accepted by the street chief"),
    ReportStatus.WHISTLED: _l("Departments called"),
    ReportStatus.ON_SITE: _l("Departments on site"),
    ReportStatus.RESOLVED: _l("Resolved, waiting for the reporter's verdict"),
    ReportStatus.CONFIRMED: _l("Confirmed by the reporter"),
    ReportStatus.UNRATED: _l("Closed, not rated"),
    ReportStatus.REJECTED: _l("Rejected"),
    ReportStatus.DUPLICATE: _l("Merged into another case"),
    ReportStatus.REOPENED: _l("Reopened"),
}


# The chief's queue chips name its statuses briefly.
SHORT_STATUS_LABELS = {
    ReportStatus.ESCALATED: _l("New"),
    ReportStatus.ACCEPTED: _l("Accepted"),
    ReportStatus.WHISTLED: _l("Whistled"),
    ReportStatus.ON_SITE: _l("On site"),
    ReportStatus.REOPENED: _l("Reopened"),
    ReportStatus.RESOLVED: _l("Awaiting verdict"),
}


# A passed-up case its community holds (小事不出社区) is not yet the street chief's.
HELD_BY_COMMUNITY = _l("Passed to the community")


def status_label(status: ReportStatus | str, held_by_community: bool = False) -> str:
    status = ReportStatus(status)
    if held_by_community and status is ReportStatus.ESCALATED:
        return str(HELD_BY_COMMUNITY)
    return str(STATUS_LABELS[status])


# What each step of the case file is called (codes of webapp.services.cases.transitions.Step, plus "merged_in").
STEP_LABELS = {
    "handle_on_spot": _l("Handled on the spot by persuasion"),
    "escalate": _l("Passed to the street chief"),
    "accept": _l("Accepted"),
    "reject": _l("Rejected"),
    "merge": _l("Merged as a duplicate"),
    "merged_in": _l("A duplicate was merged into this case"),
    "whistle": _l("Whistle: departments called"),
    "set_priority": _l("Priority set"),
    "set_request_kind": _l("Kind of request set"),
    "reply": _l("Reply from the street chief"),
    "report_on_site": _l("Department on site"),
    "add_note": _l("Department note"),
    "finish_part": _l("Department finished its part"),
    "resolve": _l("Resolved"),
    "verdict": _l("Verdict"),
    "reopen": _l("Reopened"),
    "close_unrated": _l("Closed without a verdict"),
    "partner_update": _l("Update from a partner system (12345, ...)"),
    "community_resolve": _l("Resolved by the community"),
    "community_on_spot": _l("Handled on the spot by the community"),
    "pass_up": _l("Passed up to the street chief by the community"),
    "pull_up": _l("Taken from the community's queue by the street chief"),
}


# 12345's four kinds of request (诉求类型).
REQUEST_KIND_LABELS = {
    RequestKind.CONSULTATION: _l("Consultation"),
    RequestKind.SUGGESTION: _l("Suggestion"),
    RequestKind.REPORT: _l("Report of a violation"),
    RequestKind.COMPLAINT: _l("Complaint"),
}


def request_kind_label(kind: RequestKind | str | None) -> str:
    """The kind's name; cases filed before kinds were asked have none."""
    return str(REQUEST_KIND_LABELS[RequestKind(kind)]) if kind else str(_l("Not recorded"))


def step_label(step: str | None) -> str:
    """The case file's name for a step; the first entry of a case (no step) is the report itself."""
    return str(STEP_LABELS.get(step or "", _l("Reported")))


ACTOR_ROLE_LABELS = {
    "reporter": _l("Reporter"),
    "follower": _l("Follower"),
    "steward": _l("Alley Steward"),
    "chief": _l("Street and Alley Chief"),
    "officer": _l("Department officer"),
    "system": _l("System"),
    "partner": _l("Partner system"),
    "community": _l("Community worker"),
}


def actor_role_label(role: str | None) -> str:
    return str(ACTOR_ROLE_LABELS.get(role or "", ""))


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.BASICALLY_SATISFIED: _l("Basically satisfied"),
    Satisfaction.UNSATISFIED: _l("Not satisfied"),
}

PRIORITY_LABELS = {
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.URGENT: _l("Urgent"),
}

WHISTLE_STATUS_LABELS = {
    WhistleStatus.WHISTLED: _l("Called, not yet on site"),
    WhistleStatus.ON_SITE: _l("On site"),
    WhistleStatus.DONE: _l("Part done"),
}


WHISTLE_LABELS = {
    WhistleKind.ENFORCEMENT: _l("Comprehensive enforcement whistle"),
    WhistleKind.EMERGENCY: _l("Emergency whistle"),
    WhistleKind.KEY_WORK: _l("Key work whistle"),
}


# What each kind of notification is, for the settings page.
NOTIFICATION_KIND_LABELS = {
    NotificationKind.ESCALATED: _l("A new case is passed up to me"),
    NotificationKind.WHISTLED: _l("My department is whistled"),
    NotificationKind.WHISTLE_DUE_SOON: _l("A department is silent near its deadline"),
    NotificationKind.WHISTLE_OVERDUE: _l("A whistle's deadline passed with no department on site"),
    NotificationKind.RESOLVED: _l("A case I said \"me too\" to is resolved"),
    NotificationKind.VERDICT_REQUESTED: _l("My report is resolved and waits for my verdict"),
    NotificationKind.REOPENED: _l("A reporter is not satisfied and the case reopens"),
    NotificationKind.REJECTED: _l("My report is not accepted"),
    NotificationKind.PARTNER_UPDATE: _l("A partner system (12345, ...) posts an update to a case"),
    NotificationKind.COMMUNITY_CASE: _l("A case comes to my community's queue"),
}


# 门前三包: the duties a shop signs (codes in webapp.models.frontage.DUTIES) and how a check found each.
DUTY_LABELS = {"safety": _l("Safety"), "sanitation": _l("Sanitation"), "order": _l("Public order")}
CHECK_RESULT_LABELS = {"kept": _l("Kept"), "warned": _l("Warned"), "broken": _l("Broken")}

"""Translated labels for codes stored in the database (roles, checklist items), in one place."""
from flask_babel import lazy_gettext as _l

from webapp.models import ReportStatus, Role, WhistleKind

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.STEWARD: _l("Alley Steward"),
    Role.OLD_NEIGHBOUR: _l("Old Neighbour"),
    Role.CHIEF: _l("Street and Alley Chief"),
    Role.OFFICER: _l("Department officer"),
    Role.ORGANIZER: _l("Volunteer organizer"),
    Role.ADMIN: _l("Administrator"),
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
}


def status_label(status: ReportStatus | str) -> str:
    return str(STATUS_LABELS[ReportStatus(status)])


WHISTLE_LABELS = {
    WhistleKind.ENFORCEMENT: _l("Comprehensive enforcement whistle (综合执法哨)"),
    WhistleKind.EMERGENCY: _l("Emergency whistle (应急处置哨)"),
    WhistleKind.KEY_WORK: _l("Key work whistle (重点工作哨)"),
}

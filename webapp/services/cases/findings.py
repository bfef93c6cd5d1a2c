"""Patrol findings: a 十无 item ticked as a problem on a patrol becomes a case, linked to the patrol.

The report carries the patrol's client id (Report.patrol_client_id), made by the phone when the patrol started.
The patrol itself is sent when it finishes, possibly hours later from a phone that was offline, so the report
often arrives first. The link is therefore read, never written: a report belongs to the patrol with that client
id *of the same volunteer*, whichever of the two arrived first. Naming someone else's patrol is refused when that
patrol is already here, and links to nothing when it comes later.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from webapp.errors import BadRequest, Forbidden
from webapp.extensions import db
from webapp.models import CHECKLIST_ITEMS, Patrol, Report, User
from webapp.services.volunteers.achievements import Achievements, Period, volunteer_achievements

PATROLS_SHOWN = 30  # a volunteer's most recent patrols on their page

# A report found on a patrol and that patrol: the same client id, the same volunteer.
FOUND_ON = and_(Report.patrol_client_id == Patrol.client_id, Report.reporter_id == Patrol.user_id)


def check_finding(user: User, patrol_client_id: str | None, checklist_item: str | None) -> int | None:
    """Refuses a finding that names an unknown item or someone else's patrol; the patrol's id if it is here."""
    if checklist_item is not None:
        if checklist_item not in CHECKLIST_ITEMS:
            raise BadRequest(_l("The checklist has unknown items or answers."), field="checklist_item")
        if patrol_client_id is None:
            raise BadRequest(_l("A checklist item is reported from its patrol."), field="patrol_client_id")
    if patrol_client_id is None:
        return None
    found = db.session.execute(select(Patrol.id, Patrol.user_id).where(Patrol.client_id == patrol_client_id)).first()
    if found is None:
        return None  # not sent yet (or never will be): the link holds once it arrives
    if found.user_id != user.id:
        raise Forbidden(_l("That patrol is someone else's."))
    return found.id


def patrol_id_of(report: Report) -> int | None:
    """The patrol the report was found on, once that patrol has arrived."""
    if report.patrol_client_id is None:
        return None
    return db.session.scalar(select(Patrol.id).where(Patrol.client_id == report.patrol_client_id,
                                                     Patrol.user_id == report.reporter_id))


@dataclass
class PatrolFindings:
    """One patrol with the cases it raised and the problems ticked without one (item code -> note)."""
    patrol: Patrol
    cases: list[Report] = field(default_factory=list)
    unreported: dict[str, str] = field(default_factory=dict)


def my_patrols(user: User, limit: int = PATROLS_SHOWN) -> list[PatrolFindings]:
    """The volunteer's latest patrols, newest first, each with the cases found on it (two queries)."""
    patrols = db.session.scalars(select(Patrol).where(Patrol.user_id == user.id).options(joinedload(Patrol.alley))
                                 .order_by(Patrol.finished_at.desc(), Patrol.id.desc()).limit(limit)).all()
    shown = {p.id: PatrolFindings(p) for p in patrols}
    if not shown:
        return []
    found = db.session.execute(
        select(Patrol.id, Report).join(Patrol, FOUND_ON).where(Patrol.id.in_(shown))
        .options(joinedload(Report.category)).order_by(Report.created_at, Report.id))
    for patrol_id, report in found:
        shown[patrol_id].cases.append(report)
    for view in shown.values():
        reported = {r.checklist_item for r in view.cases}
        view.unreported = {item: (view.patrol.problems or {}).get(item, "")
                           for item, answer in (view.patrol.checklist or {}).items()
                           if answer == "problem" and item not in reported}
    return list(shown.values())


def findings_waiting_for_patrol(user: User) -> list[Report]:
    """The volunteer's patrol findings whose patrol has not arrived (still on the phone, or cancelled)."""
    arrived = select(Patrol.id).where(FOUND_ON).exists()
    return list(db.session.scalars(
        select(Report).where(Report.reporter_id == user.id, Report.patrol_client_id.is_not(None), ~arrived)
        .options(joinedload(Report.category)).order_by(Report.created_at.desc(), Report.id.desc())
        .limit(PATROLS_SHOWN)))


@dataclass(frozen=True)
class MyPatrols:
    """What My patrols shows: the patrols with their cases, the findings still waiting for theirs, and the
    volunteer's figures in the period."""
    patrols: list[PatrolFindings]
    waiting: list[Report]
    period: Period
    achieved: Achievements


def my_patrols_page(user: User, period: Period) -> MyPatrols:
    return MyPatrols(my_patrols(user), findings_waiting_for_patrol(user), period,
                     volunteer_achievements([user.id], period)[user.id])

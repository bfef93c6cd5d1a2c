"""The one way a report changes state: a legal step, allowed for this user, written to the case file."""
import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from webapp.errors import BadRequest, Forbidden, IllegalTransition, NotFound
from webapp.extensions import db
from webapp.models import Report, ReportEvent, ReportPhoto, ReportStatus, User
from webapp.models.places import utcnow
from webapp.photos import clean_photo
from webapp.policies import can_escalate_report, can_handle_on_spot
from webapp.services.claims import open_claim
from webapp.storage import discard, storage_for

MAX_NOTE = 2000


class Step(enum.Enum):
    HANDLE_ON_SPOT = "handle_on_spot"  # 劝导
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Move:
    sources: frozenset[ReportStatus]
    target: ReportStatus
    allowed: Callable[[User, Report, bool], bool]  # (user, report, holds a claim on its alley)
    needs_note: bool = False


MOVES = {
    Step.HANDLE_ON_SPOT: Move(frozenset({ReportStatus.SUBMITTED}), ReportStatus.HANDLED_ON_SPOT,
                              can_handle_on_spot, needs_note=True),
    Step.ESCALATE: Move(frozenset({ReportStatus.SUBMITTED}), ReportStatus.ESCALATED, can_escalate_report),
}


def holds_alley(user, report: Report) -> bool:
    """Whether the user is one of the report's alley stewards (holds an open claim on it)."""
    return bool(getattr(user, "is_authenticated", False) and report.alley_id is not None
                and open_claim(user.id, report.alley_id) is not None)


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_l("No such report."))
    return report


def open_case(report: Report, actor_id: int, is_safety: bool) -> None:
    """A new report's first entries in the case file; safety hazards (安全隐患) go to the chief at once."""
    report.status = ReportStatus.SUBMITTED
    report.events.append(ReportEvent(actor_id=actor_id, from_status=None, to_status=ReportStatus.SUBMITTED))
    if is_safety:
        report.status = ReportStatus.ESCALATED
        report.events.append(ReportEvent(actor_id=actor_id, from_status=ReportStatus.SUBMITTED,
                                         to_status=ReportStatus.ESCALATED, note="",
                                         details={"step": Step.ESCALATE.value, "automatic": True}))


def transition(user: User, report_id: int, step: Step, note: str = "", photo: bytes | None = None) -> Report:
    """Apply one step: checks the policy and the current status, then writes the status, the event and an
    optional evidence photo in one transaction. A step that another user took first is refused (409)."""
    report = get_report(report_id)
    move = MOVES[step]
    if not move.allowed(user, report, holds_alley(user, report)):
        raise Forbidden()
    if report.status not in move.sources:
        raise IllegalTransition()
    note = (note or "").strip()
    if move.needs_note and not note:
        raise BadRequest(_l("Please write a short note on what was done."), field="note")
    if len(note) > MAX_NOTE:
        raise BadRequest(_l("A note may have at most 2000 characters."), field="note")
    cleaned = clean_photo(photo) if photo else None

    storage, stored, source = storage_for(current_app), [], report.status
    try:
        # The conditional update makes two stewards acting at once end with one step, not two.
        moved = db.session.execute(update(Report).where(Report.id == report.id, Report.status.in_(move.sources))
                                   .values(status=move.target, updated_at=utcnow()))
        if moved.rowcount != 1:
            raise IllegalTransition()
        event = ReportEvent(report_id=report.id, actor_id=user.id, from_status=source,
                            to_status=move.target, note=note, details={"step": step.value})
        db.session.add(event)
        if cleaned:
            stored = [storage.save(cleaned.image, ".jpg"), storage.save(cleaned.thumbnail, ".jpg")]
            position = 1 + max((p.position for p in report.photos), default=-1)
            db.session.add(ReportPhoto(report_id=report.id, event=event, position=position, storage_key=stored[0],
                                       thumb_key=stored[1], width=cleaned.width, height=cleaned.height))
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(storage, stored)
        raise
    db.session.refresh(report)
    return report

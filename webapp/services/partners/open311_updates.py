"""Open311 request updates (FixMyStreet's servicerequestupdates): a partner's word into the case file, and the
feed of what happened to cases, for partners to follow."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from webapp.errors import BadRequest, Conflict, NotFound
from webapp.extensions import db
from webapp.models import ApiKey, PartnerUpdate, Report, ReportEvent, ReportStatus
from webapp.services.partners.open311 import (MAX_RESULTS, PUBLIC_NOTES, PUBLIC_STEPS, REPORTER_NOTES, UPDATE_STATUSES,
                                     check_media_url, parse_id, parse_w3c)
from webapp.services.cases.transitions import Step, StepInput, transition


@dataclass(frozen=True)
class PartnerUpdateInput:
    service_request_id: str | None
    update_id: str | None
    updated_datetime: str | None
    status: str | None
    description: str
    media_url: str = ""


def post_update(key: ApiKey, data: PartnerUpdateInput) -> int:
    """The partner's update in the case file, once per its update_id; answers our id for it (the event's).
    The partner's status is recorded beside the note, never applied: the chief decides what follows."""
    for name in ("service_request_id", "update_id", "updated_datetime", "status"):
        if not getattr(data, name):
            raise BadRequest(_l("%(name)s was not provided.", name=name))
    if not data.description.strip():
        raise BadRequest(_l("description was not provided."))
    if data.status.upper() not in UPDATE_STATUSES:
        raise BadRequest(_l("status must be OPEN, CLOSED or one of FixMyStreet's statuses (FIXED, IN_PROGRESS, ...)."))
    check_media_url(data.media_url)
    if len(data.update_id) > 100:
        raise BadRequest(_l("update_id may have at most 100 characters."))
    said_at = parse_w3c(data.updated_datetime, "updated_datetime")
    report_id = parse_id(data.service_request_id)
    if earlier := _update(key, data.update_id):
        if earlier.report_id != report_id:
            raise Conflict(_l("This update_id was already used for another request."))
        return earlier.event_id
    if db.session.get(Report, report_id) is None:
        raise NotFound(_l("No request with this id."))

    def remember(event: ReportEvent) -> None:
        db.session.add(PartnerUpdate(api_key_id=key.id, external_id=data.update_id, event=event, report_id=report_id))

    partner = {"partner_status": data.status.upper(), "partner_said_at": said_at.isoformat()}
    if data.media_url:
        partner["media_url"] = data.media_url
    try:
        transition(key.user, report_id, Step.PARTNER_UPDATE, StepInput(note=data.description, partner=partner),
                   on_event=remember)
    except IntegrityError:  # the same update arrived twice at once: the first one is kept
        pass
    return _update(key, data.update_id).event_id


def _update(key: ApiKey, external_id: str) -> PartnerUpdate | None:
    return db.session.scalar(db.select(PartnerUpdate).where(PartnerUpdate.api_key_id == key.id,
                                                            PartnerUpdate.external_id == external_id))


@dataclass(frozen=True)
class FeedEntry:
    event_id: int
    report_id: int
    status: ReportStatus  # the case's status after the step
    at: datetime
    step: str | None
    note: str  # only a note the asking partner may read, else ""


def updates_between(key: ApiKey, start: datetime, end: datetime) -> list[FeedEntry]:
    """The public steps of every case in the period, oldest first (at most 1000). Partners' updates are not in
    it (each partner has its own; another's may name the caller). Notes: a resolution's or rejection's for
    everyone, the chief's replies on the partner's own cases."""
    step = ReportEvent.details["step"].as_string()
    rows = db.session.execute(
        db.select(ReportEvent.id, ReportEvent.report_id, ReportEvent.to_status, ReportEvent.at, step,
                  ReportEvent.note, Report.reporter_id)
        .join(Report, Report.id == ReportEvent.report_id)
        .where(ReportEvent.at >= start, ReportEvent.at <= end,
               or_(ReportEvent.from_status.is_(None), step.in_(sorted(PUBLIC_STEPS))))
        .order_by(ReportEvent.at, ReportEvent.id).limit(MAX_RESULTS)).all()
    return [FeedEntry(event_id, report_id, status, at, step_name,
                      note if step_name in PUBLIC_NOTES or (step_name in REPORTER_NOTES and reporter_id == key.user_id)
                      else "")
            for event_id, report_id, status, at, step_name, note, reporter_id in rows]

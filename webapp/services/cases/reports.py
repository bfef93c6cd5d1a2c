"""Filing problem reports: located, snapped to an alley, with cleaned photos, once per client key."""
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from geo import queries
from webapp import clock
from webapp.errors import BadRequest, Conflict, DomainError, Forbidden, IdempotencyConflict
from webapp.extensions import db
from webapp.models import (OPEN_REPORT_STATUSES, Category, PartnerRequest, Report, ReportEvent, ReportFollower,
                           ReportPhoto, ReportStatus, RequestKind, User)
from webapp.models.places import WGS84, Alley
from webapp.photos import clean_photo
from webapp.policies import can_follow_report, can_submit_report
from webapp.services.cases.findings import check_finding, patrol_id_of
from webapp.services.cases.transitions import MAX_PARTNER_TEXT, get_report, open_case
from webapp.services.notifications.outbox import notify_opened
from webapp.services.performance.rates import refresh_facts
from webapp.services.places.frontage import shop_for_report
from webapp.storage import discard, storage_for

MAX_DESCRIPTION = 2000
MAX_PHOTOS = 6
DUPLICATE_RADIUS_M = 50
DUPLICATE_DAYS = 30
# Fields added after phones began to queue reports: they count in a report's fingerprint only when given, so a
# report queued before they existed replays to the same hash.
LATER_FIELDS = ("request_kind", "patrol_client_id", "checklist_item", "shop_id")
# What a list of reports shows with each one: loaded in a few queries for the whole list, not per report.
SHOWN_WITH_REPORT = (joinedload(Report.category), joinedload(Report.alley), selectinload(Report.photos),
                     selectinload(Report.events).joinedload(ReportEvent.actor),
                     selectinload(Report.events).selectinload(ReportEvent.photos),
                     joinedload(Report.partner_request).joinedload(PartnerRequest.api_key))


@dataclass(frozen=True)
class ReportInput:
    client_id: str
    category_code: str
    lon: float
    lat: float
    accuracy_m: float | None = None
    description: str = ""
    anonymous: bool = False
    photos: list[bytes] = field(default_factory=list)
    alley_id: int | None = None  # the alley the report names (a partner's address); else the nearest one
    request_kind: str | None = None  # 咨询 / 建议 / 举报 / 投诉 (RequestKind); None: not said (see _request_kind)
    patrol_client_id: str | None = None  # a patrol finding: the client id of the patrol it was found on
    checklist_item: str | None = None  # ... and the 十无 item ticked
    shop_id: int | None = None  # 门前三包: the shop it is about, one of its street's

    def fingerprint(self) -> str:
        """The content's hash (photos by their digest), to tell a replay from a reused key. The patrol's fields
        count only when given, so a report queued before they existed replays to the same hash."""
        body = asdict(self) | {"photos": [hashlib.sha256(p).hexdigest() for p in self.photos]}
        for name in LATER_FIELDS:
            if body[name] is None:
                del body[name]
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def active_categories() -> list[Category]:
    return db.session.scalars(db.select(Category).where(Category.active.is_(True))
                              .order_by(Category.sort_order, Category.id)).all()


def _category(code: str) -> Category:
    category = db.session.scalar(db.select(Category).where(Category.code == code, Category.active.is_(True)))
    if category is None:
        raise BadRequest(_l("Please choose a category."), field="category")
    return category


def _check(user: User, data: ReportInput) -> None:
    if not (-180 <= data.lon <= 180 and -90 <= data.lat <= 90):
        raise BadRequest(_l("The location is not a valid position."), field="location")
    limit = MAX_PARTNER_TEXT if user.is_partner else MAX_DESCRIPTION  # 12345's call notes run long
    if len(data.description) > limit:
        raise BadRequest(_l("The description may have at most %(n)d characters.", n=limit), field="description")
    if len(data.photos) > MAX_PHOTOS:
        raise BadRequest(_l("A report may have at most 6 photos."), field="photos")


def _request_kind(user: User, given: str | None) -> RequestKind | None:
    """The kind the reporter chose; a person who does not say is reporting a problem they saw (举报), while a
    partner system that does not say leaves it unknown for the chief to set."""
    if given is None:
        return None if user.is_partner else RequestKind.REPORT
    try:
        return RequestKind(given)
    except ValueError:
        raise BadRequest(_l("Please choose the kind of request."), field="request_kind") from None


def _replay(user: User, data: ReportInput, fingerprint: str) -> Report | None:
    existing = db.session.scalar(db.select(Report).where(Report.client_id == data.client_id))
    if existing is None:
        return None
    if existing.reporter_id != user.id or existing.payload_hash != fingerprint:
        raise IdempotencyConflict()
    return existing


@dataclass(frozen=True)
class Filed:
    """What filing answers, taken before the commit so that answering costs no second query."""
    id: int
    client_id: str
    status: ReportStatus
    street_id: int
    alley_id: int | None
    created_at: datetime
    photo_count: int
    created: bool
    patrol_client_id: str | None = None
    patrol_id: int | None = None  # the patrol it was found on, if that patrol has arrived

    @classmethod
    def of(cls, report: Report, created: bool, patrol_id: int | None, photo_count: int | None = None) -> "Filed":
        if photo_count is None:
            photo_count = sum(1 for p in report.photos if p.event_id is None)
        return cls(report.id, report.client_id, report.status, report.street_id, report.alley_id,
                   report.created_at, photo_count, created, report.patrol_client_id, patrol_id)


def submit_report(user: User, data: ReportInput, attach: Callable[[Report], None] | None = None) -> Filed:
    """File a report once per client key: a replay answers the report already filed, and the same key
    with other content is refused. New reports are the common case, so the key is looked up only when
    filing fails (the unique index on client_id catches a replay). `attach` adds rows that belong with
    the new report (a partner's request details) to the same transaction."""
    fingerprint = data.fingerprint()
    try:
        return _file(user, data, fingerprint, attach)
    except (DomainError, IntegrityError):
        db.session.rollback()
        if existing := _replay(user, data, fingerprint):
            return Filed.of(existing, created=False, patrol_id=patrol_id_of(existing))
        raise


def _file(user: User, data: ReportInput, fingerprint: str, attach: Callable[[Report], None] | None) -> Filed:
    """Everything is checked before anything is written, and a failed commit removes the photos it
    had stored, so a bad request leaves no row and no file."""
    _check(user, data)
    patrol_id = check_finding(user, data.patrol_client_id, data.checklist_item)
    category = _category(data.category_code)
    kind = _request_kind(user, data.request_kind)
    street_id, snap = queries.locate(db.session, data.lon, data.lat, current_app.config["SNAP_RADIUS_M"])
    if street_id is None:
        raise BadRequest(_l("This place is outside the service area: no street of ours covers it."),
                         field="location")
    named = db.session.get(Alley, data.alley_id) if data.alley_id else None
    if named is not None and named.street_id == street_id:  # at a crossing the nearest may be the other alley
        snap = queries.NearestAlley(named.id, 0.0, data.lon, data.lat)
    if not can_submit_report(user, street_id):
        raise Forbidden(_l("You can report problems in your own street."))
    shop_id = shop_for_report(data.shop_id, street_id)
    cleaned = [clean_photo(photo) for photo in data.photos]

    storage = storage_for(current_app)
    stored: list[str] = []
    try:
        report = Report(
            client_id=data.client_id, payload_hash=fingerprint, reporter_id=user.id, category_id=category.id,
            street_id=street_id, alley_id=snap.alley_id if snap else None,
            community_id=queries.community_containing(db.session, street_id, data.lon, data.lat),
            snap_distance_m=round(snap.distance_m, 1) if snap else None,
            description=data.description.strip(), location=from_shape(Point(data.lon, data.lat), srid=WGS84),
            accuracy_m=data.accuracy_m, anonymous=data.anonymous, request_kind=kind, created_at=clock.now(),
            patrol_client_id=data.patrol_client_id, checklist_item=data.checklist_item,
            shop_id=shop_id)
        for position, photo in enumerate(cleaned):
            image_key, thumb_key = storage.save(photo.image, ".jpg"), storage.save(photo.thumbnail, ".jpg")
            stored += [image_key, thumb_key]
            report.photos.append(ReportPhoto(position=position, storage_key=image_key, thumb_key=thumb_key,
                                             width=photo.width, height=photo.height))
        open_case(report, user.id, category.is_safety, partner=user.display_name if user.is_partner else None)
        db.session.add(report)
        db.session.flush()
        refresh_facts(report)
        notify_opened(report)
        if attach:
            attach(report)
        filed = Filed.of(report, created=True, photo_count=len(cleaned), patrol_id=patrol_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(storage, stored)
        raise
    return filed


def nearby_open_reports(category_code: str, lon: float, lat: float) -> list[tuple[Report, float]]:
    """Open reports of the same category within 50 m from the last 30 days: likely the same problem."""
    category = _category(category_code)
    since = datetime.now(timezone.utc) - timedelta(days=DUPLICATE_DAYS)
    hits = queries.reports_near(db.session, lon, lat, DUPLICATE_RADIUS_M, category.id, since,
                                [s.value for s in OPEN_REPORT_STATUSES])
    return [(db.session.get(Report, report_id), distance) for report_id, distance in hits]


def follow_report(user: User, report_id: int) -> Report:
    """ "Me too": the user follows the case and it counts one more, instead of a new case."""
    report = get_report(report_id)
    if report.reporter_id == user.id:  # said first: the reason the policy below says no
        raise Conflict(_l("This is your own report."))
    if not can_follow_report(user, report):
        raise Forbidden()
    try:
        db.session.add(ReportFollower(report_id=report.id, user_id=user.id))
        db.session.execute(update(Report).where(Report.id == report.id)
                           .values(follower_count=Report.follower_count + 1))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You already follow this report."))
    db.session.refresh(report)
    return report


def my_reports(user: User, limit: int = 100) -> list[tuple[Report, bool]]:
    """The user's own reports and the ones they follow ("me too"), newest first: (report, is_mine)."""
    followed = db.select(ReportFollower.report_id).where(ReportFollower.user_id == user.id)
    found = db.session.scalars(db.select(Report).where((Report.reporter_id == user.id) | Report.id.in_(followed))
                               .options(*SHOWN_WITH_REPORT)
                               .order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)).all()
    return [(report, report.reporter_id == user.id) for report in found]


def is_following(user: User, report_id: int) -> bool:
    return db.session.scalar(db.select(ReportFollower.id).where(ReportFollower.report_id == report_id,
                                                                ReportFollower.user_id == user.id)) is not None


def open_reports_in_alley(alley_id: int, limit: int = 50) -> list[Report]:
    return db.session.scalars(db.select(Report).where(Report.alley_id == alley_id,
                                                      Report.status.in_(OPEN_REPORT_STATUSES))
                              .options(*SHOWN_WITH_REPORT).order_by(Report.created_at.desc()).limit(limit)).all()




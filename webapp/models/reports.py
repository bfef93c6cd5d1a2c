"""Problem reports: categories (data), the report with its photos, followers ("me too") and case file events."""
import enum
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import WGS84, utcnow


class WhistleKind(enum.Enum):
    ENFORCEMENT = "enforcement"  # 综合执法哨
    EMERGENCY = "emergency"  # 应急处置哨
    KEY_WORK = "key_work"  # 重点工作哨


class ReportStatus(enum.Enum):
    SUBMITTED = "submitted"
    HANDLED_ON_SPOT = "handled_on_spot"  # 劝导: a steward settled it there and then
    ESCALATED = "escalated"  # passed up to the street chief

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.ESCALATED})


def _enum(cls, length=20):
    return db.Enum(cls, name=cls.__name__.lower(), native_enum=False, length=length,
                   values_callable=lambda e: [m.value for m in e])


class Category(db.Model):
    """What kind of problem; categories are data that organizers and admins edit."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(db.String(60))
    name_en: Mapped[str] = mapped_column(db.String(80))
    whistle_kind: Mapped[WhistleKind] = mapped_column(_enum(WhistleKind))
    default_departments: Mapped[list] = mapped_column(JSON, default=list)  # department codes
    is_safety: Mapped[bool] = mapped_column(default=False)  # 安全隐患: goes to the chief at once
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def name_for(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class Report(db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(db.String(36), unique=True)  # idempotency key from the phone
    payload_hash: Mapped[str] = mapped_column(db.String(64))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    alley_id: Mapped[int | None] = mapped_column(ForeignKey("alleys.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(db.Text, default="")
    location = mapped_column(Geometry("POINT", srid=WGS84, spatial_index=True), nullable=False)
    accuracy_m: Mapped[float | None]
    snap_distance_m: Mapped[float | None]
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.SUBMITTED, index=True)
    follower_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    category = relationship("Category")
    reporter = relationship("User")
    street = relationship("Street")
    alley = relationship("Alley")
    photos = relationship("ReportPhoto", order_by="ReportPhoto.position", cascade="all, delete-orphan")
    events = relationship("ReportEvent", order_by="ReportEvent.id", cascade="all, delete-orphan")


class ReportPhoto(db.Model):
    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    # Set for evidence added at a step of the case (e.g. the steward's photo after 劝导), None for the report's own.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("report_events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    storage_key: Mapped[str] = mapped_column(db.String(80), unique=True)
    thumb_key: Mapped[str] = mapped_column(db.String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]

    event = relationship("ReportEvent")


class ReportFollower(db.Model):
    """Someone who saw the same problem and said "me too": counted, and told when it is resolved."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "user_id", name="uq_report_followers_report_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class ReportEvent(db.Model):
    """One step in the case file (一事一案): who, when, from which status to which, and a note."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    from_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    to_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    note: Mapped[str] = mapped_column(db.Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")
    photos = relationship("ReportPhoto", order_by="ReportPhoto.position", viewonly=True)

"""Problem reports: categories (data), the report with its photos, followers ("me too") and case file events."""
import enum
from datetime import datetime, timezone

from geoalchemy2 import Geometry
from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import WGS84, utcnow


class WhistleKind(enum.Enum):
    ENFORCEMENT = "enforcement"  # 综合执法哨
    EMERGENCY = "emergency"  # 应急处置哨
    KEY_WORK = "key_work"  # 重点工作哨


class ReportStatus(enum.Enum):
    """Where a case stands; the legal steps between them are in webapp.services.cases.transitions.MOVES."""
    SUBMITTED = "submitted"
    HANDLED_ON_SPOT = "handled_on_spot"  # 劝导: a steward settled it there and then
    ESCALATED = "escalated"  # passed up to the street chief
    ACCEPTED = "accepted"  # the chief took the case
    WHISTLED = "whistled"  # 吹哨: one or more departments called
    ON_SITE = "on_site"  # 报到: every whistled department has reported on site
    RESOLVED = "resolved"  # with evidence; waiting for the reporter's verdict
    CONFIRMED = "confirmed"  # the reporter answered 满意 or 基本满意
    UNRATED = "unrated"  # no verdict within the set days: closed, "not rated", never "satisfied"
    REJECTED = "rejected"  # with a reason
    DUPLICATE = "duplicate"  # merged into another case
    REOPENED = "reopened"  # 不满意, or the chief's decision: back in the chief's queue

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES


# The named groups: open (the problem is still there), waiting for a verdict, closed.
OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.ESCALATED, ReportStatus.ACCEPTED,
                           ReportStatus.WHISTLED, ReportStatus.ON_SITE, ReportStatus.REOPENED})
AWAITING_VERDICT = frozenset({ReportStatus.RESOLVED})
CLOSED_STATUSES = frozenset({ReportStatus.HANDLED_ON_SPOT, ReportStatus.CONFIRMED, ReportStatus.UNRATED,
                             ReportStatus.REJECTED, ReportStatus.DUPLICATE})
# What the street chief works on: everything passed up and not closed.
CHIEF_QUEUE = frozenset({ReportStatus.ESCALATED, ReportStatus.ACCEPTED, ReportStatus.WHISTLED,
                         ReportStatus.ON_SITE, ReportStatus.REOPENED, ReportStatus.RESOLVED})
# What a community's worker works on while the community holds the case (the chief's queue leaves these out).
COMMUNITY_QUEUE = frozenset({ReportStatus.ESCALATED, ReportStatus.REOPENED, ReportStatus.RESOLVED})


class RequestKind(enum.Enum):
    """What a case is, in 12345's four kinds (咨询 / 建议 / 举报 / 投诉); None on cases filed before it was asked."""
    CONSULTATION = "consultation"  # 咨询
    SUGGESTION = "suggestion"  # 建议
    REPORT = "report"  # 举报
    COMPLAINT = "complaint"  # 投诉


class Priority(enum.Enum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


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
    # Escalations skip the community's queue and go to the street chief (safety hazards, 12345 cases).
    street_first: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    keywords: Mapped[str] = mapped_column(db.String(200), default="", server_default="")  # comma-separated
    # Extra questions the category asks (Open311 attributes): [{code, datatype, required, order,
    # description_zh, description_en, values: [{key, name_zh, name_en}]}]; see webapp.services.partners.open311.
    questions: Mapped[list] = mapped_column(JSON, default=list, server_default=db.text("'[]'"))

    def name_for(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        # The cases a patrol raised: its client id names it, and the phone may send the report before the patrol.
        Index("ix_reports_patrol_client_id", "patrol_client_id"),
    )

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
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL, server_default="normal")
    duplicate_of_id: Mapped[int | None]  # the case this one was merged into (a plain id: see migration 0005)
    shop_id: Mapped[int | None] = mapped_column(index=True)  # 门前三包: the shop it names (a plain id, as above)
    # The community (社区) the case lies in, found when it is filed, and the one holding it in its queue now
    # (None: the street chief's). Plain ids, as duplicate_of_id: see migration 0013.
    community_id: Mapped[int | None] = mapped_column(index=True)
    held_by_community_id: Mapped[int | None] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))  # the verdict clock
    resolution_round: Mapped[int] = mapped_column(default=0, server_default="0")  # +1 at each resolution
    request_kind: Mapped[RequestKind | None] = mapped_column(_enum(RequestKind))  # set by the reporter or the chief
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # A patrol finding: the client id of the patrol it was found on and the 十无 item ticked. The patrol is the
    # reporter's one with that client id, once it has arrived (webapp/services/cases/findings.py); no foreign
    # key, because a phone offline sends the report first as often as not.
    patrol_client_id: Mapped[str | None] = mapped_column(db.String(36))
    checklist_item: Mapped[str | None] = mapped_column(db.String(40))

    category = relationship("Category")
    reporter = relationship("User")
    street = relationship("Street")
    alley = relationship("Alley")
    photos = relationship("ReportPhoto", order_by="ReportPhoto.position", cascade="all, delete-orphan")
    events = relationship("ReportEvent", order_by="ReportEvent.id", cascade="all, delete-orphan")
    whistles = relationship("Whistle", order_by="Whistle.id", back_populates="report", cascade="all, delete-orphan")
    verdicts = relationship("Verdict", order_by="Verdict.id", cascade="all, delete-orphan")
    followers = relationship("ReportFollower", viewonly=True)
    shop = relationship("Shop", primaryjoin="foreign(Report.shop_id) == Shop.id", viewonly=True)


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
    # What volunteers did in a period (webapp/services/volunteers/achievements.py): their steps, by time.
    __table_args__ = (Index("ix_report_events_actor_at", "actor_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)  # updates feed
    from_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    to_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    note: Mapped[str] = mapped_column(db.Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")
    photos = relationship("ReportPhoto", order_by="ReportPhoto.position", viewonly=True)


class WhistleStatus(enum.Enum):
    WHISTLED = "whistled"  # called; must report on site before due_at
    ON_SITE = "on_site"  # 报到
    DONE = "done"  # the department's work is finished; it stays answerable until the case is resolved


class Whistle(db.Model):
    """One department called to one case (吹哨); 报到 within the deadline of the whistle's kind."""

    __tablename__ = "whistles"
    __table_args__ = (
        # A case's whistles, and what a department's response rate reads of them, from the index alone.
        Index("ix_whistles_report_id", "report_id", postgresql_include=["department_id", "due_at", "on_site_at"]),
        # The whistles still waiting for their department, by deadline: overdue lists and deadline warnings.
        Index("ix_whistles_waiting_due", "due_at", postgresql_include=["id", "report_id", "department_id"],
              postgresql_where=text("status = 'whistled' AND closed_at IS NULL"),
              sqlite_where=text("status = 'whistled' AND closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    kind: Mapped[WhistleKind] = mapped_column(_enum(WhistleKind))
    status: Mapped[WhistleStatus] = mapped_column(_enum(WhistleStatus), default=WhistleStatus.WHISTLED, index=True)
    whistled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    whistled_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), index=True)
    on_site_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    on_site_lon: Mapped[float | None]
    on_site_lat: Mapped[float | None]
    done_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))  # when the case was resolved
    # When the chief was warned of silence near the deadline, and told it passed: each only once.
    warned_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    overdue_told_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    report = relationship("Report", back_populates="whistles")
    department = relationship("Department")

    @property
    def is_active(self) -> bool:
        return self.closed_at is None

    def reported_late(self) -> bool:
        return self.on_site_at is not None and as_utc(self.on_site_at) > as_utc(self.due_at)

    def is_overdue(self, now: datetime) -> bool:
        """Not on site and past its deadline: shown red to the chief and the department."""
        return self.is_active and self.status is WhistleStatus.WHISTLED and now > as_utc(self.due_at)


class Satisfaction(enum.Enum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class Verdict(db.Model):
    """A reporter's or follower's answer to one resolution of a case."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("report_id", "user_id", "round", name="uq_verdicts_report_user_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    satisfaction: Mapped[Satisfaction] = mapped_column(_enum(Satisfaction))
    comment: Mapped[str] = mapped_column(db.Text, default="")
    is_reporter: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User")


def as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every time here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

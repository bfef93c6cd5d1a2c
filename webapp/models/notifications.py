"""Notifications: the in-app inbox (which is also the outbox), push subscriptions per device, deliveries."""
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow
from webapp.models.reports import _enum


class NotificationKind(enum.Enum):
    ESCALATED = "escalated"  # to the street chief: a new case passed up
    WHISTLED = "whistled"  # to the department's officers: 吹哨, report on site within the deadline
    WHISTLE_DUE_SOON = "whistle_due_soon"  # to the chief: a department is silent near its deadline
    WHISTLE_OVERDUE = "whistle_overdue"  # to the chief and the department: the deadline passed without 报到
    RESOLVED = "resolved"  # to the followers: a case they said "me too" to is resolved
    VERDICT_REQUESTED = "verdict_requested"  # to the reporter: resolved, please say whether you are satisfied
    REOPENED = "reopened"  # to the chief: the reporter was not satisfied
    REJECTED = "rejected"  # to the reporter: the chief rejected the case, with the reason
    PARTNER_UPDATE = "partner_update"  # to the chief: a partner system (12345, ...) posted an update
    COMMUNITY_CASE = "community_case"  # to a community's workers: a case passed up lands in their queue
    # Not about a case (report_id is NULL): their ids are in params.
    ACTIVITY_TOMORROW = "activity_tomorrow"  # to those signed up: the activity is tomorrow (activity_id)
    ALLEY_UNPATROLLED = "alley_unpatrolled"  # to a claim's steward: no covering patrol for a while (alley_id)
    ALLEYS_RELEASED = "alleys_released"  # to the street's chiefs and organizers: a deactivated volunteer's alleys

    @property
    def is_urgent(self) -> bool:
        return self in URGENT_KINDS


# Kinds that cannot wait: pushed with high urgency, and sent by SMS too when an SMS provider is configured.
URGENT_KINDS = frozenset({NotificationKind.WHISTLED, NotificationKind.WHISTLE_DUE_SOON,
                          NotificationKind.WHISTLE_OVERDUE})


class Channel(enum.Enum):
    PUSH = "push"
    SMS = "sms"


class DeliveryState(enum.Enum):
    PENDING = "pending"  # waiting for its turn (or for a retry after next_attempt_at)
    SENDING = "sending"  # handed to the channel; if the worker dies here it is never sent again
    SENT = "sent"
    GONE = "gone"  # the push service said the subscription no longer exists (404/410)
    FAILED = "failed"  # gave up after the last retry
    INTERRUPTED = "interrupted"  # the worker died while sending: maybe delivered, so never repeated
    SKIPPED = "skipped"  # too old to be worth sending (past the push TTL)


class Notification(db.Model):
    """One thing one user is told. Written in the transaction of the change that caused it, so it is both
    the inbox entry and the outbox row the worker delivers from; its text is made when shown."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind, 30))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # names for the text (alley, category, departments)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    # Set when the worker has made its deliveries (one per device, SMS); NULL rows are the outbox.
    fanned_out_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True), index=True)

    report = relationship("Report")
    user = relationship("User")


class PushSubscription(db.Model):
    """One browser on one device that accepts Web Push for a user."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(db.String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(db.String(100))
    auth: Mapped[str] = mapped_column(db.String(40))
    device: Mapped[str] = mapped_column(db.String(120), default="")  # "Chrome on Android", for the settings list
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(default=0, server_default="0")  # in a row; reset by a success

    def as_webpush_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class MutedKind(db.Model):
    """A kind of notification a user does not want pushed (it still lands in the inbox)."""

    __tablename__ = "muted_kinds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind, 30), primary_key=True)


class Delivery(db.Model):
    """One notification on its way to one device (push) or one phone number (SMS)."""

    __tablename__ = "deliveries"
    # The same notification never goes twice to one device or number.
    __table_args__ = (UniqueConstraint("notification_id", "channel", "address", name="uq_deliveries_once"),
                      Index("ix_deliveries_due", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    address: Mapped[str] = mapped_column(db.String(40))  # the subscription's id, or the phone number
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("push_subscriptions.id", ondelete="SET NULL"))
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))  # a worker holds it until
    lease_token: Mapped[str | None] = mapped_column(db.String(32))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(db.String(300))

    notification = relationship("Notification")
    subscription = relationship("PushSubscription")


class Reminder(db.Model):
    """A reminder that went out (its notification was written in the same transaction). The unique keys make
    each one go once, however often the job runs and on however many workers: once per attendance for
    "activity tomorrow"; per claim, the nth "alley not patrolled" (a new one only PATROL_GAP_DAYS after the
    last)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("attendance_id", name="uq_reminders_attendance_id"),
        UniqueConstraint("claim_id", "nth", name="uq_reminders_claim_id_nth"),
        CheckConstraint("(attendance_id IS NULL) <> (claim_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind, 30))
    attendance_id: Mapped[int | None] = mapped_column(ForeignKey("attendances.id", ondelete="CASCADE"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    nth: Mapped[int] = mapped_column(default=1)
    sent_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

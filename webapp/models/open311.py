"""Open311 partners: their API keys (stored hashed), the requests they filed and the updates they posted."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow


class ApiKey(db.Model):
    """One partner system (12345, a district platform, ...). Its cases are filed by its own user account,
    which cannot sign in; the key itself is shown once and kept only as its SHA-256."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(60), unique=True)
    key_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(db.String(8))  # the key's first characters, to tell keys apart in a list
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user = relationship("User")


class PartnerRequest(db.Model):
    """What a partner sent with a case beyond the case itself: the resident's contact details (for the
    chief's call back), the answers to the category's questions, the partner's photo link, and a token."""

    __tablename__ = "partner_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(db.String(36), unique=True)
    address_string: Mapped[str] = mapped_column(db.String(300), default="")
    media_url: Mapped[str] = mapped_column(db.String(500), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # question code -> value (or list of values)
    contact: Mapped[dict] = mapped_column(JSON, default=dict)  # first_name, last_name, phone, email
    account_id: Mapped[str | None] = mapped_column(db.String(100))
    device_id: Mapped[str | None] = mapped_column(db.String(100))

    api_key = relationship("ApiKey")
    report = relationship("Report", backref=db.backref("partner_request", uselist=False, viewonly=True))


class PartnerUpdate(db.Model):
    """An update a partner posted to a case (servicerequestupdates): once per partner's update_id."""

    __tablename__ = "partner_updates"
    __table_args__ = (UniqueConstraint("api_key_id", "external_id", name="uq_partner_updates_key_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(db.String(100))
    event_id: Mapped[int] = mapped_column(ForeignKey("report_events.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    event = relationship("ReportEvent")

"""门前三包: shopfronts along alleys with the duties they signed, and stewards' checks of them."""
import enum
from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import WGS84, utcnow

# The three duties of a 门前三包 agreement, in the order the agreement lists them.
DUTIES = ("safety", "sanitation", "order")  # 安全, 卫生, 秩序


class CheckResult(enum.Enum):
    """How a shop kept one duty when a steward looked; a check's outcome is the worst of its duties."""
    KEPT = "kept"  # 守约
    WARNED = "warned"  # 劝导: put right after a word from the steward
    BROKEN = "broken"  # 违约

    @property
    def severity(self) -> int:
        return ("kept", "warned", "broken").index(self.value)


def _enum(cls):
    return db.Enum(cls, name=cls.__name__.lower(), native_enum=False, length=10,
                   values_callable=lambda e: [m.value for m in e])


class Shop(db.Model):
    """A shopfront on an alley; its position is the nearest point of the alley to where it was placed."""

    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("alley_id", "name", name="uq_shops_alley_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    alley_id: Mapped[int] = mapped_column(ForeignKey("alleys.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(120))
    operator: Mapped[str] = mapped_column(db.String(60), default="")
    phone: Mapped[str] = mapped_column(db.String(20), default="")
    location = mapped_column(Geometry("POINT", srid=WGS84, spatial_index=True), nullable=False)
    duty_safety: Mapped[bool] = mapped_column(default=False)
    duty_sanitation: Mapped[bool] = mapped_column(default=False)
    duty_order: Mapped[bool] = mapped_column(default=False)
    signed_on: Mapped[date | None] = mapped_column(db.Date)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    alley = relationship("Alley")

    @property
    def duties(self) -> tuple[str, ...]:
        """The duties this shop signed, in agreement order."""
        return tuple(duty for duty in DUTIES if getattr(self, f"duty_{duty}"))


class FrontageCheck(db.Model):
    """A steward's look at one shop: a result per signed duty, the worst of them as the outcome, once per
    client key (offline posts are replayed)."""

    __tablename__ = "frontage_checks"
    __table_args__ = (
        # The breaches page counts a street's checks over a period.
        Index("ix_frontage_checks_street_checked", "street_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(db.String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(db.String(64))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    # The shop's street (a shop never changes street), kept here so a street's period is read from one index.
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    checked_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    safety: Mapped[CheckResult | None] = mapped_column(_enum(CheckResult))
    sanitation: Mapped[CheckResult | None] = mapped_column(_enum(CheckResult))
    order: Mapped[CheckResult | None] = mapped_column(_enum(CheckResult))
    outcome: Mapped[CheckResult] = mapped_column(_enum(CheckResult))
    note: Mapped[str] = mapped_column(db.Text, default="")
    photo_key: Mapped[str | None] = mapped_column(db.String(80), unique=True)
    thumb_key: Mapped[str | None] = mapped_column(db.String(80), unique=True)

    shop = relationship("Shop")
    user = relationship("User")

    def results(self) -> dict[str, CheckResult]:
        return {duty: getattr(self, duty) for duty in DUTIES if getattr(self, duty) is not None}

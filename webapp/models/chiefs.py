"""Alley chiefs (街巷长 per alley): which chief answers for which alley, with the phone on the alley's sign.
One open assignment per alley (a partial unique index); reassigning ends the previous one, so the rows are its history."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow


class AlleyChief(db.Model):
    __tablename__ = "alley_chiefs"
    __table_args__ = (
        # One chief per alley at a time, however many organizers assign at once; ended rows stay as history.
        Index("uq_alley_chiefs_open_alley", "alley_id", unique=True,
              sqlite_where=db.text("ended_at IS NULL"), postgresql_where=db.text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alley_id: Mapped[int] = mapped_column(ForeignKey("alleys.id", ondelete="CASCADE"), index=True)
    chief_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The number the street publishes on the alley's sign (often an office line, not the chief's own phone).
    phone: Mapped[str] = mapped_column(db.String(20))
    assigned_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    alley = relationship("Alley")
    chief = relationship("User", foreign_keys=[chief_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

"""Claims: a volunteer holding an alley (管家团 of 3-5); leaving keeps the row as history."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow


class Claim(db.Model):
    __tablename__ = "claims"
    __table_args__ = (
        # One open claim per volunteer and alley; closed claims stay as history.
        Index("uq_claims_open_user_alley", "user_id", "alley_id", unique=True,
              sqlite_where=db.text("left_at IS NULL"), postgresql_where=db.text("left_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    alley_id: Mapped[int] = mapped_column(ForeignKey("alleys.id", ondelete="CASCADE"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user = relationship("User")
    alley = relationship("Alley")

    @property
    def is_open(self) -> bool:
        return self.left_at is None

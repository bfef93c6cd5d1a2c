"""Places: streets (街道), communities (社区) and the alleys (胡同 / 背街小巷) volunteers look after."""
from datetime import datetime, timezone

from geoalchemy2 import Geometry
from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

WGS84 = 4326


def utcnow():
    return datetime.now(timezone.utc)


class Street(db.Model):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(80), unique=True)
    admin_code: Mapped[str | None] = mapped_column(db.String(12), unique=True)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=True)
    source: Mapped[str] = mapped_column(db.String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    alleys = relationship("Alley", back_populates="street", lazy="dynamic")
    communities = relationship("Community", back_populates="street", lazy="dynamic")

    def __repr__(self):
        return f"<Street {self.name}>"


class Community(db.Model):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("street_id", "name", name="uq_communities_street_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(80))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=True)

    street = relationship("Street", back_populates="communities")


class Alley(db.Model):
    """A named alley within one street, merged from the source's segments of that name."""

    __tablename__ = "alleys"
    __table_args__ = (UniqueConstraint("street_id", "name", name="uq_alleys_street_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(120))
    geom = mapped_column(Geometry("MULTILINESTRING", srid=WGS84, spatial_index=True), nullable=False)
    length_m: Mapped[float]
    source_segment_ids: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(db.String(300), default="")
    # Open claims (stewards), kept by conditional updates so the limit holds under concurrency.
    steward_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    street = relationship("Street", back_populates="alleys")

    def __repr__(self):
        return f"<Alley {self.name} ({self.length_m:.0f} m)>"

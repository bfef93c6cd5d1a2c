"""Patrols (日常寻访): a volunteer's walk along a claimed alley, its track and the 十无 checklist."""
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import WGS84, utcnow

# The 十无 items a patrol checks; codes are stable, labels are translated in the UI.
CHECKLIST_ITEMS = (
    "illegal_structures", "wall_openings", "illegal_parking", "lane_occupation", "overhead_cables",
    "damaged_facades", "illegal_signboards", "damaged_roads", "illegal_trading", "piled_goods",
)


class Patrol(db.Model):
    __tablename__ = "patrols"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(db.String(36), unique=True)  # idempotency key from the phone
    payload_hash: Mapped[str] = mapped_column(db.String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    alley_id: Mapped[int] = mapped_column(ForeignKey("alleys.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), index=True)  # coverage
    duration_s: Mapped[int]
    distance_m: Mapped[float]
    track = mapped_column(Geometry("LINESTRING", srid=WGS84, spatial_index=False), nullable=False)
    fix_count: Mapped[int]
    coverage_ratio: Mapped[float]
    covered: Mapped[bool]
    hours: Mapped[float] = mapped_column(default=0.0)  # credited only when the patrol covered the alley
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)  # item code -> "ok" | "problem"
    # item code -> the volunteer's note. A problem worth a case is reported from the running patrol: that report
    # carries this patrol's client_id (Report.patrol_client_id) and its note as the description.
    problems: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User")
    alley = relationship("Alley")

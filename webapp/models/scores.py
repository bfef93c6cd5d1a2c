"""The street's scores of its departments (评价权): one score per whistle, and every version of it kept."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow

MARKS = ("on_time", "attitude", "result")  # each 1-5
LOWEST, HIGHEST = 1, 5


def _marks_in_range() -> tuple:
    return tuple(CheckConstraint(f"{mark} BETWEEN {LOWEST} AND {HIGHEST}", name=f"{mark}_1_to_5") for mark in MARKS)


class DepartmentScore(db.Model):
    """The chief's score of one department's part in one case (one whistle), as it stands now. A correction
    overwrites it and adds a DepartmentScoreRevision, so who changed what, and when, is never lost."""

    __tablename__ = "department_scores"
    __table_args__ = (UniqueConstraint("whistle_id", name="uq_department_scores_whistle_id"),
                      *_marks_in_range())

    id: Mapped[int] = mapped_column(primary_key=True)
    whistle_id: Mapped[int] = mapped_column(ForeignKey("whistles.id", ondelete="CASCADE"))
    on_time: Mapped[int]  # 及时: came and stayed as asked
    attitude: Mapped[int]  # 态度
    result: Mapped[int]  # 效果: the problem settled
    comment: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scored_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # 1, then +1 at each correction

    whistle = relationship("Whistle")
    scored_by = relationship("User")
    revisions = relationship("DepartmentScoreRevision", order_by="DepartmentScoreRevision.version",
                             cascade="all, delete-orphan", back_populates="score")

    @property
    def average(self) -> float:
        return round((self.on_time + self.attitude + self.result) / 3, 2)


class DepartmentScoreRevision(db.Model):
    """One version of a score: the first one and each correction, with who gave it and when."""

    __tablename__ = "department_score_revisions"
    __table_args__ = (UniqueConstraint("score_id", "version", name="uq_department_score_revisions_score_version"),
                      *_marks_in_range())

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("department_scores.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    on_time: Mapped[int]
    attitude: Mapped[int]
    result: Mapped[int]
    comment: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    score = relationship("DepartmentScore", back_populates="revisions")
    by = relationship("User")

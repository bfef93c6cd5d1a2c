"""Case facts: one row per case with what the street rates need, kept current by every step of the case."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


# What the rates, breakdowns and heat map read of a row besides its street and day.
COUNTED_COLUMNS = ["report_id", "alley_id", "category_id", "outcome", "response_from", "response_missed_at",
                   "resolution_due_at", "rating", "unrated", "lon", "lat"]


class CaseFacts(db.Model):
    """The pre-aggregation behind the performance dashboard (rules: webapp/services/performance/rates.py).

    Each column is a fact of the case, never of the clock: whether a deadline has passed is decided when the
    rates are counted, so a row changes only when its case does (in the same transaction)."""

    __tablename__ = "case_facts"
    __table_args__ = (
        # Covering: a street's dashboard reads its period from this index alone (PostgreSQL index-only scans).
        Index("ix_case_facts_street_day", "street_id", "received_on", postgresql_include=COUNTED_COLUMNS),
        Index("ix_case_facts_alley_day", "alley_id", "received_on"),
        Index("ix_case_facts_community_day", "community_id", "received_on"),
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"))
    alley_id: Mapped[int | None] = mapped_column(ForeignKey("alleys.id", ondelete="SET NULL"))
    community_id: Mapped[int | None]  # the community the case lies in (reports.community_id)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    received_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(db.Date, index=True)  # the day in Beijing: the period a case counts in
    lon: Mapped[float]
    lat: Mapped[float]
    outcome: Mapped[str] = mapped_column(db.String(10))  # metrics.Outcome
    # Response: when the case's first response deadline was met or passed (it enters the count then), and
    # when it first missed one (a deadline met late, or one not met yet: that moment may lie ahead).
    response_from: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    response_missed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    resolution_due_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    rating: Mapped[str | None] = mapped_column(db.String(12))  # the reporter's answer to the latest resolution
    unrated: Mapped[bool] = mapped_column(default=False)  # closed without an answer

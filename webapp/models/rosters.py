"""Rosters: the teams (志愿队 / 管家团), service posts (服务岗位) and group activities (集中活动) an organizer
runs in a street, and who belongs to, holds or attends them. Leaving keeps the row as history."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.places import utcnow

OPEN = db.text("left_at IS NULL")

team_alleys = db.Table(
    "team_alleys",
    db.Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    db.Column("alley_id", ForeignKey("alleys.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    """A volunteer team of one street; the alleys it covers are listed, its leaders are members too."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("street_id", "name", name="uq_teams_street_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(60))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    alleys = relationship("Alley", secondary=team_alleys, order_by="Alley.name")
    memberships = relationship("TeamMembership", back_populates="team",
                               primaryjoin="and_(Team.id == TeamMembership.team_id, TeamMembership.left_at.is_(None))",
                               viewonly=True, order_by="TeamMembership.joined_at")


class TeamMembership(db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (Index("uq_team_memberships_open", "team_id", "user_id", unique=True,
                            sqlite_where=OPEN, postgresql_where=OPEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_leader: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    team = relationship("Team", back_populates="memberships")
    user = relationship("User")


class ServicePost(db.Model):
    """A post a street defines (宣传员, 调解员, 应急员, 监督员, ...)."""

    __tablename__ = "service_posts"
    __table_args__ = (UniqueConstraint("street_id", "name", name="uq_service_posts_street_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(40))
    duties: Mapped[str] = mapped_column(db.String(300), default="")


class PostHolding(db.Model):
    __tablename__ = "post_holdings"
    __table_args__ = (Index("uq_post_holdings_open", "post_id", "user_id", unique=True,
                            sqlite_where=OPEN, postgresql_where=OPEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("service_posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    post = relationship("ServicePost")
    user = relationship("User")


class Activity(db.Model):
    """A group activity at a place and time; for one team or open to the street's volunteers."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(db.String(80))
    place: Mapped[str] = mapped_column(db.String(120))
    lon: Mapped[float]
    lat: Mapped[float]
    starts_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    capacity: Mapped[int]
    signed_up: Mapped[int] = mapped_column(default=0, server_default="0")  # kept by conditional updates
    # The secret in the check-in QR code shown at the place (valid only in the check-in window).
    check_in_code: Mapped[str] = mapped_column(db.String(32), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    team = relationship("Team")
    attendances = relationship("Attendance", back_populates="activity", order_by="Attendance.signed_up_at")


class Attendance(db.Model):
    """One volunteer's place at one activity: signed up (or cancelled), checked in and out, hours credited.
    No-show is not stored: signed up, not cancelled, never checked in, and the activity over."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("activity_id", "user_id", name="uq_attendances_activity_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    signed_up_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    check_in_method: Mapped[str | None] = mapped_column(db.String(10))  # "qr" | "position" | "organizer"
    check_in_distance_m: Mapped[float | None]
    checked_out_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    hours: Mapped[float] = mapped_column(default=0.0)
    credited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    activity = relationship("Activity", back_populates="attendances")
    user = relationship("User", foreign_keys=[user_id])

"""People: users, the departments that answer a whistle, and roles scoped to a street."""
import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models.places import utcnow


class Role(enum.Enum):
    RESIDENT = "resident"
    STEWARD = "steward"  # 小巷管家
    OLD_NEIGHBOUR = "old_neighbour"  # 老街坊
    CHIEF = "chief"  # 街巷长
    OFFICER = "officer"  # department officer (城管执法, 公安, ...)
    ORGANIZER = "organizer"
    ADMIN = "admin"
    COMMUNITY_WORKER = "community_worker"  # 社区专员 / 网格员: one community of a street

    @property
    def needs_community(self) -> bool:
        return self is Role.COMMUNITY_WORKER

    @property
    def is_volunteer(self) -> bool:
        return self in VOLUNTEER_ROLES

    @property
    def needs_department(self) -> bool:
        return self is Role.OFFICER


VOLUNTEER_ROLES = frozenset({Role.STEWARD, Role.OLD_NEIGHBOUR})


class Department(db.Model):
    """A department a chief can whistle (城管执法, 公安, 消防, ...); departments are data."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True)
    name: Mapped[str] = mapped_column(db.String(80), unique=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR username IS NOT NULL", name="has_login"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(db.String(60))
    phone: Mapped[str | None] = mapped_column(db.String(20), unique=True)
    username: Mapped[str | None] = mapped_column(db.String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Open claims, kept by conditional updates so the limit holds under concurrent requests.
    open_claims: Mapped[int] = mapped_column(default=0, server_default="0")
    open_teams: Mapped[int] = mapped_column(default=0, server_default="0")  # the same, for team memberships
    open_posts: Mapped[int] = mapped_column(default=0, server_default="0")  # and service posts held
    # Part of the session id: a new one on a password change signs out every other phone.
    login_token: Mapped[str] = mapped_column(db.String(32), default=lambda: secrets.token_hex(16))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # A partner system's account (Open311): files cases in any street, never signs in.
    is_partner: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    # The language last used in the app: pushes and SMS are written in it (None: not known yet).
    locale: Mapped[str | None] = mapped_column(db.String(10))
    # Display settings kept with the account, so they follow the person to every phone (services/volunteers/display).
    text_scale: Mapped[int] = mapped_column(default=100, server_default="100")
    high_contrast: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    grants = relationship("RoleGrant", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.login_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.login_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: Role, street_id: int | None = None) -> bool:
        return any(g.role is role and (street_id is None or g.street_id == street_id) for g in self.grants)

    def __repr__(self):
        return f"<User {self.username or self.phone}>"


class RoleGrant(db.Model):
    """One role of one user in one street (admins hold theirs with no street); a community worker's also names
    the community of that street."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "street_id", name="uq_role_grants_user_role_street"),
        CheckConstraint("role = 'admin' OR street_id IS NOT NULL", name="street_scoped"),
        CheckConstraint("role <> 'officer' OR department_id IS NOT NULL", name="officer_has_department"),
        CheckConstraint("role <> 'community_worker' OR community_id IS NOT NULL", name="worker_has_community"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, name="role", native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User", back_populates="grants")
    street = relationship("Street")
    department = relationship("Department")
    community = relationship("Community")
    community = relationship("Community")


class Invitation(db.Model):
    """An organizer's invitation: a code (or link) that grants a role in a street on registration."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(32), unique=True)
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, name="role", native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0, server_default="0")

    street = relationship("Street")
    department = relationship("Department")
    community = relationship("Community")

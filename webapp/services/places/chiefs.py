"""Alley chiefs (街巷长 per alley): the street's organizer assigns one of its chiefs to an alley, with the phone the
street publishes on the alley's sign; the alley sheet shows them to anyone, the chief's queue puts their alleys first.

An alley has one chief at a time: reassigning ends the previous assignment in the same transaction, and the partial
unique index on open assignments (uq_alley_chiefs_open_alley) refuses a second one made at the same moment."""
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.errors import BadRequest, Conflict, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Alley, AlleyChief, Role, RoleGrant, User
from webapp.models.reports import as_utc
from webapp.policies import can_assign_alley_chief

# A mobile or an office line as a sign prints it: digits with spaces, dashes or brackets, an optional leading +.
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,18}[0-9]$")


@dataclass(frozen=True)
class Assignment:
    """One chief's time on one alley, as the pages show it."""
    id: int
    alley_id: int
    chief_id: int
    chief_name: str
    phone: str
    assigned_at: datetime
    assigned_by: str | None
    ended_at: datetime | None
    ended_by: str | None


def _alley(alley_id) -> Alley:
    alley = db.session.get(Alley, alley_id) if isinstance(alley_id, int) else None
    if alley is None:
        raise NotFound(_l("No such alley."))
    return alley


def _phone(given: str | None, chief: User) -> str:
    """The number for the sign: as given, else the chief's own (the street may publish an office line instead)."""
    phone = (given or "").strip() or (chief.phone or "")
    if not phone:
        raise BadRequest(_l("Please give the phone number the street publishes for this chief."), field="phone")
    if not PHONE.match(phone):
        raise BadRequest(_l("The phone number may have only digits, spaces and dashes (5 to 20 characters)."),
                         field="phone")
    return phone


def _chief_of_street(user_id, street_id: int) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or not user.has_role(Role.CHIEF, street_id):
        raise BadRequest(_l("Only a street chief of this street can be put in charge of its alleys."), field="chief_id")
    return user


def open_assignment(alley_id: int) -> AlleyChief | None:
    return db.session.scalar(select(AlleyChief).where(AlleyChief.alley_id == alley_id, AlleyChief.ended_at.is_(None)))


def assign_chief(actor: User, alley_id: int, chief_id: int, phone: str | None = None) -> AlleyChief:
    """Put a chief of the alley's street in charge of it (ending whoever was); the same chief with another phone
    number is a new assignment too, so the history shows what the sign said when."""
    alley = _alley(alley_id)
    if not can_assign_alley_chief(actor, alley.street_id):
        raise Forbidden()
    chief = _chief_of_street(chief_id, alley.street_id)
    number = _phone(phone, chief)
    current = open_assignment(alley.id)
    if current is not None and current.chief_id == chief.id and current.phone == number:
        raise Conflict(_l("%(name)s is already the chief of %(alley)s.", name=chief.display_name, alley=alley.name))
    now = clock.now()
    try:
        db.session.execute(update(AlleyChief).where(AlleyChief.alley_id == alley.id, AlleyChief.ended_at.is_(None))
                           .values(ended_at=now, ended_by_id=actor.id))
        assignment = AlleyChief(alley_id=alley.id, chief_id=chief.id, phone=number, assigned_at=now,
                                assigned_by_id=actor.id)
        db.session.add(assignment)
        db.session.commit()
    except IntegrityError:  # someone assigned this alley at the same moment: theirs stands
        db.session.rollback()
        raise Conflict(_l("Someone else changed this alley's chief at the same moment. Please look again."))
    return assignment


def end_assignment(actor: User, alley_id: int) -> AlleyChief:
    """The alley has no chief of its own any more (the street's chiefs answer for it, as before)."""
    alley = _alley(alley_id)
    if not can_assign_alley_chief(actor, alley.street_id):
        raise Forbidden()
    current = open_assignment(alley.id)
    if current is None:
        raise Conflict(_l("%(alley)s has no chief at the moment.", alley=alley.name))
    ended = db.session.execute(update(AlleyChief).where(AlleyChief.id == current.id, AlleyChief.ended_at.is_(None))
                               .values(ended_at=clock.now(), ended_by_id=actor.id)).rowcount
    if not ended:  # ended by someone else meanwhile
        db.session.rollback()
        raise Conflict(_l("%(alley)s has no chief at the moment.", alley=alley.name))
    db.session.commit()
    db.session.refresh(current)
    return current


def sign_of_alley(alley_id: int) -> dict | None:
    """What the alley's public sign says (本巷街巷长): the chief's name and the published phone, or None."""
    row = db.session.execute(select(User.display_name, AlleyChief.phone).join(User, User.id == AlleyChief.chief_id)
                             .where(AlleyChief.alley_id == alley_id, AlleyChief.ended_at.is_(None))).first()
    return {"name": row.display_name, "phone": row.phone} if row else None


def chief_alleys_query(user_id: int):
    """The ids of the alleys this user is the chief of now, as a subquery."""
    return select(AlleyChief.alley_id).where(AlleyChief.chief_id == user_id, AlleyChief.ended_at.is_(None))


def chief_alley_ids(user) -> set[int]:
    """The alleys this user is the chief of now (empty for a street-wide chief)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(chief_alleys_query(user.id)))


def alleys_without_chief(street_id: int) -> list[tuple[int, str]]:
    """The street's alleys nobody is the chief of, by name."""
    assigned = select(AlleyChief.alley_id).where(AlleyChief.ended_at.is_(None))
    return list(db.session.execute(select(Alley.id, Alley.name).where(Alley.street_id == street_id,
                                                                      Alley.id.not_in(assigned))
                                   .order_by(Alley.name, Alley.id)))


def street_chiefs(street_id: int) -> list[tuple[int, str]]:
    """The street's chiefs with active accounts (id, name), who may be put in charge of its alleys."""
    return list(db.session.execute(
        select(User.id, User.display_name).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.street_id == street_id, RoleGrant.role == Role.CHIEF, User.active.is_(True))
        .distinct().order_by(User.display_name, User.id)))


def street_assignments(street_id: int) -> tuple[list[tuple[int, str]], dict[int, list[Assignment]]]:
    """The street's alleys (id, name) and each one's assignments, the current one first, then newest first:
    two queries whatever the number of alleys."""
    alleys = list(db.session.execute(select(Alley.id, Alley.name).where(Alley.street_id == street_id)
                                     .order_by(Alley.name, Alley.id)))
    chief, by, ender = aliased(User), aliased(User), aliased(User)
    rows = db.session.execute(
        select(AlleyChief, chief.display_name, by.display_name, ender.display_name)
        .join(Alley, Alley.id == AlleyChief.alley_id).join(chief, chief.id == AlleyChief.chief_id)
        .outerjoin(by, by.id == AlleyChief.assigned_by_id).outerjoin(ender, ender.id == AlleyChief.ended_by_id)
        .where(Alley.street_id == street_id)
        .order_by(AlleyChief.alley_id, AlleyChief.ended_at.is_not(None), AlleyChief.assigned_at.desc(),
                  AlleyChief.id.desc()))
    history: dict[int, list[Assignment]] = {}
    for row, chief_name, by_name, ender_name in rows:
        history.setdefault(row.alley_id, []).append(Assignment(
            row.id, row.alley_id, row.chief_id, chief_name, row.phone, as_utc(row.assigned_at), by_name,
            as_utc(row.ended_at) if row.ended_at else None, ender_name))
    return alleys, history

"""Creating users and granting them roles in a street."""
import re

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest, Conflict, NotFound
from webapp.extensions import db
from webapp.models import Community, Department, Role, RoleGrant, Street, User

# Mainland mobile numbers: 11 digits starting 1[3-9].
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,40}$")
MIN_PASSWORD_LENGTH = 8


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"[\s\-]", "", phone)
    digits = digits.removeprefix("+86").removeprefix("0086")
    if not MAINLAND_MOBILE.match(digits):
        raise BadRequest(_l("Please enter an 11-digit mainland mobile number."))
    return digits


def create_user(**fields) -> User:
    """A new user with one role grant, checked and committed together (fields: those of new_user)."""
    user = new_user(**fields)
    db.session.commit()
    return user


def new_user(*, display_name: str, password: str, username: str | None = None, phone: str | None = None,
             role: Role = Role.RESIDENT, street_name: str | None = None,
             department_name: str | None = None, community_name: str | None = None, is_demo: bool = False) -> User:
    """A new user with one role grant, checked and added to the session (the caller commits)."""
    if not (username or phone):
        raise BadRequest(_l("A username or a mobile number is needed."))
    if username and not USERNAME.match(username):
        raise BadRequest(_l("A username has 3-40 letters, digits, '.', '-' or '_'."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(_l("The password needs at least 8 characters."))
    phone = normalise_phone(phone) if phone else None
    if username and db.session.scalar(db.select(User.id).where(User.username == username)):
        raise Conflict(_l("That username is taken."))
    if phone and db.session.scalar(db.select(User.id).where(User.phone == phone)):
        raise Conflict(_l("That mobile number is already registered."))

    street = None
    if role is not Role.ADMIN:
        if not street_name:
            raise BadRequest(_l("This role needs a street."))
        street = db.session.scalar(db.select(Street).where(Street.name == street_name))
        if street is None:
            raise NotFound(_l("No street named %(name)s.", name=street_name))
    department = None
    if role.needs_department:
        department = db.session.scalar(db.select(Department).where(Department.name == department_name))
        if department is None:
            raise NotFound(_l("No department named %(name)s.", name=department_name or ""))

    community = None
    if role.needs_community:
        community = db.session.scalar(db.select(Community).where(Community.street_id == street.id,
                                                                 Community.name == (community_name or "")))
        if community is None:
            raise NotFound(_l("No community named %(name)s in this street.", name=community_name or ""))

    user = User(display_name=display_name, username=username, phone=phone, is_demo=is_demo)
    user.set_password(password)
    user.grants.append(RoleGrant(role=role, street=street, department=department, community=community))
    db.session.add(user)
    db.session.flush()
    return user

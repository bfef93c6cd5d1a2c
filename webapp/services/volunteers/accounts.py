"""Accounts: registration (with or without an invitation), sign-in, password change and invitations."""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.clock import BEIJING
from webapp.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from webapp.extensions import db
from webapp.labels import role_label
from webapp.models import Community, Department, Invitation, Role, RoleGrant, Street, User
from webapp.models.places import utcnow
from webapp.policies import INVITABLE, can_create_invitation
from webapp.services.places.patrols import patrol_hours
from webapp.services.volunteers.people import MAINLAND_MOBILE, MIN_PASSWORD_LENGTH, USERNAME, normalise_phone

# Codes are typed from paper by older volunteers: no 0/O, 1/I/l look-alikes, upper case only.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_INVITATION_DAYS = 365
MAX_INVITATION_USES = 500


class InvitationUnknown(NotFound):
    code = "invitation_unknown"
    message = _l("There is no invitation with this code. Please check the code and try again.")


class InvitationExpired(Conflict):
    code = "invitation_expired"
    message = _l("This invitation has expired. Please ask your organizer for a new one.")


class InvitationUsedUp(Conflict):
    code = "invitation_used_up"
    message = _l("This invitation has already been used. Please ask your organizer for a new one.")


class AccountExists(Conflict):
    code = "account_exists"


class WrongCredentials(Unauthorized):
    code = "wrong_credentials"
    message = _l("Wrong mobile number/username or password.")


class WrongPassword(BadRequest):
    code = "wrong_password"
    message = _l("The current password is not correct.")


@dataclass(frozen=True)
class Registration:
    display_name: str
    password: str
    phone: str | None = None
    username: str | None = None
    code: str | None = None
    street_id: int | None = None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def normalise_invitation_code(raw: str | None) -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper()


def login_key(raw: str | None) -> str:
    """The account a sign-in attempt is aimed at, the same however the number was typed."""
    raw = (raw or "").strip()
    try:
        return normalise_phone(raw)
    except BadRequest:
        return raw.lower()


def clean_phone(raw: str | None) -> str | None:
    if not (raw or "").strip():
        return None
    try:
        return normalise_phone(raw)
    except BadRequest as err:
        raise BadRequest(err.message, field="phone") from None


def clean_username(raw: str | None) -> str | None:
    username = (raw or "").strip()
    if not username:
        return None
    if not USERNAME.match(username):
        raise BadRequest(_l("A username has 3-40 letters, digits, '.', '-' or '_'."), field="username")
    if MAINLAND_MOBILE.match(username):  # would be ambiguous at sign-in with someone's phone number
        raise BadRequest(_l("A username cannot be a mobile number."), field="username")
    return username


def check_new_password(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise BadRequest(_l("The password needs at least 8 characters."), field=field)


def _refuse_duplicates(phone: str | None, username: str | None) -> None:
    if phone and db.session.scalar(db.select(User.id).where(User.phone == phone)):
        raise AccountExists(_l("This mobile number is already registered. Please sign in instead."), field="phone")
    if username and db.session.scalar(db.select(User.id).where(User.username == username)):
        raise AccountExists(_l("This username is taken. Please choose another one."), field="username")


def _refuse_unusable(invitation: Invitation) -> None:
    if _aware(invitation.expires_at) <= utcnow():
        raise InvitationExpired(field="code")
    if invitation.uses >= invitation.max_uses:
        raise InvitationUsedUp(field="code")


def find_invitation(code: str | None) -> Invitation:
    """A usable invitation, or the reason it cannot be used."""
    code = normalise_invitation_code(code)
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.code == code)) if code else None
    if invitation is None:
        raise InvitationUnknown(field="code")
    _refuse_unusable(invitation)
    return invitation


def street_choices() -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in db.session.execute(db.select(Street.id, Street.name).order_by(Street.name))]


def register(form: Registration) -> User:
    """A new account: the invitation's role, or resident of the chosen street; one transaction."""
    display_name = (form.display_name or "").strip()
    if not display_name or len(display_name) > 60:
        raise BadRequest(_l("Please enter your name (at most 60 characters)."), field="display_name")
    phone, username = clean_phone(form.phone), clean_username(form.username)
    if not (phone or username):
        raise BadRequest(_l("Please enter a mobile number or a username."), field="phone")
    check_new_password(form.password)
    _refuse_duplicates(phone, username)

    invitation = find_invitation(form.code) if normalise_invitation_code(form.code) else None
    if invitation is not None:
        grant = RoleGrant(role=invitation.role, street_id=invitation.street_id,
                          department_id=invitation.department_id, community_id=invitation.community_id)
    else:
        if form.street_id is None or db.session.get(Street, form.street_id) is None:
            raise BadRequest(_l("Please choose your street."), field="street_id")
        grant = RoleGrant(role=Role.RESIDENT, street_id=form.street_id)
    user = User(display_name=display_name, phone=phone, username=username)
    user.set_password(form.password)  # slow on purpose: done before the write transaction starts
    user.grants.append(grant)

    if invitation is not None:
        # The database decides who gets the last use: two people racing for a single-use code
        # cannot both pass this conditional update.
        taken = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.uses < Invitation.max_uses,
                   Invitation.expires_at > utcnow())
            .values(uses=Invitation.uses + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            db.session.rollback()
            _refuse_unusable(db.session.get(Invitation, invitation.id))
            raise InvitationUsedUp(field="code")
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same phone or username registered a moment ago
        db.session.rollback()
        _refuse_duplicates(phone, username)
        raise
    return user


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password", method=current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(login: str, password: str) -> User:
    """The user for these credentials; one error whatever was wrong, so accounts cannot be probed."""
    login = (login or "").strip()
    user = None
    try:
        user = db.session.scalar(db.select(User).where(User.phone == normalise_phone(login)))
    except BadRequest:
        pass
    if user is None and login:
        user = db.session.scalar(db.select(User).where(User.username == login))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")  # same time as a real check
        raise WrongCredentials()
    if not user.check_password(password or "") or not user.is_active or user.is_partner:
        raise WrongCredentials()  # a partner system's account only files cases through its API key
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise WrongPassword(field="current_password")
    check_new_password(new, field="new_password")
    user.set_password(new)
    db.session.commit()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_invitation(creator: User | None, street_id: int, role: Role | str, department_id: int | None = None,
                      days: int | None = None, max_uses: int = 1, community_id: int | None = None) -> Invitation:
    """An invitation code; `creator` None means the operator at the command line (no policy check)."""
    try:
        role = Role(role)
    except ValueError:
        raise BadRequest(_l("Unknown role."), field="role") from None
    if creator is not None and not can_create_invitation(creator, street_id, role):
        raise Forbidden()
    if role not in INVITABLE:
        raise BadRequest(_l("Invitations cannot grant this role."), field="role")
    if db.session.get(Street, street_id) is None:
        raise NotFound(_l("No such street."), field="street_id")
    if role.needs_department:
        if department_id is None or db.session.get(Department, department_id) is None:
            raise BadRequest(_l("A department officer's invitation needs a department."), field="department_id")
    else:
        department_id = None
    if role.needs_community:
        community = db.session.get(Community, community_id) if community_id is not None else None
        if community is None or community.street_id != street_id:
            raise BadRequest(_l("A community worker's invitation needs a community of this street."),
                             field="community_id")
    else:
        community_id = None
    days = current_app.config["INVITATION_DAYS"] if days is None else days
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise BadRequest(_l("An invitation is valid for 1 to 365 days."), field="days")
    if not 1 <= max_uses <= MAX_INVITATION_USES:
        raise BadRequest(_l("An invitation can be used 1 to 500 times."), field="max_uses")

    code = _new_code()
    while db.session.scalar(db.select(Invitation.id).where(Invitation.code == code)):
        code = _new_code()  # 31^10 codes: a clash is all but impossible, but cheap to rule out
    invitation = Invitation(code=code, role=role, street_id=street_id, department_id=department_id,
                            community_id=community_id, created_by_id=creator.id if creator is not None else None,
                            expires_at=utcnow() + timedelta(days=days), max_uses=max_uses)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def street_id_by_name(name: str) -> int:
    street_id = db.session.scalar(db.select(Street.id).where(Street.name == name))
    if street_id is None:
        raise NotFound(_l("No street named %(name)s.", name=name))
    return street_id


def department_id_by_name(name: str) -> int:
    department_id = db.session.scalar(db.select(Department.id).where(Department.name == name))
    if department_id is None:
        raise NotFound(_l("No department named %(name)s.", name=name))
    return department_id


def account_summary(user: User) -> dict:
    """What GET /api/v1/me returns."""
    roles = [{"role": g.role.value, "label": role_label(g.role), "street_id": g.street_id,
              "street": g.street.name if g.street is not None else None} for g in user.grants]
    volunteer = [g for g in user.grants if g.role.is_volunteer and g.street_id]
    scoped = volunteer or [g for g in user.grants if g.street_id]
    return {
        "id": user.id,
        "display_name": user.display_name,
        "username": user.username,
        "phone": user.phone,
        "roles": roles,
        "street_id": scoped[0].street_id if scoped else None,
        "claim_limit": current_app.config["CLAIMS_PER_VOLUNTEER"],
        "open_claims": user.open_claims,
        "patrol_hours_this_year": patrol_hours(user.id, datetime.now(BEIJING).year),
    }

"""API keys of Open311 partner systems: issued by an admin on the command line, kept only as a hash."""
import hashlib
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.errors import BadRequest, Conflict, NotFound
from webapp.extensions import db
from webapp.models import ApiKey, User

KEY_BYTES = 32  # 256 random bits: a plain SHA-256 is enough to store it (no password stretching needed)


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_api_key(name: str) -> tuple[ApiKey, str]:
    """A key for the partner `name`, with the partner's own account (the reporter of its cases, which never
    signs in). Returns the key row and the plaintext, which is shown once and stored nowhere."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise BadRequest(_l("A partner's name needs 1 to 60 characters."), field="name")
    plaintext = secrets.token_urlsafe(KEY_BYTES)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:20] or "partner"
    user = User(display_name=name[:60], username=f"open311.{slug}.{secrets.token_hex(4)}", is_partner=True)
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: the account cannot sign in
    key = ApiKey(name=name, key_hash=_hash(plaintext), prefix=plaintext[:6], user=user)
    db.session.add(key)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("A partner with this name already has a key.")) from None
    return key, plaintext


def revoke_api_key(name: str) -> ApiKey:
    key = db.session.scalar(db.select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise NotFound(_l("No partner with this name."))
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        db.session.commit()
    return key


def authenticate(plaintext: str | None) -> ApiKey | None:
    """The live key this plaintext belongs to, or None (no key, unknown, revoked)."""
    if not plaintext:
        return None
    key = db.session.scalar(db.select(ApiKey).where(ApiKey.key_hash == _hash(plaintext)))
    return key if key is not None and key.revoked_at is None else None


def all_api_keys() -> list[ApiKey]:
    return db.session.scalars(db.select(ApiKey).order_by(ApiKey.id)).all()

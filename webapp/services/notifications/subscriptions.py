"""Push subscriptions per device, and which kinds of notification a user wants pushed."""
import binascii
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.channels.webpush import b64url
from webapp.errors import BadRequest
from webapp.extensions import db
from webapp.models import URGENT_PUSH_KINDS, MutedKind, NotificationKind, PushSubscription, Role, User
from webapp.services.notifications.delivery import drop_waiting, forget_subscription

K = NotificationKind
MAX_ENDPOINT = 1024
# Who hears of which kind: the settings page shows a user the kinds their roles can receive.
KINDS_FOR_EVERYONE = (K.VERDICT_REQUESTED, K.RESOLVED, K.REJECTED)
KINDS_BY_ROLE = {
    Role.CHIEF: (K.ESCALATED, K.WHISTLE_DUE_SOON, K.WHISTLE_OVERDUE, K.REOPENED),
    Role.OFFICER: (K.WHISTLED, K.WHISTLE_OVERDUE),
    Role.COMMUNITY_WORKER: (K.COMMUNITY_CASE, K.REOPENED),
}


def _b64decode(value, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise BadRequest(_l("The subscription's keys are missing."), field=field)
    try:
        return binascii.a2b_base64(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4))
    except binascii.Error:
        raise BadRequest(_l("The subscription's keys are not valid base64url."), field=field) from None


def parse_subscription(body) -> tuple[str, str, str]:
    """The browser's PushSubscription JSON, checked: (endpoint, p256dh, auth), both keys re-encoded."""
    if not isinstance(body, dict):
        raise BadRequest(_l("Send the browser's push subscription as JSON."))
    endpoint = body.get("endpoint")
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if parts is None or not parts.netloc or parts.scheme not in ("https", "http") or len(endpoint) > MAX_ENDPOINT:
        raise BadRequest(_l("The push endpoint is not a valid URL."), field="endpoint")
    if parts.scheme != "https" and current_app.config["PUSH_REQUIRE_HTTPS"]:
        raise BadRequest(_l("The push endpoint must use https."), field="endpoint")
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    p256dh, auth = _b64decode(keys.get("p256dh"), "keys.p256dh"), _b64decode(keys.get("auth"), "keys.auth")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise BadRequest(_l("The subscription's p256dh key is not a P-256 public key."), field="keys.p256dh") from None
    if len(auth) != 16:
        raise BadRequest(_l("The subscription's auth secret must be 16 bytes."), field="keys.auth")
    return endpoint, b64url(p256dh), b64url(auth)


def subscribe(user: User, body, device: str = "") -> PushSubscription:
    """Saves this browser's subscription for the user. The same browser subscribing again (or after another
    person signed in on it) updates its one row: a device is never pushed to twice."""
    endpoint, p256dh, auth = parse_subscription(body)
    fields = {"user_id": user.id, "p256dh": p256dh, "auth": auth, "device": device[:120], "failures": 0}
    row = db.session.scalar(db.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(endpoint=endpoint, **fields)
        db.session.add(row)
    else:
        if row.user_id != user.id:  # another person signs in on this browser: the last one's pushes stop here
            drop_waiting(row)
        for name, value in fields.items():
            setattr(row, name, value)
    db.session.commit()
    return row


def unsubscribe(user: User, endpoint: str | None = None, subscription_id: int | None = None) -> bool:
    query = db.select(PushSubscription).where(PushSubscription.user_id == user.id)
    if subscription_id is not None:
        query = query.where(PushSubscription.id == subscription_id)
    else:
        query = query.where(PushSubscription.endpoint == (endpoint or ""))
    row = db.session.scalar(query)
    if row is not None:
        forget_subscription(row)
    db.session.commit()
    return row is not None


def devices_of(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(db.select(PushSubscription).where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.created_at)))


def kinds_for(user: User) -> list[NotificationKind]:
    kinds = list(KINDS_FOR_EVERYONE)
    for grant in user.grants:
        kinds += [k for k in KINDS_BY_ROLE.get(grant.role, ()) if k not in kinds]
    return kinds


def preferences(user: User) -> dict[NotificationKind, bool]:
    """For each kind the user can receive: is it pushed (True) or only in the inbox (False)."""
    muted = set(db.session.scalars(db.select(MutedKind.kind).where(MutedKind.user_id == user.id)))
    return {kind: kind not in muted for kind in kinds_for(user)}


def set_preferences(user: User, wanted: dict) -> dict[NotificationKind, bool]:
    """Sets push on or off per kind ({"resolved": false, ...}). Whistles cannot be turned off."""
    if not isinstance(wanted, dict):
        raise BadRequest(_l("Send the preferences as an object of kind: true or false."))
    changes = {}
    for name, on in wanted.items():
        try:
            kind = NotificationKind(name)
        except ValueError:
            raise BadRequest(_l("Unknown kind of notification: %(kind)s", kind=str(name)[:40]), field=name) from None
        if not isinstance(on, bool):
            raise BadRequest(_l("Say true or false for each kind."), field=name)
        if kind in URGENT_PUSH_KINDS and not on:
            raise BadRequest(_l("Whistles and their deadlines are always sent."), field=name)
        changes[kind] = on
    for kind, on in changes.items():
        muted = db.session.get(MutedKind, (user.id, kind))
        if on and muted is not None:
            db.session.delete(muted)
        elif not on and muted is None:
            db.session.add(MutedKind(user_id=user.id, kind=kind))
    db.session.commit()
    return preferences(user)

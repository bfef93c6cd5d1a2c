"""Which street an organizer's page is about: their own (the first they organize), or ?street= for admins
and for organizers of several streets. Every roster page and API asks here, so the rule is in one place."""
from flask import request

from webapp.errors import Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Role, Street
from webapp.policies import can_manage_roster, is_admin


def organized_street_ids(user) -> list[int]:
    return sorted({g.street_id for g in user.grants if g.role is Role.ORGANIZER and g.street_id})


def managed_street(user, street_id: int | None = None) -> Street:
    """The street this request manages; Forbidden unless the user may manage it (another street's id too)."""
    if street_id is None:
        street_id = request.args.get("street", type=int) or request.form.get("street", type=int)
    if street_id is None:
        own = organized_street_ids(user)
        if own:
            street_id = own[0]
        elif is_admin(user):
            street_id = db.session.scalar(db.select(Street.id).order_by(Street.name).limit(1))
    if street_id is None or not can_manage_roster(user, street_id):
        raise Forbidden()
    street = db.session.get(Street, street_id)
    if street is None:
        raise NotFound()
    return street

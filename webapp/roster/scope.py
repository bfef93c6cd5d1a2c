"""Which street an organizer's page is about: their own (the first they organize), or ?street= for admins
and for organizers of several streets. Every roster page and API asks here, so the rule is in one place."""
from flask import request

from webapp.errors import Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Role, Street
from webapp.policies import can_manage_roster, is_admin


def street_ids_with(user, roles) -> list[int]:
    return sorted({g.street_id for g in user.grants if g.role in roles and g.street_id})


def organized_street_ids(user) -> list[int]:
    return street_ids_with(user, (Role.ORGANIZER,))


def managed_street(user, street_id: int | None = None, may=can_manage_roster, roles=(Role.ORGANIZER,)) -> Street:
    """The street this request manages; Forbidden unless the user may manage it (another street's id too). Pages
    other than the roster's pass their policy (`may`) and the roles whose street is the user's own (`roles`)."""
    if street_id is None:
        street_id = request.args.get("street", type=int) or request.form.get("street", type=int)
    if street_id is None:
        own = street_ids_with(user, roles)
        if own:
            street_id = own[0]
        elif is_admin(user):
            street_id = db.session.scalar(db.select(Street.id).order_by(Street.name).limit(1))
    if street_id is None or not may(user, street_id):
        raise Forbidden()
    street = db.session.get(Street, street_id)
    if street is None:
        raise NotFound()
    return street

"""An organizer's hand on the street's community workers (社区专员 / 网格员): inviting them to one community and
taking the role away again (they stay a resident of the street)."""
from flask_babel import lazy_gettext as _l

from webapp.errors import Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Invitation, Role, RoleGrant, User
from webapp.policies import can_manage_communities
from webapp.services.places.communities import get_community
from webapp.services.volunteers import accounts


def invite_community_worker(organizer: User, street_id: int, community_id: int, days: int = 14,
                            max_uses: int = 1) -> Invitation:
    """An invitation that makes whoever registers with it a worker of this community of the street."""
    community = get_community(community_id, street_id)
    return accounts.create_invitation(organizer, street_id, Role.COMMUNITY_WORKER, days=days, max_uses=max_uses,
                                      community_id=community.id)


def remove_community_worker(organizer: User, street_id: int, community_id: int, user_id: int) -> User:
    """The user stops working for the community; one with no other role in the street stays its resident."""
    if not can_manage_communities(organizer, street_id):
        raise Forbidden()
    community = get_community(community_id, street_id)
    user = db.session.get(User, user_id)
    grant = next((g for g in user.grants if g.role is Role.COMMUNITY_WORKER and g.community_id == community.id),
                 None) if user is not None else None
    if grant is None:
        raise NotFound(_l("No such worker in this community."))
    try:
        user.grants.remove(grant)
        if not any(g.street_id == street_id for g in user.grants):
            user.grants.append(RoleGrant(role=Role.RESIDENT, street_id=street_id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user

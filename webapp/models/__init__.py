"""Database models, one module per aggregate; importing this package registers them all."""
from webapp.models.claims import Claim
from webapp.models.patrols import CHECKLIST_ITEMS, Patrol
from webapp.models.people import Department, Invitation, Role, RoleGrant, User
from webapp.models.places import Alley, Community, Street

__all__ = ["CHECKLIST_ITEMS", "Alley", "Claim", "Community", "Department", "Invitation", "Patrol", "Role",
           "RoleGrant", "Street", "User"]

"""Database models, one module per aggregate; importing this package registers them all."""
from webapp.models.people import Department, Role, RoleGrant, User
from webapp.models.places import Alley, Community, Street

__all__ = ["Alley", "Community", "Department", "Role", "RoleGrant", "Street", "User"]

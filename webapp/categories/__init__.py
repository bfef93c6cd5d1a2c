"""Editing report categories (organizers and admins)."""
from webapp.categories.blueprint import bp  # noqa: F401
from webapp.categories import routes  # noqa: F401  (they attach their routes to bp)

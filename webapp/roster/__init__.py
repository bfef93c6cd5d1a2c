"""Organizers' pages (tablet and desktop): the street's volunteers, teams, posts, activities, coverage."""
from webapp.roster.blueprint import bp  # noqa: F401
from webapp.roster import chiefs, communities, coverage, organize, routes  # noqa: F401  (they attach their routes to bp)

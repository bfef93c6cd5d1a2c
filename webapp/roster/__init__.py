"""Organizers' pages (tablet and desktop): the street's volunteers, teams, posts, activities, coverage."""
from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/roster")

from webapp.roster import routes, organize, coverage  # noqa: E402,F401

"""Editing report categories (organizers and admins)."""
from flask import Blueprint

bp = Blueprint("categories", __name__)

from webapp.categories import routes  # noqa: E402,F401

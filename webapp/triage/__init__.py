"""The street chief's triage screen (tablet first): the queue, its map and one case's file with the actions."""
from flask import Blueprint

bp = Blueprint("triage", __name__)

from webapp.triage import routes  # noqa: E402,F401

"""Department officers' view: whistles for my department, 报到, notes and evidence, my part done."""
from flask import Blueprint

bp = Blueprint("department", __name__)

from webapp.department import routes  # noqa: E402,F401

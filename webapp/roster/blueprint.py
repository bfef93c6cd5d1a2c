"""The blueprint of webapp/roster/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/roster")

"""The blueprint of webapp/roster/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/roster")

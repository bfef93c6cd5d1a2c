"""The blueprint of webapp/patrols/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

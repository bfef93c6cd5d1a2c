"""The blueprint of webapp/frontage/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("frontage", __name__, url_prefix="/frontage")

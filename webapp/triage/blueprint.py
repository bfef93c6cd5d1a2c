"""The blueprint of webapp/triage/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("triage", __name__)

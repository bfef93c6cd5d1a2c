"""The blueprint of webapp/triage/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("triage", __name__)

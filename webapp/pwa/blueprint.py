"""The blueprint of webapp/pwa/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

"""The blueprint of webapp/pwa/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

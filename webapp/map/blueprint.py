"""The blueprint of webapp/map/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("map", __name__)

"""The blueprint of webapp/map/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("map", __name__)

"""The blueprint of webapp/api/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

"""The blueprint of webapp/department/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("department", __name__)

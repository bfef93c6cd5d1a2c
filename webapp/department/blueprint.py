"""The blueprint of webapp/department/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("department", __name__)

"""The blueprint of webapp/api/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

"""The blueprint of webapp/categories/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("categories", __name__)

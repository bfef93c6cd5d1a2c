"""The blueprint of webapp/categories/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("categories", __name__)

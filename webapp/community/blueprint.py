"""The blueprint of webapp/community/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("community", __name__)

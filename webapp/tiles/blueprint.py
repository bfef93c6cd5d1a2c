"""The blueprint of webapp/tiles/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("tiles", __name__)

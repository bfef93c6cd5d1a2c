"""The blueprint of webapp/open311/ (its __init__ says what it serves)."""
from flask import Blueprint

bp = Blueprint("open311", __name__)

"""The blueprint of webapp/open311/ (what it serves: its __init__)."""
from flask import Blueprint

bp = Blueprint("open311", __name__)

"""Third-party browser assets served from their Python packages (no CDN, no npm step)."""
import xstatic.pkg.leaflet as xstatic_leaflet
from flask import Blueprint

bp = Blueprint("leaflet", __name__, static_folder=xstatic_leaflet.BASE_DIR, static_url_path="/leaflet")

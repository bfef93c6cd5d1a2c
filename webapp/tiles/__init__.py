"""The base map's vector tiles (/tiles/z/x/y.mvt), drawn by the map pages when no TILE_URL is set."""
from webapp.tiles.blueprint import bp  # noqa: F401
from webapp.tiles import routes  # noqa: F401  (they attach their routes to bp)

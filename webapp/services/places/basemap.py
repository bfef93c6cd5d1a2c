"""The base map: importing its features (OSM, road centrelines, the demo's own) and serving them as vector tiles."""
from pathlib import Path

from flask import current_app
from shapely import wkb
from sqlalchemy import func, select

from geo import mbtiles, queries, vector_tiles
from geo.basemap import LAYERS, MAX_DATA_ZOOM, BasemapRecord, minzoom_of
from geo.importers.osm import OSM_ATTRIBUTION
from webapp.extensions import db
from webapp.models import BasemapFeature

OSM_FILE_SUFFIXES = (".osm", ".pbf", ".bz2", ".gz", ".o5m")
TILE_ZOOMS = range(10, MAX_DATA_ZOOM + 1)  # what build-tiles makes; the client over-zooms from the last
STREET_ZOOMS = range(13, MAX_DATA_ZOOM + 1)  # what a phone keeps offline for its street


def is_postgis() -> bool:
    return queries.dialect_of(db.session) == "postgresql"


def import_basemap(records: list[BasemapRecord], source: str) -> int:
    """Replace the features of one source (a file's name, "demo") with these records, in one transaction; on
    SpatiaLite the pre-built tiles are made again, so the map shows what was imported."""
    rows = [(r.layer, r.kind, r.name[:200] if r.name else None, minzoom_of(r.layer, r.kind), r.geom.wkb)
            for r in records if not r.geom.is_empty]
    count = queries.replace_basemap_features(db.session.connection(), source, rows)
    db.session.commit()
    if not is_postgis():
        build_tiles()
    return count


def version() -> str:
    """Changes whenever the base map is imported again, so clients and caches fetch the new tiles."""
    return str(db.session.scalar(select(func.max(BasemapFeature.id))) or 0)


def attribution() -> str:
    """Credit to the base map's open data: OpenStreetMap's when any of it came from an OSM file."""
    sources = db.session.scalars(select(BasemapFeature.source).distinct())
    return OSM_ATTRIBUTION if any(Path(s).suffix in OSM_FILE_SUFFIXES for s in sources) else ""


def tiles_path() -> Path:
    """The MBTiles file of the SpatiaLite engine: BASEMAP_TILES, else beside the database file."""
    configured = current_app.config.get("BASEMAP_TILES")
    if configured:
        return Path(configured)
    database = db.engine.url.database
    if database and database != ":memory:":
        return Path(database).with_suffix(".basemap.mbtiles")
    return Path(current_app.instance_path) / "basemap.mbtiles"


def render_tile(z: int, x: int, y: int) -> bytes:
    """A tile encoded in Python from the features the database finds in it (either engine)."""
    west, south, east, north = vector_tiles.tile_bounds(z, x, y)
    # The tile's buffer, in degrees, so lines entering from a neighbour are kept.
    pad_x = (east - west) * vector_tiles.BUFFER / vector_tiles.EXTENT
    pad_y = (north - south) * vector_tiles.BUFFER / vector_tiles.EXTENT
    rows = queries.basemap_features_in_bbox(db.session.connection(), (west - pad_x, south - pad_y,
                                                                      east + pad_x, north + pad_y), z)
    order = {layer: i for i, layer in enumerate(LAYERS)}
    features = sorted(((layer, {"kind": kind, **({"name": name} if name else {})}, wkb.loads(bytes(blob)))
                       for layer, kind, name, blob in rows), key=lambda f: order[f[0]])
    return vector_tiles.encode_tile(features, z, x, y)


def tile(z: int, x: int, y: int) -> bytes:
    """One z/x/y vector tile of the base map: PostGIS makes it (ST_AsMVT); SpatiaLite reads it from the
    pre-built MBTiles file, or renders it when none was built yet."""
    if z > MAX_DATA_ZOOM:
        return b""
    if is_postgis():
        return queries.basemap_tile_mvt(db.session.connection(), z, x, y, LAYERS)
    path = tiles_path()
    return mbtiles.read_tile(path, z, x, y) if path.exists() else render_tile(z, x, y)


def build_tiles(path: Path | None = None) -> tuple[int, int]:
    """Pre-build every tile over each source's extent into an MBTiles file; returns (tiles, bytes)."""
    extents = queries.basemap_extents(db.session.connection())
    coords = sorted({tile for extent in extents for tile in vector_tiles.tiles_covering(extent, TILE_ZOOMS)})
    bounds = [min(e[0] for e in extents), min(e[1] for e in extents), max(e[2] for e in extents),
              max(e[3] for e in extents)] if extents else []
    metadata = {"name": "basemap", "format": "pbf", "minzoom": TILE_ZOOMS[0], "maxzoom": TILE_ZOOMS[-1],
                "bounds": ",".join(f"{v:.6f}" for v in bounds), "version": version()}
    return mbtiles.write(path or tiles_path(), ((z, x, y, render_tile(z, x, y)) for z, x, y in coords), metadata)


def street_tiles(bbox) -> list[tuple[int, int, int]]:
    """The tiles that show a street at the zooms people use, for a phone to keep offline."""
    return vector_tiles.tiles_covering(bbox, STREET_ZOOMS) if bbox else []

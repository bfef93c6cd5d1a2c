"""Web-Mercator tile arithmetic and Mapbox Vector Tile encoding in Python (the SpatiaLite path; PostGIS has ST_AsMVT)."""
import math

import mapbox_vector_tile
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
import numpy as np
import shapely
from shapely import ops

EXTENT = 4096  # tile units per side, as ST_AsMVT's default
BUFFER = 64  # tile units kept beyond each edge, so lines and labels join across tiles


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a z/x/y tile."""
    n = 2 ** z

    def lat(row):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))
    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_covering(bbox, zooms) -> list[tuple[int, int, int]]:
    """Every (z, x, y) tile that meets a WGS-84 bbox at the given zooms."""
    tiles = []
    for z in zooms:
        x0, y0 = tile_of(bbox[0], bbox[3], z)
        x1, y1 = tile_of(bbox[2], bbox[1], z)
        tiles += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return tiles


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= 22 and 0 <= x < 2 ** z and 0 <= y < 2 ** z


def _to_tile_units(z, x, y):
    n = 2 ** z

    def transform(xy):
        lon, lat = xy[:, 0], np.clip(xy[:, 1], -85.0511, 85.0511)
        px = ((lon + 180) / 360 * n - x) * EXTENT
        py = ((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n - y) * EXTENT
        return np.column_stack([px, py])
    return transform


def encode_tile(features, z: int, x: int, y: int) -> bytes:
    """An MVT tile from (layer, properties dict, shapely WGS-84 geometry) triples, clipped to the tile and its buffer."""
    transform = _to_tile_units(z, x, y)
    layers: dict[str, list] = {}
    for layer, props, geom in features:
        local = shapely.transform(geom, transform)
        local = shapely.clip_by_rect(local, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
        if local.is_empty:
            continue
        if local.geom_type == "GeometryCollection":  # a clip can leave points beside a polygon's rest
            local = ops.unary_union([g for g in local.geoms if g.geom_type == geom.geom_type.replace("Multi", "")])
            if local.is_empty:
                continue
        layers.setdefault(layer, []).append({"geometry": local, "properties": props})
    if not layers:
        return b""
    return mapbox_vector_tile.encode(
        [{"name": name, "features": feats} for name, feats in layers.items()],
        default_options={"extents": EXTENT, "y_coord_down": True, "on_invalid_geometry": on_invalid_geometry_make_valid})

"""Snap a point to the nearest of several candidate lines within a distance limit."""
from dataclasses import dataclass

from geo.metric import LocalPlane, distance_m


@dataclass(frozen=True)
class Snap:
    key: object
    distance_m: float
    lon: float
    lat: float


def nearest_line(lon, lat, candidates, max_m):
    """Nearest of (key, line) `candidates` to (lon, lat) within `max_m` metres, else None."""
    plane = LocalPlane(lon, lat)
    best = None
    for key, line in candidates:
        if line is None or line.is_empty:
            continue
        planar, point = plane.nearest(line)
        if best is None or planar < best[0]:
            best = (planar, key, point)
    if best is None:
        return None
    _, key, (nlon, nlat) = best
    # Ranking uses the local plane; the reported figure is geodesic.
    dist = distance_m(lon, lat, nlon, nlat)
    return Snap(key, dist, nlon, nlat) if dist <= max_m else None

"""Metric measures (metres) on WGS-84 lon/lat geometries, via the WGS-84 ellipsoid."""
import math

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import Point

GEOD = Geod(ellps="WGS84")
_A = 6378137.0
_E2 = 6.69437999014e-3


def _radii(lat):
    """Meridional and prime-vertical radii of curvature (m) at `lat` degrees."""
    s2 = math.sin(math.radians(lat)) ** 2
    w = math.sqrt(1.0 - _E2 * s2)
    return _A * (1.0 - _E2) / w**3, _A / w


def metres_per_degree_lat(lat):
    """Metres along the meridian per degree of latitude at `lat`."""
    return math.radians(_radii(lat)[0])


def length_m(geom):
    """Geodesic length of a (Multi)LineString, or of the lines inside a collection."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(sum(GEOD.geometry_length(part) for part in _line_parts(geom)))


def _line_parts(geom):
    if geom.geom_type == "LineString":
        return [geom]
    if geom.geom_type in ("MultiLineString", "GeometryCollection"):
        return [p for g in geom.geoms for p in _line_parts(g)]
    return []


def distance_m(lon1, lat1, lon2, lat2):
    """Geodesic distance between two points."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


class LocalPlane:
    """Equirectangular plane in metres centred on a point, scaled by the ellipsoid's radii there.

    Within a few km its distances are off by well under 0.1 %, which is enough to pick the
    nearest point; final figures are measured geodesically.
    """

    def __init__(self, lon, lat):
        m, n = _radii(lat)
        self.lon0, self.lat0 = lon, lat
        self.ky = math.radians(1.0) * m
        self.kx = math.radians(1.0) * n * math.cos(math.radians(lat))

    def forward(self, geom):
        return shapely.transform(geom, self._fwd)

    def _fwd(self, xy):
        return np.column_stack([(xy[:, 0] - self.lon0) * self.kx, (xy[:, 1] - self.lat0) * self.ky])

    def inverse_point(self, x, y):
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky

    def nearest(self, line):
        """(planar distance m, (lon, lat) of nearest point on `line`) to the plane's centre."""
        local = self.forward(line)
        origin = Point(0.0, 0.0)
        near = local.interpolate(local.project(origin))
        return near.distance(origin), self.inverse_point(near.x, near.y)


def point_line_distance_m(lon, lat, line):
    """(geodesic distance m, (lon, lat) of the nearest point on `line`) from the point."""
    _, (nlon, nlat) = LocalPlane(lon, lat).nearest(line)
    return distance_m(lon, lat, nlon, nlat), (nlon, nlat)


def bbox_around(lon, lat, radius_m):
    """(min_lon, min_lat, max_lon, max_lat) surely containing the circle of `radius_m`."""
    # 1 % margin and the smallest plausible radius cover the ellipsoid's variation.
    r = radius_m * 1.01
    dlat = math.degrees(r / 6335439.0)
    min_lat, max_lat = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    # Longitude degrees shrink poleward, so size by the most poleward latitude of the box.
    cos_far = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_far < 1e-6 or r / (6378137.0 * cos_far) >= math.pi:
        return -180.0, min_lat, 180.0, max_lat
    dlon = math.degrees(r / (6378137.0 * cos_far))
    return lon - dlon, min_lat, lon + dlon, max_lat


def length_inside_m(line, polygon):
    """Geodesic length of the part of `line` inside `polygon`."""
    return length_m(line.intersection(polygon))


def midpoint(geom) -> tuple[float, float]:
    """The point halfway along the longest part of a (Multi)LineString: where an address on that line is put."""
    longest = max(_line_parts(geom), key=lambda part: part.length)
    point = longest.interpolate(0.5, normalized=True)
    return point.x, point.y

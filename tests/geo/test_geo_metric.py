"""Spec for geo.metric and geo.snapping: metre measures on WGS-84."""
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Polygon

from geo.metric import bbox_around, distance_m, length_inside_m, length_m, point_line_distance_m
from geo.snapping import Snap, nearest_line

GEOD = Geod(ellps="WGS84")
ALLEY = LineString([(116.4170, 39.9270), (116.4195, 39.9272), (116.4210, 39.9262), (116.4240, 39.9264)])


def test_one_degree_of_latitude_near_40n_is_about_111_035_m():
    assert distance_m(116.0, 39.5, 116.0, 40.5) == pytest.approx(111_035, abs=5)


def test_length_is_the_sum_of_geodesic_legs():
    legs = sum(distance_m(*a, *b) for a, b in zip(ALLEY.coords[:-1], ALLEY.coords[1:]))
    assert length_m(ALLEY) == pytest.approx(legs, rel=1e-9)
    assert length_m(MultiLineString([ALLEY, ALLEY])) == pytest.approx(2 * legs, rel=1e-9)


def _brute_force_distance(lon, lat, line, step_m=0.02):
    best = np.inf
    for (x0, y0), (x1, y1) in zip(line.coords[:-1], line.coords[1:]):
        n = int(distance_m(x0, y0, x1, y1) / step_m) + 2
        t = np.linspace(0.0, 1.0, n)
        xs, ys = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        best = min(best, GEOD.inv(np.full(n, lon), np.full(n, lat), xs, ys)[2].min())
    return best


@pytest.mark.parametrize("lon,lat", [(116.4180, 39.9280), (116.4200, 39.9250), (116.4260, 39.9300),
                                     (116.4150, 39.9270), (116.4203, 39.9268)])
def test_point_line_distance_agrees_with_brute_force_to_centimetres(lon, lat):
    dist, (nlon, nlat) = point_line_distance_m(lon, lat, ALLEY)
    assert dist == pytest.approx(_brute_force_distance(lon, lat, ALLEY), abs=0.02)
    assert ALLEY.distance(LineString([(nlon, nlat), (nlon, nlat + 1e-12)])) < 1e-9


@pytest.mark.parametrize("lat", [0.0, 39.9, 70.0])
@pytest.mark.parametrize("radius", [50.0, 1000.0, 5000.0])
def test_bbox_around_contains_the_whole_circle(lat, radius):
    min_lon, min_lat, max_lon, max_lat = bbox_around(116.4, lat, radius)
    bearings = np.arange(0.0, 360.0, 1.0)
    lons, lats, _ = GEOD.fwd(np.full(360, 116.4), np.full(360, lat), bearings, np.full(360, radius))
    assert (lons > min_lon).all() and (lons < max_lon).all()
    assert (lats > min_lat).all() and (lats < max_lat).all()
    assert max_lat - min_lat < 1.05 * (lats.max() - lats.min())


def test_length_inside_polygon_counts_only_the_inside_part():
    line = LineString([(116.40, 39.90), (116.42, 39.90)])
    west_half = Polygon([(116.39, 39.89), (116.41, 39.89), (116.41, 39.91), (116.39, 39.91)])
    assert length_inside_m(line, west_half) == pytest.approx(length_m(line) / 2, rel=1e-6)
    assert length_inside_m(line, Polygon([(0, 0), (1, 0), (1, 1)])) == 0.0


def test_nearest_line_picks_the_closest_candidate_within_the_limit():
    north = LineString([(116.40, 39.9010), (116.41, 39.9010)])
    south = LineString([(116.40, 39.8995), (116.41, 39.8995)])
    snap = nearest_line(116.405, 39.9000, [("north", north), ("south", south)], max_m=100)
    assert isinstance(snap, Snap) and snap.key == "south"
    assert snap.distance_m == pytest.approx(distance_m(116.405, 39.9, 116.405, 39.8995), abs=0.01)
    assert (snap.lon, snap.lat) == pytest.approx((116.405, 39.8995), abs=1e-9)


def test_nearest_line_returns_none_beyond_the_limit_or_without_candidates():
    line = LineString([(116.40, 39.9010), (116.41, 39.9010)])
    assert nearest_line(116.405, 39.9000, [("a", line)], max_m=100) is None
    assert nearest_line(116.405, 39.9000, [], max_m=100) is None

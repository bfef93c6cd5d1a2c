"""Spec for geo.crs: WGS-84 / GCJ-02 / BD-09 conversions."""
import time

import numpy as np
import pytest
from shapely.geometry import LineString, Point

from geo import crs
from geo.metric import distance_m

# (name, WGS-84 lon, lat) across mainland China.
PLACES = [
    ("Tiananmen", 116.391275, 39.906217),
    ("Dongcheng hutong", 116.4260, 39.9260),
    ("Shanghai Bund", 121.4905, 31.2389),
    ("Urumqi", 87.6168, 43.8256),
    ("Harbin", 126.5349, 45.8038),
    ("Sanya", 109.5119, 18.2528),
    ("Lhasa", 91.1322, 29.6604),
    ("Kashgar", 75.9897, 39.4704),
]
OUTSIDE = [("London", -0.1276, 51.5072), ("New York", -74.006, 40.7128),
           ("Tokyo", 139.6917, 35.6895), ("Sydney", 151.2093, -33.8688)]


def test_forward_matches_published_reference_values():
    # Example output published with the widely used coordtransform library (116.404, 39.915).
    assert crs.wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    assert crs.gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-9)


def test_gcj02_shift_at_tiananmen_is_the_published_hundreds_of_metres():
    lon, lat = PLACES[0][1:]
    shift = distance_m(lon, lat, *crs.wgs84_to_gcj02(lon, lat))
    assert 100 < shift < 700


@pytest.mark.parametrize("name,lon,lat", PLACES)
def test_wgs84_gcj02_round_trip_is_far_better_than_half_a_metre(name, lon, lat):
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert distance_m(lon, lat, *back) < 0.001


@pytest.mark.parametrize("name,lon,lat", PLACES)
def test_gcj02_inverse_is_iterative_not_one_step(name, lon, lat):
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    wlon, wlat = crs.gcj02_to_wgs84(glon, glat)
    one_step = (2 * glon - crs.wgs84_to_gcj02(glon, glat)[0], 2 * glat - crs.wgs84_to_gcj02(glon, glat)[1])
    assert distance_m(*crs.wgs84_to_gcj02(wlon, wlat), glon, glat) < 0.001
    assert distance_m(wlon, wlat, *one_step) > distance_m(wlon, wlat, lon, lat)


@pytest.mark.parametrize("name,lon,lat", PLACES)
def test_bd09_round_trips(name, lon, lat):
    assert distance_m(lon, lat, *crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat))) < 0.001
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    assert distance_m(glon, glat, *crs.bd09_to_gcj02(*crs.gcj02_to_bd09(glon, glat))) < 0.001


@pytest.mark.parametrize("name,lon,lat", OUTSIDE)
def test_points_outside_china_are_not_shifted(name, lon, lat):
    assert not crs.in_china(lon, lat)
    assert crs.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert crs.gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_in_china_uses_the_coarse_bbox():
    assert crs.in_china(116.4, 39.9)
    assert not crs.in_china(39.9, 116.4)
    assert not crs.in_china(12958000.0, 4852000.0)


def test_vectorised_matches_scalar_and_is_fast():
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(73, 135, 100_000), rng.uniform(18, 53, 100_000)])
    start = time.perf_counter()
    wgs = crs.gcj02_to_wgs84_array(pts)
    assert time.perf_counter() - start < 2.0
    for i in range(0, 100_000, 9973):
        assert tuple(wgs[i]) == pytest.approx(crs.gcj02_to_wgs84(*pts[i]), abs=1e-9)
    assert np.abs(crs.wgs84_to_gcj02_array(wgs) - pts).max() < 1e-9


def test_geometries_convert_both_ways_and_wgs84_is_identity():
    line = LineString([(116.40, 39.90), (116.41, 39.91)])
    for name in crs.CRS_NAMES:
        back = crs.to_wgs84(crs.wgs84_to(line, name), name)
        assert back.geom_type == "LineString"
        assert np.allclose(back.coords, line.coords, atol=1e-8)
    assert crs.to_wgs84(line, "wgs84").equals(line)
    assert not crs.to_wgs84(Point(116.4, 39.9), "gcj02").equals(Point(116.4, 39.9))
    with pytest.raises(ValueError):
        crs.to_wgs84(line, "epsg:3857")

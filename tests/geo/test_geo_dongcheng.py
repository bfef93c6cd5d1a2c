"""Spec against the real Dongcheng data: streets, segments and merged alleys in WGS-84."""
import json
import math
import time

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.importers.geojson import read_segments, read_streets
from geo.merge import assign_and_merge
from geo.records import GeoImportError

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def dongcheng(shared_file):
    roads = shared_file("dongcheng/roads_gcj02.geojson")
    start = time.perf_counter()
    streets = read_streets(shared_file("dongcheng/subdistricts_gcj02.geojson"), "gcj02")
    segments, skipped = read_segments(roads, "gcj02")
    alleys, merge_skipped = assign_and_merge(segments, streets)
    elapsed = time.perf_counter() - start
    return dict(roads=roads, streets=streets, segments=segments, skipped=skipped,
                alleys=alleys, merge_skipped=merge_skipped, elapsed=elapsed)


def test_seventeen_streets_with_their_admin_codes(dongcheng):
    streets = {s.name: s for s in dongcheng["streets"]}
    assert len(dongcheng["streets"]) == 17 == len(streets)
    assert streets["龙潭街道"].admin_code == "110101014"
    assert "朝阳门街道" in streets
    assert all(s.geom.geom_type == "MultiPolygon" and s.geom.is_valid for s in streets.values())


def test_unnamed_segments_are_skipped_and_counted(dongcheng):
    assert dongcheng["skipped"] == {"unnamed": 9182}
    assert len(dongcheng["segments"]) + 9182 == 15542
    assert all(s.name for s in dongcheng["segments"])


def test_at_least_330_distinct_hutong_names(dongcheng):
    assert len({a.name for a in dongcheng["alleys"] if "胡同" in a.name}) >= 330


def test_shijia_hutong_is_one_alley_in_chaoyangmen(dongcheng):
    shijia = [a for a in dongcheng["alleys"] if a.name == "史家胡同"]
    assert len(shijia) == 1
    alley = shijia[0]
    assert alley.street_name == "朝阳门街道"
    assert 740 <= alley.length_m <= 755
    assert alley.geom.geom_type == "MultiLineString"
    assert len(alley.segment_ids) == 6 and "harvestalot" in alley.source


def test_read_and_merge_of_the_whole_district_is_quick(dongcheng):
    assert dongcheng["elapsed"] < 15.0


def test_every_vertex_moved_by_the_expected_gcj02_shift(dongcheng):
    raw = json.loads(dongcheng["roads"].read_text(encoding="utf-8"))["features"]
    by_id = {str(f["properties"]["seg_id"]): f["geometry"]["coordinates"] for f in raw}
    src = np.array([xy for s in dongcheng["segments"] for xy in by_id[s.source_id]])
    out = shapely.get_coordinates([s.geom for s in dongcheng["segments"]])
    shift = GEOD.inv(src[:, 0], src[:, 1], out[:, 0], out[:, 1])[2]
    assert len(src) == len(out)
    assert shift.min() > 100 and shift.max() < 700


# An independent scalar GCJ-02 forward transform, inverted by Newton's method with a
# numerical Jacobian: checks the package's vectorised fixed-point inverse.
def _gcj_forward(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    pi = math.pi
    waves = (20 * math.sin(6 * pi * x) + 20 * math.sin(2 * pi * x)) * 2 / 3
    t_lat = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves
             + (20 * math.sin(pi * y) + 40 * math.sin(pi * y / 3)) * 2 / 3
             + (160 * math.sin(pi * y / 12) + 320 * math.sin(pi * y / 30)) * 2 / 3)
    t_lon = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves
             + (20 * math.sin(pi * x) + 40 * math.sin(pi * x / 3)) * 2 / 3
             + (150 * math.sin(pi * x / 12) + 300 * math.sin(pi * x / 30)) * 2 / 3)
    a, ee = 6378245.0, 0.00669342162296594323
    s = math.sin(math.radians(lat))
    m = 1 - ee * s * s
    dlat = t_lat * 180 / (a * (1 - ee) / (m * math.sqrt(m)) * pi)
    dlon = t_lon * 180 / (a / math.sqrt(m) * math.cos(math.radians(lat)) * pi)
    return lon + dlon, lat + dlat


def _newton_inverse(glon, glat):
    lon, lat, h = glon, glat, 1e-6
    for _ in range(8):
        f0 = np.subtract(_gcj_forward(lon, lat), (glon, glat))
        jac = np.column_stack([(np.subtract(_gcj_forward(lon + h, lat), _gcj_forward(lon, lat))) / h,
                               (np.subtract(_gcj_forward(lon, lat + h), _gcj_forward(lon, lat))) / h])
        lon, lat = np.array([lon, lat]) - np.linalg.solve(jac, f0)
    return lon, lat


def test_shijia_hutong_agrees_with_an_independent_inverse_within_1_m(dongcheng):
    raw = json.loads(dongcheng["roads"].read_text(encoding="utf-8"))["features"]
    gcj = [xy for f in raw if f["properties"]["name"] == "史家胡同" for xy in f["geometry"]["coordinates"]]
    expected = np.array([_newton_inverse(*xy) for xy in gcj])
    alley = next(a for a in dongcheng["alleys"] if a.name == "史家胡同")
    got = shapely.get_coordinates(alley.geom)
    for lon, lat in got:
        nearest = GEOD.inv(np.full(len(expected), lon), np.full(len(expected), lat),
                           expected[:, 0], expected[:, 1])[2].min()
        assert nearest < 1.0


def test_dongcheng_with_lon_lat_swapped_is_rejected_feature_by_feature(shared_file, tmp_path):
    data = json.loads(shared_file("dongcheng/roads_gcj02.geojson").read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["geometry"]["coordinates"] = [[lat, lon] for lon, lat in feature["geometry"]["coordinates"]]
    path = tmp_path / "swapped.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GeoImportError) as info:
        read_segments(path, "gcj02")
    assert len(info.value.problems) == 1 + 15542
    assert "all 15542 features lie outside China" in info.value.problems[0]
    assert "feature 0 (seg_id=0)" in info.value.problems[1]
    assert "and 15523 more" in str(info.value)

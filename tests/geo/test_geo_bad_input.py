"""Spec for rejecting bad GeoJSON: every problem is collected and names its feature."""
import json

import pytest

from geo.importers.geojson import read_segments, read_streets
from geo.records import GeoImportError

SQUARE = [[[116.40, 39.90], [116.41, 39.90], [116.41, 39.91], [116.40, 39.91], [116.40, 39.90]]]
BOW_TIE = [[[116.40, 39.90], [116.41, 39.91], [116.41, 39.90], [116.40, 39.91], [116.40, 39.90]]]
ALLEY = [[116.400, 39.900], [116.401, 39.900], [116.402, 39.901]]


def street(name, rings, **props):
    return {"type": "Feature", "properties": {"name": name, "adcode9": "110101999", **props},
            "geometry": {"type": "Polygon", "coordinates": rings}}


def segment(seg_id, name, coords, gtype="LineString"):
    return {"type": "Feature", "properties": {"seg_id": seg_id, "name": name},
            "geometry": {"type": gtype, "coordinates": coords}}


def write(tmp_path, features, name="in.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def problems_of(call):
    with pytest.raises(GeoImportError) as info:
        call()
    return info.value.problems


def test_valid_small_files_are_read(tmp_path):
    streets = read_streets(write(tmp_path, [street("测试街道", SQUARE)]), "wgs84")
    assert [(s.name, s.admin_code, s.source) for s in streets] == [("测试街道", "110101999", "in.geojson")]
    segs, skipped = read_segments(write(tmp_path, [segment(7, "甲胡同", ALLEY), segment(8, None, ALLEY)]), "wgs84")
    assert [(s.source_id, s.name) for s in segs] == [("7", "甲胡同")] and skipped == {"unnamed": 1}


def test_unnamed_segments_are_kept_with_no_name_on_request(tmp_path):
    path = write(tmp_path, [segment(8, None, ALLEY), segment(9, "  ", ALLEY)])
    segs, skipped = read_segments(path, "wgs84", include_unnamed=True)
    assert [(s.source_id, s.name) for s in segs] == [("8", None), ("9", None)] and skipped == {}


def test_multilinestrings_explode_into_numbered_parts_and_ids_fall_back_to_index(tmp_path):
    multi = segment(5, "甲胡同", [ALLEY, ALLEY[::-1]], gtype="MultiLineString")
    no_id = {"type": "Feature", "properties": {"name": "乙胡同"}, "geometry": {"type": "LineString", "coordinates": ALLEY}}
    segs, _ = read_segments(write(tmp_path, [multi, no_id]), "wgs84")
    assert [s.source_id for s in segs] == ["5#0", "5#1", "1"]


def test_a_top_level_source_string_is_the_attribution(tmp_path):
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "source": "Example Survey 2024",
                                "features": [segment(1, "甲胡同", ALLEY)]}), encoding="utf-8")
    assert read_segments(path, "wgs84")[0][0].source == "Example Survey 2024"


def test_bow_tie_polygon_is_reported_with_the_reason(tmp_path):
    path = write(tmp_path, [street("好街道", SQUARE), street("坏街道", BOW_TIE)])
    [problem] = problems_of(lambda: read_streets(path, "wgs84"))
    assert "feature 1" in problem and "坏街道" in problem and "Self-intersection" in problem


def test_line_with_one_point_is_reported(tmp_path):
    path = write(tmp_path, [segment(1, "甲胡同", ALLEY), segment(2, "乙胡同", [ALLEY[0]]),
                            segment(3, "丙胡同", [ALLEY[0], ALLEY[0]])])
    problems = problems_of(lambda: read_segments(path, "wgs84"))
    assert len(problems) == 2
    assert "feature 1 (seg_id=2)" in problems[0] and "fewer than 2 distinct points" in problems[0]
    assert "feature 2 (seg_id=3)" in problems[1]


def test_non_finite_and_wrong_type_geometries_are_reported(tmp_path):
    path = write(tmp_path, [segment(1, "甲胡同", [[116.4, 39.9], [float("nan"), 39.9]]),
                            segment(2, "乙胡同", [116.4, 39.9], gtype="Point")])
    problems = problems_of(lambda: read_segments(path, "wgs84"))
    assert "seg_id=1" in problems[0] and "non-finite" in problems[0]
    assert "seg_id=2" in problems[1] and "Point" in problems[1]


def test_swapped_lon_lat_is_outside_china_and_blames_the_crs(tmp_path):
    swapped = [[lat, lon] for lon, lat in ALLEY]
    path = write(tmp_path, [segment(1, "甲胡同", swapped), segment(2, "乙胡同", swapped)])
    problems = problems_of(lambda: read_segments(path, "gcj02"))
    assert "all 2 features lie outside China" in problems[0] and "--crs" in problems[0]
    assert "seg_id=1" in problems[1] and "outside China" in problems[1]


def test_web_mercator_metres_read_as_wgs84_are_outside_china(tmp_path):
    metres = [[12958000.0 + 100 * i, 4852000.0] for i in range(3)]
    square_m = [[[12958000, 4852000], [12959000, 4852000], [12959000, 4853000], [12958000, 4852000]]]
    problems = problems_of(lambda: read_segments(write(tmp_path, [segment(1, "甲胡同", metres)]), "wgs84"))
    assert "outside China" in problems[0] and any("seg_id=1" in p for p in problems)
    problems = problems_of(lambda: read_streets(write(tmp_path, [street("米街道", square_m)]), "wgs84"))
    assert "--crs" in problems[0] and "米街道" in problems[1]


def test_a_single_stray_feature_is_named_without_blaming_the_crs(tmp_path):
    path = write(tmp_path, [segment(1, "甲胡同", ALLEY), segment(2, "乙胡同", [[-0.12, 51.5], [-0.13, 51.5]])])
    [problem] = problems_of(lambda: read_segments(path, "wgs84"))
    assert "seg_id=2" in problem and "outside China" in problem and "(-0.120000, 51.500000)" in problem


def test_missing_name_property_is_reported(tmp_path):
    no_name = {"type": "Feature", "properties": {"seg_id": 4}, "geometry": {"type": "LineString", "coordinates": ALLEY}}
    [problem] = problems_of(lambda: read_segments(write(tmp_path, [no_name]), "wgs84"))
    assert "feature 0 (seg_id=4)" in problem and "'name'" in problem
    nameless_street = {"type": "Feature", "properties": {"adcode9": "1"}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}
    [problem] = problems_of(lambda: read_streets(write(tmp_path, [nameless_street]), "wgs84"))
    assert "feature 0" in problem and "'name'" in problem


def test_all_problems_are_collected_before_raising(tmp_path):
    path = write(tmp_path, [street("甲", BOW_TIE), street(None, SQUARE), segment(3, "x", ALLEY)])
    problems = problems_of(lambda: read_streets(path, "wgs84"))
    assert [p.split(":")[0].split(" (")[0] for p in problems] == ["feature 0", "feature 1", "feature 2"]


@pytest.mark.parametrize("content,expected", [
    ("this is not json\n", "not valid JSON"),
    ("[1, 2, 3]", "FeatureCollection"),
    ('{"type": "Feature", "properties": {}, "geometry": null}', "FeatureCollection"),
    ('{"type": "FeatureCollection"}', "features"),
])
@pytest.mark.parametrize("reader", [read_streets, read_segments])
def test_files_that_are_not_geojson_feature_collections_are_rejected(tmp_path, content, expected, reader):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    [problem] = problems_of(lambda: reader(path, "wgs84"))
    assert "not GeoJSON" in problem and expected in problem


def test_unknown_crs_name_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="gcj02"):
        read_segments(write(tmp_path, [segment(1, "甲胡同", ALLEY)]), "epsg:4326")


def test_an_empty_feature_collection_is_reported(tmp_path):
    for reader in (read_streets, read_segments):
        [problem] = problems_of(lambda: reader(write(tmp_path, []), "wgs84"))
        assert "no features" in problem

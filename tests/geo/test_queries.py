"""Spatial queries on the real Dongcheng data, on both engines, through their spatial indexes."""
import random

from geoalchemy2.shape import to_shape

from geo import metric, queries
from webapp.extensions import db
from webapp.models import Alley, Street



def _alley_named(name):
    return db.session.scalar(db.select(Alley).where(Alley.name == name))


def _middle_of(name):
    longest = max(to_shape(_alley_named(name).geom).geoms, key=lambda part: part.length)
    return longest.interpolate(0.5, normalized=True).coords[0]


def test_nearest_alley_within_a_radius_finds_the_alley_under_the_point(dongcheng):
    shijia = _alley_named("史家胡同")
    lon, lat = _middle_of("史家胡同")
    hit = queries.nearest_alley(db.session, lon, lat + 0.0001, max_m=60)
    assert hit.alley_id == shijia.id
    assert 10 < hit.distance_m < 12  # 0.0001 degrees of latitude is about 11.1 m


def test_nothing_is_snapped_beyond_the_radius(dongcheng):
    # Yuyuantan park, in Haidian: kilometres from any Dongcheng alley.
    assert queries.nearest_alley(db.session, 116.3200, 39.9150, max_m=60) is None
    assert queries.nearest_alley(db.session, 116.3200, 39.9150).distance_m > 2000


def test_unbounded_nearest_agrees_with_a_brute_force_scan(dongcheng):
    alleys = [(a.id, to_shape(a.geom)) for a in db.session.scalars(db.select(Alley))]
    rng = random.Random(7)
    for _ in range(15):
        lon, lat = rng.uniform(116.38, 116.44), rng.uniform(39.87, 39.96)
        expected = min(metric.point_line_distance_m(lon, lat, geom)[0] for _, geom in alleys)
        hit = queries.nearest_alley(db.session, lon, lat)
        assert abs(hit.distance_m - expected) < 0.01


def test_street_containing_a_point(dongcheng):
    street_id = queries.street_containing(db.session, *_middle_of("史家胡同"))
    assert db.session.get(Street, street_id).name == "朝阳门街道"
    assert queries.street_containing(db.session, 121.47, 31.23) is None  # Shanghai


def test_locate_finds_the_street_and_its_nearest_alley_as_the_separate_queries_do(dongcheng):
    rng = random.Random(11)
    points = [_middle_of("史家胡同"), (121.47, 31.23)] + [
        (rng.uniform(116.38, 116.44), rng.uniform(39.87, 39.96)) for _ in range(40)]
    for lon, lat in points:
        street_id, snap = queries.locate(db.session, lon, lat, 60)
        assert street_id == queries.street_containing(db.session, lon, lat)
        expected = queries.nearest_alley(db.session, lon, lat, max_m=60, street_id=street_id) if street_id else None
        assert (snap and (snap.alley_id, round(snap.distance_m, 6))) == (
            expected and (expected.alley_id, round(expected.distance_m, 6)))


def test_alleys_in_a_bbox_meet_the_bbox(dongcheng):
    bbox = metric.bbox_around(*_middle_of("史家胡同"), 150)
    names = {row.name for row in queries.alleys_in_bbox(db.session, bbox)}
    assert "史家胡同" in names
    assert len(names) < 20


def test_the_nearest_query_uses_the_spatial_index(dongcheng):
    plan = queries.explain_nearest(db.session, *_middle_of("史家胡同"), 60)
    if queries.dialect_of(db.session) == "postgresql":
        assert "idx_alleys_geom" in plan, plan
    else:
        assert "SpatialIndex" in plan and "VIRTUAL TABLE" in plan, plan
    # The timing ratio with and without the index is measured in bench/nearest.py.

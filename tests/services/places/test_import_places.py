"""Importing real streets and alleys: the acceptance figures, re-imports, and all-or-nothing."""
import json

import pytest
from geoalchemy2.shape import to_shape
from pyproj import Geod

from geo.crs import wgs84_to_gcj02
from geo.importers.geojson import read_segments, read_streets
from geo.importers.osm import read_osm_segments
from geo.records import GeoImportError, StreetRecord
from tests.conftest import shared_data
from webapp.errors import BadRequest
from webapp.extensions import db
from webapp.models import Alley, Street
from webapp.services.places.alleys import import_alleys, import_streets


def _count(model, *where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_dongcheng_has_17_streets_and_over_330_named_hutongs(dongcheng):
    assert _count(Street) == 17
    assert db.session.scalar(db.select(Street.admin_code).where(Street.name == "龙潭街道")) == "110101014"
    hutong_names = db.session.scalar(
        db.select(db.func.count(db.distinct(Alley.name))).where(Alley.name.contains("胡同")))
    assert hutong_names >= 330


def test_shijia_hutong_lands_in_chaoyangmen_with_its_real_length(dongcheng):
    alley = db.session.scalar(db.select(Alley).where(Alley.name == "史家胡同"))
    assert alley.street.name == "朝阳门街道"
    assert 740 <= alley.length_m <= 755
    assert len(alley.source_segment_ids) > 1  # merged from several segments


def test_stored_coordinates_are_wgs84(dongcheng):
    """Shifting the stored points forward to GCJ-02 gives back the published GCJ-02 points (< 1 m)."""
    roads = json.loads(shared_data("dongcheng/roads_gcj02.geojson").read_text())
    alley = db.session.scalar(db.select(Alley).where(Alley.name == "史家胡同"))
    published = {tuple(pt) for f in roads["features"] if str(f["properties"]["seg_id"]) in alley.source_segment_ids
                 for pt in f["geometry"]["coordinates"]}
    ellipsoid = Geod(ellps="WGS84")
    stored = [pt for part in to_shape(alley.geom).geoms for pt in part.coords]
    for lon, lat in stored:
        glon, glat = wgs84_to_gcj02(lon, lat)
        nearest = min(ellipsoid.inv(glon, glat, plon, plat)[2] for plon, plat in published)
        assert nearest < 1.0
        # ...and they are really shifted: GCJ-02 is 100-700 m off WGS-84 in Beijing.
        assert 100 < ellipsoid.inv(lon, lat, glon, glat)[2] < 700


def test_reimporting_updates_in_place(app):
    path = shared_data("dongcheng/subdistricts_gcj02.geojson")
    assert import_streets(read_streets(path, "gcj02")) == (17, 0)
    assert import_streets(read_streets(path, "gcj02")) == (0, 17)
    assert _count(Street) == 17


def test_alleys_need_streets_first(app):
    segments, skipped = read_segments(shared_data("dongcheng/roads_gcj02.geojson"), "gcj02")
    with pytest.raises(BadRequest, match="import streets first"):
        import_alleys(segments, skipped)


def test_a_failing_alley_import_writes_nothing(app, monkeypatch):
    import_streets(read_streets(shared_data("dongcheng/subdistricts_gcj02.geojson"), "gcj02"))
    segments, skipped = read_segments(shared_data("dongcheng/roads_gcj02.geojson"), "gcj02")
    from webapp.services.places import alleys as places

    calls = {"n": 0}
    real_fill = places._fill

    def fail_halfway(alley, record):
        calls["n"] += 1
        if calls["n"] == 500:
            raise RuntimeError("disk full")
        real_fill(alley, record)

    monkeypatch.setattr(places, "_fill", fail_halfway)
    with pytest.raises(RuntimeError):
        import_alleys(segments, skipped)
    assert _count(Alley) == 0


def test_bad_files_are_refused_before_anything_is_written(app, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "好街道"},
         "geometry": {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.90], [116.41, 39.91],
                                                          [116.40, 39.91], [116.40, 39.90]]]}},
        {"type": "Feature", "properties": {"name": "坏街道"},
         "geometry": {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.91], [116.41, 39.90],
                                                          [116.40, 39.91], [116.40, 39.90]]]}},
    ]}))
    with pytest.raises(GeoImportError) as err:
        import_streets(read_streets(bad, "wgs84"))
    assert "坏街道" in str(err.value) or "1" in str(err.value)
    assert _count(Street) == 0


def test_openstreetmap_ways_become_alleys_with_odbl_attribution(app):
    from shapely.geometry import box

    # The export's bounds, widened a little: the campus sits in 北太平庄街道, Haidian.
    import_streets([StreetRecord("北太平庄街道", None, box(116.345, 39.954, 116.359, 39.967), "test boundary")])
    segments, skipped = read_osm_segments(shared_data("osm/bupt_campus_haidian.osm"))
    summary = import_alleys(segments, skipped)
    assert summary.alleys_created > 5
    alleys = db.session.scalars(db.select(Alley)).all()
    assert all("OpenStreetMap" in a.source and "ODbL" in a.source for a in alleys)
    assert all(a.source_segment_ids[0].startswith("way/") for a in alleys)

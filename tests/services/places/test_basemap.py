"""The base map in the database: imports replace their own source, and both engines serve the same tiles
(PostGIS through ST_AsMVT, SpatiaLite from the pre-built MBTiles file)."""
import mapbox_vector_tile
from shapely.geometry import LineString

from geo.basemap import BasemapRecord
from geo.vector_tiles import tile_of, tiles_covering
from webapp.extensions import db
from webapp.models import BasemapFeature
from webapp.services import demo
from webapp.services.demo import demo_basemap_records, load_demo_basemap
from webapp.services.places import basemap

DEMO_MIDDLE = (demo._ORIGIN_LON + 0.004, demo._ORIGIN_LAT + 0.003)
DEMO_BBOX = demo.demo_boundary().bounds


def contents(data: bytes) -> dict[str, set]:
    """Layer -> {(kind, name)} of a tile, what a person sees of it."""
    tile = mapbox_vector_tile.decode(data)
    return {layer: {(f["properties"]["kind"], f["properties"].get("name")) for f in body["features"]}
            for layer, body in tile.items()}


def street_at(z: int) -> dict[str, set]:
    """contents() of every tile showing the demo street at zoom z, together."""
    seen = {}
    for tile in tiles_covering(DEMO_BBOX, [z]):
        for layer, found in contents(basemap.tile(*tile)).items():
            seen.setdefault(layer, set()).update(found)
    return seen


def test_the_demo_base_map_shows_streets_buildings_park_and_landmarks_around_the_alleys(app):
    assert load_demo_basemap() == len(demo_basemap_records())
    seen = street_at(15)
    assert {"roads", "buildings", "parks", "landmarks"} <= set(seen)
    assert ("major", "演示北大街") in seen["roads"]
    assert {("school", "演示小学"), ("clinic", "演示社区卫生服务站"), ("bus_stop", "演示街道站")} <= seen["landmarks"]


def test_importing_a_source_again_replaces_it_and_keeps_the_others(app):
    load_demo_basemap()
    road = BasemapRecord("roads", "minor", "另一条路", LineString([(116.40, 39.93), (116.41, 39.93)]))
    basemap.import_basemap([road], "roads.geojson")
    load_demo_basemap()
    basemap.import_basemap([road], "roads.geojson")
    count = db.session.scalar(db.select(db.func.count()).select_from(BasemapFeature))
    assert count == len(demo_basemap_records()) + 1


def test_buildings_wait_for_the_near_zooms_and_far_zooms_carry_the_main_streets(app):
    load_demo_basemap()
    far = street_at(12)
    assert set(far) <= {"roads", "water", "parks"} and ("major", "演示北大街") in far["roads"]
    assert "buildings" in contents(basemap.tile(16, *tile_of(*DEMO_MIDDLE, 16)))
    assert basemap.tile(18, *tile_of(*DEMO_MIDDLE, 18)) == b""  # the client draws nearer zooms from z16


def test_both_engines_draw_the_same_tile(app):
    """ST_AsMVT on PostGIS, Python's encoder on SpatiaLite: the same features in the same places."""
    load_demo_basemap()
    for z, x, y in tiles_covering(DEMO_BBOX, [14, 16]):
        served = mapbox_vector_tile.decode(basemap.tile(z, x, y))
        rendered = mapbox_vector_tile.decode(basemap.render_tile(z, x, y))
        assert contents(basemap.tile(z, x, y)) == contents(basemap.render_tile(z, x, y))
        for layer in served:
            first = [f["geometry"]["coordinates"] for f in served[layer]["features"]]
            second = [f["geometry"]["coordinates"] for f in rendered[layer]["features"]]
            assert len(first) == len(second)


def test_spatialite_serves_the_prebuilt_file_and_its_street_stays_small(app, tmp_path):
    load_demo_basemap()
    count, size = basemap.build_tiles(tmp_path / "demo.mbtiles")
    street = basemap.street_tiles(DEMO_BBOX)
    assert 0 < count and size < 2_000_000
    assert sum(len(basemap.tile(*t)) for t in street) < 2_000_000
    if not basemap.is_postgis():
        assert basemap.tiles_path().exists()  # the import built it beside the database
        z, x, y = street[-1]
        assert basemap.tile(z, x, y) == basemap.render_tile(z, x, y)


def test_two_sources_far_apart_leave_the_land_between_untiled(app, tmp_path):
    load_demo_basemap()
    shanghai = BasemapRecord("roads", "major", "南京东路", LineString([(121.475, 31.238), (121.485, 31.239)]))
    basemap.import_basemap([shanghai], "shanghai.geojson")
    count, _ = basemap.build_tiles(tmp_path / "two.mbtiles")
    assert count < 200  # the box around Beijing and Shanghai would hold millions of z16 tiles

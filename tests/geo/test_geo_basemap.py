"""Spec for the base map's readers and tiles: OSM context and road centrelines become layered features, and
features become Mapbox Vector Tiles that hold them where they are."""
import json

import mapbox_vector_tile
import pytest
from shapely.geometry import LineString, Point, box

from geo import crs
from geo.importers.basemap_osm import read_osm_basemap
from geo.importers.basemap_roads import read_basemap_roads
from geo.records import GeoImportError
from geo.vector_tiles import EXTENT, encode_tile, tile_bounds, tile_of, tiles_covering, valid_tile

SMALL_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" version="1" lat="39.9000" lon="116.4000"/>
 <node id="2" version="1" lat="39.9010" lon="116.4000"/>
 <node id="3" version="1" lat="39.9010" lon="116.4010"/>
 <node id="4" version="1" lat="39.9000" lon="116.4010"/>
 <node id="5" version="1" lat="39.9020" lon="116.4020"><tag k="amenity" v="school"/><tag k="name" v="史家小学"/></node>
 <node id="6" version="1" lat="39.9021" lon="116.4021"><tag k="highway" v="bus_stop"/><tag k="name" v="灯市口"/></node>
 <node id="7" version="1" lat="39.9022" lon="116.4022"><tag k="barrier" v="gate"/></node>
 <node id="8" version="1" lat="39.9023" lon="116.4023"><tag k="historic" v="city_gate"/><tag k="name" v="东直门"/></node>
 <node id="9" version="1" lat="39.9024" lon="116.4024"><tag k="amenity" v="place_of_worship"/><tag k="name" v="智化寺"/></node>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="yes"/></way>
 <way id="11" version="1"><nd ref="1"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="name" v="东四北大街"/></way>
 <way id="12" version="1"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="name" v="史家胡同"/></way>
 <way id="13" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>
 <way id="14" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="leisure" v="park"/><tag k="name" v="皇城根遗址公园"/></way>
 <way id="15" version="1"><nd ref="1"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="natural" v="water"/><tag k="name" v="北海"/></way>
 <way id="16" version="1"><nd ref="1"/><nd ref="99"/><tag k="highway" v="residential"/><tag k="name" v="断头路"/></way>
</osm>
"""


def by_name(records):
    return {r.name: (r.layer, r.kind) for r in records if r.name}


def test_osm_gives_roads_of_every_size_buildings_water_parks_and_landmarks(tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(SMALL_OSM, encoding="utf-8")
    records, skipped = read_osm_basemap(path)
    assert by_name(records) == {
        "史家小学": ("landmarks", "school"), "灯市口": ("landmarks", "bus_stop"), "东直门": ("landmarks", "gate"),
        "智化寺": ("landmarks", "temple"), "东四北大街": ("roads", "major"), "史家胡同": ("roads", "alley"),
        "皇城根遗址公园": ("parks", "park"), "北海": ("water", "area")}
    assert sorted((r.layer, r.kind) for r in records if not r.name) == [("buildings", "building"), ("roads", "path")]
    assert skipped == {"incomplete geometry": 1}  # 断头路 leaves the extract; the unnamed gate is no landmark
    building = next(r for r in records if r.layer == "buildings")
    assert building.geom.geom_type == "MultiPolygon" and building.geom.bounds == pytest.approx((116.4, 39.9, 116.401, 39.901))


def test_the_bupt_campus_extract_gives_its_buildings_parks_and_named_landmarks(shared_file):
    records, _ = read_osm_basemap(shared_file("osm/bupt_campus_haidian.osm"))
    layers = {r.layer for r in records}
    assert layers == {"roads", "buildings", "parks", "landmarks"}
    assert sum(r.layer == "buildings" for r in records) > 100
    named = by_name(records)
    assert named["北京邮电大学"] == ("landmarks", "school")
    assert named["西土城路"][0] == "roads"
    assert {kind for layer, kind in named.values() if layer == "landmarks"} >= {"school", "clinic", "bus_stop", "gate"}


def test_a_file_osmium_cannot_read_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.osm"
    path.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    with pytest.raises(GeoImportError, match="osmium cannot read"):
        read_osm_basemap(path)
    with pytest.raises(GeoImportError, match="does not exist"):
        read_osm_basemap(tmp_path / "missing.pbf")


def test_road_centrelines_in_gcj02_are_kept_named_or_not_and_converted_to_wgs84(tmp_path):
    wgs = [(116.4000, 39.9300), (116.4010, 39.9300)]
    gcj = [list(crs.wgs84_to_gcj02(lon, lat)) for lon, lat in wgs]
    features = [{"type": "Feature", "properties": {"seg_id": i, "name": name, "is_hutong": hutong},
                 "geometry": {"type": "LineString", "coordinates": gcj}}
                for i, (name, hutong) in enumerate([("史家胡同", True), ("朝阳门北小街", False), (None, False),
                                                    ("东四北大街", False)])]
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    records, _ = read_basemap_roads(path, "gcj02")
    assert [(r.name, r.kind) for r in records] == [("史家胡同", "alley"), ("朝阳门北小街", "minor"), (None, "minor"),
                                                   ("东四北大街", "major")]
    assert [v for xy in records[0].geom.coords for v in xy] == pytest.approx([v for xy in wgs for v in xy], abs=1e-7)


def test_tile_arithmetic_round_trips():
    x, y = tile_of(116.4, 39.93, 16)
    west, south, east, north = tile_bounds(16, x, y)
    assert west <= 116.4 < east and south <= 39.93 < north
    assert tiles_covering((west + 1e-9, south + 1e-9, east - 1e-9, north - 1e-9), [16, 15]) == [(16, x, y), (15, x // 2, y // 2)]
    assert valid_tile(16, x, y) and not valid_tile(3, 8, 0) and not valid_tile(-1, 0, 0)


def test_a_tile_holds_each_layer_where_its_features_are_and_clips_the_rest():
    z, (x, y) = 16, tile_of(116.4, 39.93, 16)
    west, south, east, north = tile_bounds(z, x, y)
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    features = [("roads", {"kind": "alley", "name": "史家胡同"}, LineString([(west - 1, mid_lat), (east + 1, mid_lat)])),
                ("landmarks", {"kind": "school", "name": "史家小学"}, Point(mid_lon, mid_lat)),
                ("buildings", {"kind": "building"}, box(west - 1, south - 1, mid_lon, mid_lat)),
                ("landmarks", {"kind": "gate", "name": "远处"}, Point(east + 0.1, north + 0.1))]
    tile = mapbox_vector_tile.decode(encode_tile(features, z, x, y), default_options={"y_coord_down": True})
    assert set(tile) == {"roads", "landmarks", "buildings"}
    (school,) = tile["landmarks"]["features"]
    assert school["properties"] == {"kind": "school", "name": "史家小学"}
    assert school["geometry"]["coordinates"] == pytest.approx([EXTENT / 2, EXTENT / 2], abs=2)
    road = tile["roads"]["features"][0]["geometry"]["coordinates"]
    assert min(p[0] for p in road) >= -64 and max(p[0] for p in road) <= EXTENT + 64  # clipped to the buffer
    assert encode_tile([], z, x, y) == b""


def test_a_pbf_file_reads_as_its_osm_xml_does(tmp_path):
    import osmium

    xml = tmp_path / "small.osm"
    xml.write_text(SMALL_OSM, encoding="utf-8")
    pbf = tmp_path / "small.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    assert by_name(read_osm_basemap(pbf)[0]) == by_name(read_osm_basemap(xml)[0])

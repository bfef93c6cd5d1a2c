"""Spec for geo.importers.osm: OpenStreetMap ways become attributed road segments."""
import bz2
import gzip

import osmium
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geo.importers.osm import OSM_ATTRIBUTION, read_osm_segments
from geo.merge import assign_and_merge
from geo.records import GeoImportError, StreetRecord

# <bounds> of bupt_campus_haidian.osm, widened by ~1 km so ways leaving the box still count.
BUPT_BOUNDS = (116.3488600, 39.9566800, 116.3551900, 39.9637700)
SMALL_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" version="1" lat="39.9000" lon="116.4000"/>
 <node id="2" version="1" lat="39.9010" lon="116.4010"/>
 <node id="3" version="1" lat="39.9020" lon="116.4010"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/><tag k="name" v="甲胡同"/>
  <tag k="name:zh" v="甲胡同(中)"/></way>
 <way id="11" version="1"><nd ref="2"/><nd ref="99"/><tag k="highway" v="residential"/><tag k="name" v="乙胡同"/></way>
 <way id="12" version="1"><nd ref="1"/><nd ref="3"/><tag k="building" v="yes"/></way>
 <way id="13" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="construction"/><tag k="name" v="丙路"/></way>
 <way id="14" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="service"/></way>
</osm>
"""


def bupt_street():
    min_lon, min_lat, max_lon, max_lat = BUPT_BOUNDS
    area = MultiPolygon([box(min_lon - 0.01, min_lat - 0.01, max_lon + 0.01, max_lat + 0.01)])
    return StreetRecord("北邮测试街道", None, area, "test")


def test_bupt_campus_gives_named_segments_with_odbl_attribution(shared_file):
    segments, skipped = read_osm_segments(shared_file("osm/bupt_campus_haidian.osm"))
    assert segments and all(s.name for s in segments)
    assert all(s.source == OSM_ATTRIBUTION and s.source_id.startswith("way/") for s in segments)
    assert {"杏坛路", "西土城路"} <= {s.name for s in segments}
    assert skipped["not a road"] > 0 and skipped["unnamed"] > 0


def test_bupt_campus_merges_into_named_alleys(shared_file):
    segments, _ = read_osm_segments(shared_file("osm/bupt_campus_haidian.osm"))
    alleys, skipped = assign_and_merge(segments, [bupt_street()])
    assert skipped == {}
    assert {a.street_name for a in alleys} == {"北邮测试街道"}
    xingtan = next(a for a in alleys if a.name == "杏坛路")
    assert len(xingtan.segment_ids) == 3 and xingtan.length_m > 0
    assert len({a.name for a in alleys}) == len(alleys)


def test_unnamed_ways_kept_on_request_become_their_own_alleys(shared_file):
    segments, skipped = read_osm_segments(shared_file("osm/bupt_campus_haidian.osm"), include_unnamed=True)
    assert "unnamed" not in skipped and any(s.name is None for s in segments)
    alleys, _ = assign_and_merge(segments, [bupt_street()], include_unnamed=True)
    unnamed = [a for a in alleys if a.name.startswith("未命名道路 way/")]
    assert len(unnamed) == sum(1 for s in segments if s.name is None)


def test_rules_for_roads_names_and_incomplete_ways(tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(SMALL_OSM, encoding="utf-8")
    segments, skipped = read_osm_segments(path)
    assert [(s.source_id, s.name) for s in segments] == [("way/10", "甲胡同(中)")]
    assert list(segments[0].geom.coords) == [(116.4, 39.9), (116.401, 39.901)]
    assert skipped == {"incomplete geometry": 1, "not a road": 2, "unnamed": 1}


@pytest.mark.parametrize("suffix,opener", [(".osm.gz", gzip.open), (".osm.bz2", bz2.open)])
def test_compressed_osm_files_are_read(tmp_path, suffix, opener):
    path = tmp_path / f"small{suffix}"
    with opener(path, "wt", encoding="utf-8") as out:
        out.write(SMALL_OSM)
    assert [s.source_id for s in read_osm_segments(path)[0]] == ["way/10"]


def test_pbf_files_are_read(tmp_path):
    path = tmp_path / "small.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    writer.add_node(osmium.osm.mutable.Node(id=1, location=(116.400, 39.900)))
    writer.add_node(osmium.osm.mutable.Node(id=2, location=(116.401, 39.901)))
    writer.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2], tags={"highway": "path", "name": "甲胡同"}))
    writer.close()
    assert [s.name for s in read_osm_segments(path)[0]] == ["甲胡同"]


@pytest.mark.parametrize("name,content", [("notes.txt", "just some text\n"),
                                          ("broken.osm", "<osm><node id='1' lat=")])
def test_unreadable_files_raise_a_clear_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GeoImportError, match="osmium cannot read"):
        read_osm_segments(path)
    with pytest.raises(GeoImportError, match="does not exist"):
        read_osm_segments(tmp_path / "missing.osm")


def test_segments_outside_every_street_are_skipped(tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(SMALL_OSM, encoding="utf-8")
    far = StreetRecord("far", None, MultiPolygon([Polygon([(0, 0), (1, 0), (1, 1)])]), "test")
    assert assign_and_merge(read_osm_segments(path)[0], [far]) == ([], {"outside every street": 1})

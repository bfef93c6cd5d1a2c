"""Read road segments (ways tagged highway=*) from OpenStreetMap .osm/.osm.bz2/.osm.gz/.pbf files."""
from pathlib import Path

import osmium
from shapely.geometry import LineString

from geo.records import GeoImportError, SegmentRecord

OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

# Every highway=* way is a road or path someone can walk along, except these values: they
# describe roads that do not exist yet or any more, or features that are not a way to walk
# (platforms, stops, lifts, service areas). Ways tagged area=yes are squares, not centrelines.
NOT_A_ROAD = frozenset({
    "proposed", "construction", "planned", "abandoned", "disused", "razed", "demolished",
    "no", "platform", "bus_stop", "elevator", "rest_area", "services",
})


def is_road(tags):
    """True when a way's tags make it a segment under the rule above."""
    highway = tags.get("highway")
    return bool(highway) and highway not in NOT_A_ROAD and tags.get("area") != "yes"


def _count(skipped, reason):
    skipped[reason] = skipped.get(reason, 0) + 1


def read_osm_segments(path, include_unnamed=False):
    """(SegmentRecords in WGS-84, skipped reason->count) from the ways of an OSM file."""
    path = Path(path)
    if not path.is_file():
        raise GeoImportError([f"cannot read file: {path} does not exist or is not a file"], path)
    segments, skipped = [], {}
    try:
        ways = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for obj in ways:
            if not obj.is_way():
                continue
            _read_way(obj, include_unnamed, segments, skipped)
    except (RuntimeError, ValueError) as exc:
        problem = f"osmium cannot read this file as OSM data (.osm, .osm.bz2, .osm.gz, .pbf): {exc}"
        raise GeoImportError([problem], path) from exc
    return segments, skipped


def _read_way(way, include_unnamed, segments, skipped):
    if not is_road(way.tags):
        _count(skipped, "not a road")
        return
    name = (way.tags.get("name:zh") or way.tags.get("name") or "").strip() or None
    if name is None and not include_unnamed:
        _count(skipped, "unnamed")
        return
    # A clipped extract can reference nodes it does not contain; their locations are invalid.
    if not all(node.location.valid() for node in way.nodes):
        _count(skipped, "incomplete geometry")
        return
    coords = [(node.location.lon, node.location.lat) for node in way.nodes]
    if len(set(coords)) < 2:
        _count(skipped, "incomplete geometry")
        return
    segments.append(SegmentRecord(f"way/{way.id}", name, LineString(coords), OSM_ATTRIBUTION))

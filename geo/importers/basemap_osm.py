"""Read the base map's context (roads, water, parks, buildings, landmarks) from an OSM file through osmium."""
from pathlib import Path

import osmium
import osmium.geom
from shapely import wkb
from shapely.errors import GEOSException

from geo.basemap import BasemapRecord, area_kind, landmark_kind, line_kind, osm_name
from geo.importers.osm import _count
from geo.records import GeoImportError

_WKB = osmium.geom.WKBFactory()


def read_osm_basemap(path) -> tuple[list[BasemapRecord], dict[str, int]]:
    """(BasemapRecords in WGS-84, skipped reason->count) from the nodes, ways and areas of an OSM file."""
    path = Path(path)
    if not path.is_file():
        raise GeoImportError([f"cannot read file: {path} does not exist or is not a file"], path)
    records, skipped = [], {}
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations().with_areas():
            if not obj.tags:
                continue
            try:
                record = _read(obj)
            except (osmium.InvalidLocationError, RuntimeError, GEOSException):  # nodes the extract cut off
                record = None
                _count(skipped, "incomplete geometry")
            if record:
                records.append(record)
    except (RuntimeError, ValueError) as exc:
        problem = f"osmium cannot read this file as OSM data (.osm, .osm.bz2, .osm.gz, .pbf): {exc}"
        raise GeoImportError([problem], path) from exc
    return records, skipped


def _read(obj) -> BasemapRecord | None:
    tags, name = obj.tags, osm_name(obj.tags)
    if obj.is_node():
        kind = landmark_kind(tags)
        return BasemapRecord("landmarks", kind, name, wkb.loads(_WKB.create_point(obj), hex=True)) if kind else None
    if obj.is_way():
        found = line_kind(tags)
        return BasemapRecord(*found, name, wkb.loads(_WKB.create_linestring(obj), hex=True)) if found else None
    if obj.is_area():
        kind = landmark_kind(tags)
        found = area_kind(tags)
        if not (kind or found):
            return None
        shape = wkb.loads(_WKB.create_multipolygon(obj), hex=True)
        if kind and not found:  # a school's grounds or a temple's courtyard: a landmark at its middle
            return BasemapRecord("landmarks", kind, name, shape.representative_point())
        # A landmark that is also a building keeps its outline; its name then labels the building.
        return BasemapRecord(*found, name, shape)
    return None

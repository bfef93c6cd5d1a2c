"""Read road centrelines (GeoJSON in any geo.crs CRS) as base-map roads, named or not, alleys told by a flag."""
from geo.basemap import BasemapRecord, named_road_kind
from geo.importers.geojson import _load, _split, read_segments


def read_basemap_roads(path, crs, name_field="name", id_field="seg_id", hutong_field="is_hutong"):
    """(BasemapRecords of the roads layer in WGS-84, skipped reason->count); raises GeoImportError."""
    segments, skipped = read_segments(path, crs, name_field=name_field, id_field=id_field, include_unnamed=True)
    features, _ = _load(path)
    hutong_ids = set()
    for i, feature in enumerate(features):
        props, _geometry = _split(feature) or ({}, None)
        if props.get(hutong_field) is True:
            hutong_ids.add(str(i) if props.get(id_field) is None else str(props[id_field]))
    records = [BasemapRecord("roads", named_road_kind(s.name, s.source_id.split("#")[0] in hutong_ids), s.name, s.geom)
               for s in segments]
    return records, skipped

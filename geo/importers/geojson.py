"""Read street polygons and road segments from GeoJSON in any of geo.crs.CRS_NAMES."""
import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, shape
from shapely.validation import explain_validity

from geo import crs as crs_mod
from geo.records import GeoImportError, SegmentRecord, StreetRecord


def _load(path):
    path = Path(path)
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise GeoImportError([f"cannot read file: {exc}"], path) from exc
    except ValueError as exc:  # also covers undecodable bytes
        raise GeoImportError([f"not GeoJSON: the file is not valid JSON ({exc})"], path) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = type(data).__name__ if not isinstance(data, dict) else f"type {data.get('type')!r}"
        raise GeoImportError([f"not GeoJSON: expected a FeatureCollection object, found {found}"], path)
    if not isinstance(data.get("features"), list):
        raise GeoImportError(["not GeoJSON: the FeatureCollection has no 'features' list"], path)
    source = data.get("source")
    return data["features"], source if isinstance(source, str) and source.strip() else path.name


def _check_crs(crs):
    if crs not in crs_mod.CRS_NAMES:
        raise ValueError(f"unknown CRS {crs!r}; expected one of {', '.join(crs_mod.CRS_NAMES)}")


def _label(index, props, key):
    value = props.get(key) if key else None
    return f"feature {index}" + (f" ({key}={value!r})" if value is not None else "")


def _split(feature):
    """(properties dict, geometry dict or None) of a feature, or None when it is not a Feature."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None
    props = feature.get("properties") or {}
    geometry = feature.get("geometry")
    return (props if isinstance(props, dict) else {}), (geometry if isinstance(geometry, dict) else None)


def _outside_mask(xy):
    return ~crs_mod.in_china_mask(xy[:, 0], xy[:, 1])


def _all_outside_note(n, crs):
    return (f"all {n} features lie outside China after reading them as {crs}: the --crs is probably "
            "wrong (or longitude and latitude are swapped, or the coordinates are projected metres)")


def read_streets(path, crs, name_field="name", code_field="adcode9"):
    """Street (subdistrict) polygons as WGS-84 StreetRecords; raises GeoImportError listing every problem."""
    _check_crs(crs)
    features, source = _load(path)
    problems, streets, outside = [], [], 0
    for i, feature in enumerate(features):
        parts = _split(feature)
        if parts is None:
            problems.append(f"feature {i}: not a GeoJSON Feature object")
            continue
        props, geometry = parts
        label = _label(i, props, name_field)
        name = str(props.get(name_field) or "").strip()
        if name_field not in props:
            problems.append(f"{label}: has no {name_field!r} property")
        elif not name:
            problems.append(f"{label}: the {name_field!r} property is empty")
        gtype = geometry.get("type") if geometry else None
        if gtype not in ("Polygon", "MultiPolygon"):
            problems.append(f"{label}: geometry type {gtype}; expected Polygon or MultiPolygon")
            continue
        try:
            geom = shape(geometry)
            xy = shapely.get_coordinates(geom)
        except Exception as exc:  # shapely raises several types for malformed coordinates
            problems.append(f"{label}: unreadable polygon coordinates ({exc})")
            continue
        if geom.is_empty or not np.isfinite(xy).all():
            problems.append(f"{label}: polygon is empty or has non-finite coordinates")
            continue
        if not geom.is_valid:
            problems.append(f"{label}: invalid polygon: {explain_validity(geom)}")
            continue
        wgs = crs_mod.to_wgs84(geom, crs)
        bad = _outside_mask(shapely.get_coordinates(wgs))
        if bad.any():
            outside += 1
            lon, lat = shapely.get_coordinates(wgs)[bad][0]
            problems.append(f"{label}: {bad.sum()} of {bad.size} vertices lie outside China, "
                            f"e.g. ({lon:.6f}, {lat:.6f})")
            continue
        if not wgs.is_valid:
            problems.append(f"{label}: polygon becomes invalid after conversion: {explain_validity(wgs)}")
            continue
        if name:
            code = props.get(code_field)
            wgs = wgs if wgs.geom_type == "MultiPolygon" else MultiPolygon([wgs])
            streets.append(StreetRecord(name, None if code in (None, "") else str(code), wgs, source))
    if features and outside == len(features):
        problems.insert(0, _all_outside_note(outside, crs))
    if not features:
        problems.append("the FeatureCollection has no features")
    if problems:
        raise GeoImportError(problems, Path(path))
    return streets


def _line_parts(geometry, label, problems):
    """[(suffix, (N, 2) array)] for a (Multi)LineString geometry dict; problems appended on error."""
    gtype = geometry.get("type") if geometry else None
    if gtype == "LineString":
        raw = [("", geometry.get("coordinates"))]
    elif gtype == "MultiLineString":
        raw = [(f"#{k}", c) for k, c in enumerate(geometry.get("coordinates") or [])]
    else:
        problems.append(f"{label}: geometry type {gtype}; expected LineString or MultiLineString")
        return []
    parts = []
    for suffix, coords in raw:
        where = f"{label}{' part ' + suffix[1:] if suffix else ''}"
        try:
            arr = np.asarray(coords, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.ndim != 2 or arr.shape[1] < 2:
            problems.append(f"{where}: malformed line coordinates")
        elif not np.isfinite(arr[:, :2]).all():
            problems.append(f"{where}: non-finite coordinates")
        elif len(arr) < 2 or not (arr[1:, :2] != arr[0, :2]).any():
            problems.append(f"{where}: line has fewer than 2 distinct points")
        else:
            parts.append((suffix, arr[:, :2]))
    if not raw:
        problems.append(f"{label}: empty MultiLineString")
    return parts


def read_segments(path, crs, name_field="name", id_field="seg_id", include_unnamed=False):
    """(SegmentRecords in WGS-84, skipped reason->count); raises GeoImportError listing every problem."""
    _check_crs(crs)
    features, source = _load(path)
    problems, skipped = [], {}
    kept = []  # (source_id, name, (N, 2) array, label, wanted) per line part
    for i, feature in enumerate(features):
        parts = _split(feature)
        if parts is None:
            problems.append(f"feature {i}: not a GeoJSON Feature object")
            continue
        props, geometry = parts
        label = _label(i, props, id_field)
        if name_field not in props:
            problems.append(f"{label}: has no {name_field!r} property")
        name = props.get(name_field)
        name = str(name).strip() if name is not None else ""
        lines = _line_parts(geometry, label, problems)
        wanted = bool(name) or include_unnamed
        if not wanted:
            skipped["unnamed"] = skipped.get("unnamed", 0) + 1
        sid = props.get(id_field)
        sid = str(i) if sid is None else str(sid)
        # Unwanted lines are still converted and checked so a wrong CRS shows up on every feature.
        kept += [(sid + suffix, name or None, arr, label, wanted) for suffix, arr in lines]
    segments = _convert_lines(kept, crs, source, problems)
    if not features:
        problems.append("the FeatureCollection has no features")
    if problems:
        raise GeoImportError(problems, Path(path))
    return segments, skipped


def _convert_lines(kept, crs, source, problems):
    """SegmentRecords for the wanted parts of `kept`, converted in one vectorised pass."""
    if not kept:
        return []
    sizes = np.array([len(k[2]) for k in kept])
    xy = crs_mod.array_to_wgs84(np.concatenate([k[2] for k in kept]), crs)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    outside = _outside_mask(xy)
    bad_per_part = np.add.reduceat(outside.astype(int), starts)
    bad_parts = np.flatnonzero(bad_per_part)
    if len(bad_parts) == len(kept):
        problems.insert(0, _all_outside_note(len({k[3] for k in kept}), crs))
    for k in bad_parts:
        part = slice(starts[k], starts[k] + sizes[k])
        lon, lat = xy[part][outside[part]][0]
        problems.append(f"{kept[k][3]}: {bad_per_part[k]} of {sizes[k]} vertices lie outside China, "
                        f"e.g. ({lon:.6f}, {lat:.6f})")
    lines = shapely.linestrings(xy, indices=np.repeat(np.arange(len(kept)), sizes))
    return [SegmentRecord(sid, name, line, source)
            for (sid, name, _, _, wanted), line in zip(kept, lines) if wanted]

"""Assign road segments to streets and merge same-named segments into alleys."""
import numpy as np
import shapely
from shapely.geometry import MultiLineString
from shapely.strtree import STRtree

from geo.metric import length_m
from geo.records import AlleyRecord

UNNAMED_PREFIX = "未命名道路"


def _street_of_each(segments, streets):
    """Index into `streets` of the polygon holding most of each segment's length, or -1."""
    polygons = [s.geom for s in streets]
    lines = np.array([s.geom for s in segments], dtype=object)
    owner = np.full(len(segments), -1)
    if not polygons or not len(lines):
        return owner
    shapely.prepare(polygons)
    seg_idx, poly_idx = STRtree(polygons).query(lines, predicate="intersects")
    # Most segments lie wholly inside one street; only boundary crossers need measuring.
    inside = shapely.contains(np.array(polygons, dtype=object)[poly_idx], lines[seg_idx])
    owner[seg_idx[inside]] = poly_idx[inside]
    best = {}
    for s, p in zip(seg_idx[~inside], poly_idx[~inside]):
        if owner[s] >= 0:
            continue
        share = length_m(segments[s].geom.intersection(polygons[p]))
        if share > best.get(s, (-1.0, -1))[0]:
            best[s] = (share, p)
    for s, (share, p) in best.items():
        owner[s] = p if share > 0 else -1
    return owner


def _join_unique(texts):
    return "; ".join(dict.fromkeys(t for t in texts if t))


def _alley(street_name, name, parts):
    merged = shapely.line_merge(MultiLineString([p.geom for p in parts]))
    geom = merged if merged.geom_type == "MultiLineString" else MultiLineString([merged])
    return AlleyRecord(street_name, name, geom, length_m(geom), [p.source_id for p in parts],
                       _join_unique(p.source for p in parts))


def assign_and_merge(segments, streets, include_unnamed=False):
    """(AlleyRecords, skipped reason->count): one alley per (street, name), in street order."""
    segments = list(segments)
    skipped = {}
    owner = _street_of_each(segments, streets)
    groups = {}  # (street index, name) -> segments, kept in first-seen order
    for seg, street in zip(segments, owner):
        if street < 0:
            reason = "outside every street"
        elif seg.name is None and not include_unnamed:
            reason = "unnamed"
        else:
            name = seg.name if seg.name is not None else f"{UNNAMED_PREFIX} {seg.source_id}"
            groups.setdefault((int(street), name), []).append(seg)
            continue
        skipped[reason] = skipped.get(reason, 0) + 1
    alleys = [_alley(streets[street].name, name, parts)
              for (street, name), parts in sorted(groups.items(), key=lambda kv: kv[0][0])]
    return alleys, skipped

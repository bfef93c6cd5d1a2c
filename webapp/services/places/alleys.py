"""Streets and alleys: importing them from geo/ records (all or nothing) and serving them as GeoJSON."""
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon

from geo import queries
from geo.merge import assign_and_merge
from geo.records import AlleyRecord, SegmentRecord, StreetRecord
from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest, NotFound
from webapp.extensions import db
from webapp.models import Alley, Street

WGS84 = 4326


@dataclass
class AlleyImport:
    """What an alley import did, for the one summary line the CLI prints."""

    streets: int = 0
    alleys_created: int = 0
    alleys_updated: int = 0
    segments_imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        return (f"{self.streets} streets, {self.alleys_created + self.alleys_updated} alleys "
                f"({self.alleys_created} new, {self.alleys_updated} updated), "
                f"{self.segments_imported} segments imported; "
                f"skipped {sum(self.skipped.values())} segments: {skipped}")


def _as_multipolygon(geom):
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


def import_streets(records: list[StreetRecord]) -> tuple[int, int]:
    """Insert or update streets by name; returns (created, updated). One transaction."""
    existing = {s.name: s for s in db.session.scalars(db.select(Street))}
    created = updated = 0
    try:
        for record in records:
            street = existing.get(record.name)
            if street is None:
                street = Street(name=record.name)
                db.session.add(street)
                existing[record.name] = street
                created += 1
            else:
                updated += 1
            street.admin_code = record.admin_code
            street.geom = from_shape(_as_multipolygon(record.geom), srid=WGS84)
            street.source = record.source[:300]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created, updated


def streets_for_merge() -> list[StreetRecord]:
    """Every street with a boundary, as records for assigning segments to streets."""
    streets = db.session.scalars(db.select(Street).where(Street.geom.is_not(None)))
    return [StreetRecord(s.name, s.admin_code, to_shape(s.geom), s.source) for s in streets]


def import_alleys(segments: list[SegmentRecord], skipped: dict[str, int], include_unnamed: bool = False,
                  progress: Callable[[Iterable], Iterable] = lambda items: items) -> AlleyImport:
    """Merge segments into alleys per street and upsert them by (street, name). One transaction."""
    streets = streets_for_merge()
    if not streets:
        raise BadRequest("No streets with boundaries yet: import streets first (geo import-streets).")
    alleys, merge_skipped = assign_and_merge(segments, streets, include_unnamed=include_unnamed)
    street_ids = {s.name: s.id for s in db.session.scalars(db.select(Street))}
    existing = {(a.street_id, a.name): a for a in db.session.scalars(db.select(Alley))}
    created = updated = 0
    try:
        for record in progress(alleys):
            key = (street_ids[record.street_name], record.name)
            alley = existing.get(key)
            if alley is None:
                alley = Alley(street_id=key[0], name=record.name)
                db.session.add(alley)
                existing[key] = alley
                created += 1
            else:
                updated += 1
            _fill(alley, record)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    all_skipped = dict(skipped)
    for reason, count in merge_skipped.items():
        all_skipped[reason] = all_skipped.get(reason, 0) + count
    return AlleyImport(
        streets=len({a.street_name for a in alleys}),
        alleys_created=created,
        alleys_updated=updated,
        segments_imported=sum(len(a.segment_ids) for a in alleys),
        skipped=all_skipped,
    )


def _fill(alley: Alley, record: AlleyRecord) -> None:
    alley.geom = from_shape(record.geom, srid=WGS84)
    alley.length_m = round(record.length_m, 1)
    alley.source_segment_ids = list(record.segment_ids)
    alley.source = record.source[:300]


def list_streets() -> list[dict]:
    """Every street with its extent and number of alleys, for the street picker."""
    extents = queries.street_extents(db.session)
    counts = dict(db.session.execute(db.select(Alley.street_id, db.func.count()).group_by(Alley.street_id)).all())
    streets = db.session.scalars(db.select(Street).order_by(Street.is_demo.desc(), Street.admin_code, Street.name))
    return [
        {"id": s.id, "name": s.name, "admin_code": s.admin_code, "is_demo": s.is_demo,
         "bbox": [round(v, 6) for v in extents[s.id]] if s.id in extents else None,
         "alley_count": counts.get(s.id, 0)}
        for s in streets
    ]


def claim_state(alley_id: int, steward_count: int, mine: set[int]) -> str:
    """How an alley looks to one user: "mine", "others" (claimed by someone else) or "unclaimed"."""
    if alley_id in mine:
        return "mine"
    return "others" if steward_count else "unclaimed"


def alley_features(bbox, street_id: int | None = None, mine: set[int] = frozenset()) -> str:
    """A GeoJSON FeatureCollection (text, 6 decimals) of the alleys meeting the bbox."""
    rows = queries.alleys_in_bbox(db.session, bbox, street_id=street_id)
    features = ",".join(
        _feature_json(alley_id, {"name": name, "street_id": sid, "length_m": round(length, 1),
                                 "steward_count": stewards, "claim": claim_state(alley_id, stewards, mine)}, gj)
        for alley_id, name, sid, length, stewards, gj in rows)
    return '{"type":"FeatureCollection","features":[' + features + "]}"


def alley_extents(alley_ids: list[int]) -> dict[int, list[float]]:
    return queries.alley_extents(db.session, alley_ids)


def get_alley(alley_id: int) -> Alley:
    alley = db.session.get(Alley, alley_id)
    if alley is None:
        raise NotFound(_l("No such alley."))
    return alley


def alley_feature(alley_id: int, extra: dict | None = None) -> str:
    """One alley as a GeoJSON Feature with its details (plus `extra` properties)."""
    alley = get_alley(alley_id)
    geometry = queries.geometry_geojson(db.session, "alleys", alley_id)
    return _feature_json(alley.id, {
        "name": alley.name, "street_id": alley.street_id, "street": alley.street.name,
        "length_m": alley.length_m, "segments": len(alley.source_segment_ids or []), "source": alley.source,
        "steward_count": alley.steward_count, **(extra or {}),
    }, geometry)


def _feature_json(feature_id: int, properties: dict, geometry_json: str) -> str:
    return (f'{{"type":"Feature","id":{feature_id},"properties":'
            f'{json.dumps(properties, ensure_ascii=False, separators=(",", ":"))},"geometry":{geometry_json}}}')

"""Communities (社区) inside a street: boundaries imported from GeoJSON or drawn on the map, each checked (a valid
polygon, inside its street within a few metres, a name of its own) before anything is written."""
import json
from dataclasses import dataclass

import numpy as np
import shapely
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.validation import explain_validity

from geo import crs as crs_mod
from geo import queries
from webapp.errors import BadRequest, Conflict, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Community, Role, RoleGrant, Street, User
from webapp.policies import can_manage_communities

WGS84 = 4326
TOLERANCE_M = 5.0  # how far a boundary may stray outside its street: digitising error, not a real overlap
MAX_NAME = 80
MAX_UPLOAD_BYTES = 5_000_000


@dataclass(frozen=True)
class CommunityRecord:
    """One community's name and boundary, in WGS-84."""
    name: str
    geom: MultiPolygon


def get_street(street_id: int) -> Street:
    street = db.session.get(Street, street_id)
    if street is None:
        raise NotFound(_l("No such street."))
    return street


def get_community(community_id: int, street_id: int | None = None) -> Community:
    """The community, which must lie in `street_id` when given (another street's id is not found)."""
    community = db.session.get(Community, community_id)
    if community is None or (street_id is not None and community.street_id != street_id):
        raise NotFound(_l("No such community in this street."))
    return community


def _clean_name(raw) -> str:
    name = str(raw or "").strip()
    if not name:
        raise BadRequest(_l("Please give the community a name."), field="name")
    if len(name) > MAX_NAME:
        raise BadRequest(_l("A community's name has at most %(n)d characters.", n=MAX_NAME), field="name")
    return name


def polygon_from_geojson(geometry, crs: str = "wgs84", name: str = "") -> MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon (a dict) as a valid WGS-84 MultiPolygon, or a BadRequest saying why not."""
    label = name or _l("the community")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BadRequest(_l("The boundary of %(name)s must be a polygon.", name=label), field="geometry")
    try:
        geom = shape(geometry)
        xy = shapely.get_coordinates(geom)
    except Exception:  # shapely raises several types for malformed coordinates
        raise BadRequest(_l("The boundary of %(name)s has unreadable coordinates.", name=label),
                         field="geometry") from None
    if geom.is_empty or not np.isfinite(xy).all():
        raise BadRequest(_l("The boundary of %(name)s is empty.", name=label), field="geometry")
    if not geom.is_valid:
        raise BadRequest(_l("The boundary of %(name)s is not a valid polygon (%(why)s): its edges must not cross.",
                            name=label, why=explain_validity(geom)), field="geometry")
    if geom.area == 0:
        raise BadRequest(_l("The boundary of %(name)s is empty.", name=label), field="geometry")
    wgs = crs_mod.to_wgs84(geom, crs)
    if not wgs.is_valid:
        raise BadRequest(_l("The boundary of %(name)s is not a valid polygon (%(why)s): its edges must not cross.",
                            name=label, why=explain_validity(wgs)), field="geometry")
    return wgs if isinstance(wgs, MultiPolygon) else MultiPolygon([wgs])


def read_feature_collection(raw: bytes, crs: str = "wgs84", name_field: str = "name") -> list[CommunityRecord]:
    """The communities of a GeoJSON FeatureCollection (one feature each, its name in `name_field`), converted to
    WGS-84; the first problem found is refused with its feature's number."""
    if crs not in crs_mod.CRS_NAMES:
        raise BadRequest(_l("Please choose the coordinate system of the file."), field="crs")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise BadRequest(_l("The file is too large (at most 5 MB)."), field="file")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadRequest(_l("The file is not GeoJSON: it is not valid JSON."), field="file") from None
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        raise BadRequest(_l("The file is not a GeoJSON FeatureCollection."), field="file")
    if not features:
        raise BadRequest(_l("The file has no communities in it."), field="file")
    records, seen = [], set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not str(props.get(name_field) or "").strip():
            raise BadRequest(_l("Feature %(n)s has no name (property %(field)s).", n=number, field=name_field),
                             field="file")
        name = _clean_name(props[name_field])
        if name in seen:
            raise BadRequest(_l("The name %(name)s is in the file twice.", name=name), field="file")
        seen.add(name)
        records.append(CommunityRecord(name, polygon_from_geojson(feature.get("geometry"), crs, name)))
    return records


def _check_fits(street: Street, record: CommunityRecord) -> None:
    if street.geom is None:
        raise BadRequest(_l("%(street)s has no boundary yet: import the streets first.", street=street.name))
    if not queries.lies_within_street(db.session, street.id, record.geom.wkb, TOLERANCE_M):
        raise BadRequest(_l("The boundary of %(name)s does not lie within %(street)s. Please draw it inside the "
                            "street's boundary.", name=record.name, street=street.name), field="geometry")


def _name_taken(street_id: int, name: str, other_than: int | None) -> bool:
    query = db.select(Community.id).where(Community.street_id == street_id, Community.name == name)
    if other_than is not None:
        query = query.where(Community.id != other_than)
    return db.session.scalar(query) is not None


def save_community(user: User, street_id: int, name: str, geometry: dict, community_id: int | None = None) -> Community:
    """A community drawn on the map (GeoJSON geometry in WGS-84): a new one, or a new name and boundary for
    `community_id`. Checked in full before anything is written."""
    if not can_manage_communities(user, street_id):
        raise Forbidden()
    street = get_street(street_id)
    community = get_community(community_id, street.id) if community_id is not None else None
    record = CommunityRecord(_clean_name(name), polygon_from_geojson(geometry, "wgs84", str(name or "").strip()))
    if _name_taken(street.id, record.name, community.id if community else None):
        raise Conflict(_l("There is already a community named %(name)s in %(street)s.", name=record.name,
                          street=street.name), field="name")
    _check_fits(street, record)
    if community is None:
        community = Community(street_id=street.id)
        db.session.add(community)
    community.name, community.geom = record.name, from_shape(record.geom, srid=WGS84)
    db.session.commit()
    return community


def import_communities(user: User | None, street_id: int, records: list[CommunityRecord]) -> tuple[int, int]:
    """A street's communities from a file, all or nothing: a name already there gets the new boundary, a new name
    a new community. `user` None is the operator at the command line. Returns (created, updated)."""
    if user is not None and not can_manage_communities(user, street_id):
        raise Forbidden()
    street = get_street(street_id)
    for record in records:
        _check_fits(street, record)
    existing = {c.name: c for c in db.session.scalars(db.select(Community).where(Community.street_id == street.id))}
    created = 0
    try:
        for record in records:
            community = existing.get(record.name)
            if community is None:
                community = Community(street_id=street.id, name=record.name)
                db.session.add(community)
                created += 1
            community.geom = from_shape(record.geom, srid=WGS84)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created, len(records) - created


def communities_of(street_id: int) -> list[dict]:
    """The street's communities with their boundaries (GeoJSON) and workers, by name."""
    found = db.session.scalars(db.select(Community).where(Community.street_id == street_id).order_by(Community.name))
    workers = db.session.execute(
        db.select(RoleGrant.community_id, User).join(User).where(RoleGrant.role == Role.COMMUNITY_WORKER,
                                                                 RoleGrant.street_id == street_id)
        .order_by(User.display_name)).all()
    by_community: dict[int, list[User]] = {}
    for community_id, user in workers:
        by_community.setdefault(community_id, []).append(user)
    return [{"id": c.id, "name": c.name, "workers": by_community.get(c.id, []),
             "geometry": mapping(to_shape(c.geom)) if c.geom is not None else None}
            for c in found]


def street_outline(street_id: int) -> dict | None:
    """The street's boundary as GeoJSON, for drawing its communities inside it."""
    raw = queries.geometry_geojson(db.session, "streets", street_id)
    return json.loads(raw) if raw else None

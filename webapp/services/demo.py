"""A small, self-made demo street (clearly marked 演示) with alleys and one demo user per role."""
from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from geo import metric
from geo.records import StreetRecord
from webapp.extensions import db
from webapp.models import Alley, Role, Street, User
from webapp.services.places.alleys import WGS84, import_streets
from webapp.services.places.chiefs import assign_chief, open_assignment
from webapp.services.places.communities import CommunityRecord, import_communities
from webapp.services.volunteers.people import create_user

DEMO_STREET = "演示街道（示例数据）"
DEMO_PASSWORD = "demo-password"
DEMO_SOURCE = "演示数据，虚构地点 (demo data, not a real place)"
DEMO_COMMUNITY = "演示西南社区"
# The demo chief's own alleys, so the map's sheet shows the sign (本巷街巷长) and /triage puts them first.
DEMO_CHIEF_ALLEYS = ("演示三条胡同", "演示槐树胡同")
DEMO_CHIEF_PHONE = "010-0000 0000"

# A made-up grid of hutongs west of Shichahai, far from the Dongcheng test data.
_ORIGIN_LON, _ORIGIN_LAT = 116.3700, 39.9420
_STEP_LON, _STEP_LAT = 0.0020, 0.0012

_EAST_WEST = ["演示头条胡同", "演示二条胡同", "演示三条胡同", "演示四条胡同"]
_NORTH_SOUTH = ["演示北巷", "演示槐树胡同", "演示井儿胡同"]


def _demo_alleys():
    width, height = _STEP_LON * (len(_NORTH_SOUTH) + 1), _STEP_LAT * (len(_EAST_WEST) + 1)
    for i, name in enumerate(_EAST_WEST, start=1):
        lat = _ORIGIN_LAT + i * _STEP_LAT
        # A gentle kink, as real hutongs have.
        yield name, LineString([(_ORIGIN_LON + 0.0003, lat), (_ORIGIN_LON + width / 2, lat + 0.00008),
                                (_ORIGIN_LON + width - 0.0003, lat)])
    for j, name in enumerate(_NORTH_SOUTH, start=1):
        lon = _ORIGIN_LON + j * _STEP_LON
        yield name, LineString([(lon, _ORIGIN_LAT + 0.0002), (lon, _ORIGIN_LAT + height - 0.0002)])


def demo_boundary() -> Polygon:
    width, height = _STEP_LON * (len(_NORTH_SOUTH) + 1), _STEP_LAT * (len(_EAST_WEST) + 1)
    return Polygon([(_ORIGIN_LON, _ORIGIN_LAT), (_ORIGIN_LON + width, _ORIGIN_LAT),
                    (_ORIGIN_LON + width, _ORIGIN_LAT + height), (_ORIGIN_LON, _ORIGIN_LAT + height)])


def demo_community_boundary() -> Polygon:
    """The demo street's south-west corner, short of every alley: cases on the alleys stay the street chief's,
    as the demo's other examples expect; a case reported in the corner goes to the demo community's queue."""
    east, north = _ORIGIN_LON + _STEP_LON * 0.8, _ORIGIN_LAT + _STEP_LAT * 0.75
    return Polygon([(_ORIGIN_LON, _ORIGIN_LAT), (east, _ORIGIN_LAT), (east, north), (_ORIGIN_LON, north)])


def load_demo() -> list[User]:
    """Create (or refresh) the demo street, its alleys and demo users; safe to run twice."""
    import_streets([StreetRecord(name=DEMO_STREET, admin_code=None, geom=demo_boundary(), source=DEMO_SOURCE)])
    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    street.is_demo = True
    existing = {a.name: a for a in street.alleys}
    for name, line in _demo_alleys():
        alley = existing.get(name) or Alley(street=street, name=name)
        alley.geom = from_shape(MultiLineString([line]), srid=WGS84)
        alley.length_m = round(metric.length_m(line), 1)
        alley.source_segment_ids = [f"demo:{name}"]
        alley.source = DEMO_SOURCE
        db.session.add(alley)
    db.session.commit()
    import_communities(None, street.id, [CommunityRecord(DEMO_COMMUNITY, MultiPolygon([demo_community_boundary()]))])

    users = []
    for role in Role:
        username = f"demo_{role.value}"
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is None:
            user = create_user(
                display_name=f"演示{_ROLE_LABELS[role]}", username=username, password=DEMO_PASSWORD,
                role=role, street_name=None if role is Role.ADMIN else DEMO_STREET,
                department_name="城管执法" if role.needs_department else None,
                community_name=DEMO_COMMUNITY if role.needs_community else None, is_demo=True,
            )
        users.append(user)
    return users


def appoint_demo_chief(users: list[User]) -> None:
    """Make demo_chief the chief of two demo alleys (for `flask demo`; the tests' demo street has none)."""
    by_username = {u.username: u for u in users}
    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    for alley in street.alleys.filter(Alley.name.in_(DEMO_CHIEF_ALLEYS)):
        if open_assignment(alley.id) is None:
            assign_chief(by_username["demo_admin"], alley.id, by_username["demo_chief"].id, DEMO_CHIEF_PHONE)


_ROLE_LABELS = {
    Role.RESIDENT: "居民", Role.STEWARD: "小巷管家", Role.OLD_NEIGHBOUR: "老街坊", Role.CHIEF: "街巷长",
    Role.OFFICER: "城管队员", Role.ORGANIZER: "组织者", Role.ADMIN: "管理员", Role.COMMUNITY_WORKER: "社区专员",
}

"""A small, self-made demo street (clearly marked 演示) with alleys, its base map and one demo user per role."""
from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box

from geo import metric
from geo.basemap import BasemapRecord
from geo.records import StreetRecord
from webapp.extensions import db
from webapp.models import Alley, Role, Street, User
from webapp.services.places.alleys import WGS84, import_streets
from webapp.services.places.basemap import import_basemap
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

DEMO_BASEMAP_SOURCE = "demo"
# The demo's base map, made from its own made-up grid: streets around it, courtyard houses, a park, a lake and
# the landmarks a person orients by (never real map data).
_COLUMNS, _ROWS = len(_NORTH_SOUTH) + 1, len(_EAST_WEST) + 1
_WEST, _SOUTH = _ORIGIN_LON, _ORIGIN_LAT
_EAST, _NORTH = _WEST + _STEP_LON * _COLUMNS, _SOUTH + _STEP_LAT * _ROWS
_OUT = 0.0006  # the main streets run just outside the demo street's boundary
_REACH = 0.004  # and on beyond its corners, as a city's streets do


def _main_streets():
    west, east, south, north = _WEST - _OUT, _EAST + _OUT, _SOUTH - _OUT, _NORTH + _OUT
    yield "演示北大街", LineString([(west - _REACH, north), (east + _REACH, north)])
    yield "演示南大街", LineString([(west - _REACH, south), (east + _REACH, south)])
    yield "演示西大街", LineString([(west, south - _REACH), (west, north + _REACH)])
    yield "演示东大街", LineString([(east, south - _REACH), (east, north + _REACH)])


def _courtyards(column, row):
    """Four courtyard houses (四合院) in one block of the grid, kept off its alleys."""
    x0, y0 = _WEST + column * _STEP_LON, _SOUTH + row * _STEP_LAT
    w, h = _STEP_LON / 2, _STEP_LAT / 2
    for dx in (0, 1):
        for dy in (0, 1):
            yield box(x0 + dx * w + 0.00012, y0 + dy * h + 0.00012, x0 + (dx + 1) * w - 0.00012, y0 + (dy + 1) * h - 0.00012)


_PARK_BLOCK = (3, 0)
_LANDMARKS = [("school", "演示小学", 0.5, 2.5), ("clinic", "演示社区卫生服务站", 2.5, 1.5),
             ("market", "演示菜市场", 1.5, 3.5), ("temple", "演示关帝庙", 3.5, 4.5)]


def demo_basemap_records() -> list[BasemapRecord]:
    records = [BasemapRecord("roads", "major", name, line) for name, line in _main_streets()]
    # The demo's alleys are not repeated here: the map pages draw them, with their names, above the base map.
    # Lanes leading out of the street, so the map does not stop at its edge.
    records += [BasemapRecord("roads", "minor", "演示后街", LineString([(_WEST - _OUT - 0.003, _NORTH + 0.002),
                                                                      (_EAST + _OUT + 0.003, _NORTH + 0.002)]))]
    for column in range(_COLUMNS):
        for row in range(_ROWS):
            if (column, row) != _PARK_BLOCK:
                records += [BasemapRecord("buildings", "building", None, b) for b in _courtyards(column, row)]
    x0, y0 = _WEST + _PARK_BLOCK[0] * _STEP_LON, _SOUTH + _PARK_BLOCK[1] * _STEP_LAT
    records.append(BasemapRecord("parks", "park", "演示小花园", box(x0 + 0.0001, y0 + 0.0001, x0 + _STEP_LON - 0.0001,
                                                                      y0 + _STEP_LAT - 0.0001)))
    records.append(BasemapRecord("water", "area", "演示小湖", box(_WEST + 0.001, _NORTH + _OUT + 0.0003, _WEST + 0.004,
                                                                    _NORTH + 0.0018)))
    for kind, name, column, row in _LANDMARKS:
        point = Point(_WEST + column * _STEP_LON, _SOUTH + row * _STEP_LAT)
        records.append(BasemapRecord("landmarks", kind, name, point))
    records.append(BasemapRecord("landmarks", "bus_stop", "演示街道站", Point(_WEST + 2 * _STEP_LON, _SOUTH - _OUT)))
    records.append(BasemapRecord("landmarks", "gate", "演示牌楼", Point(_WEST - _OUT, _SOUTH + 2.5 * _STEP_LAT)))
    return records


def load_demo_basemap() -> int:
    """Replace the demo's base map (safe to run twice); returns its feature count."""
    return import_basemap(demo_basemap_records(), DEMO_BASEMAP_SOURCE)

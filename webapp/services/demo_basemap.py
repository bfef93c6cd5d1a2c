"""The demo street's base map, made from its own made-up grid: streets around it, courtyard houses, a park, a
lake and the landmarks a person orients by (never real map data)."""
from shapely.geometry import LineString, Point, box

from geo.basemap import BasemapRecord
from webapp.services import demo
from webapp.services.places.basemap import import_basemap

SOURCE = "demo"
_COLUMNS, _ROWS = len(demo._NORTH_SOUTH) + 1, len(demo._EAST_WEST) + 1
_WEST, _SOUTH = demo._ORIGIN_LON, demo._ORIGIN_LAT
_EAST, _NORTH = _WEST + demo._STEP_LON * _COLUMNS, _SOUTH + demo._STEP_LAT * _ROWS
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
    x0, y0 = _WEST + column * demo._STEP_LON, _SOUTH + row * demo._STEP_LAT
    w, h = demo._STEP_LON / 2, demo._STEP_LAT / 2
    for dx in (0, 1):
        for dy in (0, 1):
            yield box(x0 + dx * w + 0.00012, y0 + dy * h + 0.00012, x0 + (dx + 1) * w - 0.00012, y0 + (dy + 1) * h - 0.00012)


PARK_BLOCK = (3, 0)
LANDMARKS = [("school", "演示小学", 0.5, 2.5), ("clinic", "演示社区卫生服务站", 2.5, 1.5),
             ("market", "演示菜市场", 1.5, 3.5), ("temple", "演示关帝庙", 3.5, 4.5)]


def demo_basemap_records() -> list[BasemapRecord]:
    records = [BasemapRecord("roads", "major", name, line) for name, line in _main_streets()]
    # The demo's alleys are not repeated here: the map pages draw them, with their names, above the base map.
    # Lanes leading out of the street, so the map does not stop at its edge.
    records += [BasemapRecord("roads", "minor", "演示后街", LineString([(_WEST - _OUT - 0.003, _NORTH + 0.002),
                                                                      (_EAST + _OUT + 0.003, _NORTH + 0.002)]))]
    for column in range(_COLUMNS):
        for row in range(_ROWS):
            if (column, row) != PARK_BLOCK:
                records += [BasemapRecord("buildings", "building", None, b) for b in _courtyards(column, row)]
    x0, y0 = _WEST + PARK_BLOCK[0] * demo._STEP_LON, _SOUTH + PARK_BLOCK[1] * demo._STEP_LAT
    records.append(BasemapRecord("parks", "park", "演示小花园", box(x0 + 0.0001, y0 + 0.0001, x0 + demo._STEP_LON - 0.0001,
                                                                      y0 + demo._STEP_LAT - 0.0001)))
    records.append(BasemapRecord("water", "area", "演示小湖", box(_WEST + 0.001, _NORTH + _OUT + 0.0003, _WEST + 0.004,
                                                                    _NORTH + 0.0018)))
    for kind, name, column, row in LANDMARKS:
        point = Point(_WEST + column * demo._STEP_LON, _SOUTH + row * demo._STEP_LAT)
        records.append(BasemapRecord("landmarks", kind, name, point))
    records.append(BasemapRecord("landmarks", "bus_stop", "演示街道站", Point(_WEST + 2 * demo._STEP_LON, _SOUTH - _OUT)))
    records.append(BasemapRecord("landmarks", "gate", "演示牌楼", Point(_WEST - _OUT, _SOUTH + 2.5 * demo._STEP_LAT)))
    return records


def load_demo_basemap() -> int:
    """Replace the demo's base map (safe to run twice); returns its feature count."""
    return import_basemap(demo_basemap_records(), SOURCE)

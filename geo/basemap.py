"""What the base map draws: its layers and kinds, the zoom each kind first shows at, and OSM tags to kinds."""
from dataclasses import dataclass

from geo.importers.osm import is_road


@dataclass(frozen=True)
class BasemapRecord:
    layer: str  # roads, water, parks, buildings, landmarks (the vector-tile layers)
    kind: str
    name: str | None
    geom: object  # shapely geometry, WGS-84


LAYERS = ("water", "parks", "buildings", "roads", "landmarks")

# The first zoom a kind shows at: a whole street (~z14) shows every road and alley by name, its parks and water;
# buildings and landmarks come at the zooms where an alley fills the screen. Tiles stop at MAX_DATA_ZOOM and the
# client draws nearer zooms from them, so one street stays a few hundred kilobytes.
MINZOOM = {
    ("roads", "major"): 10, ("roads", "minor"): 13, ("roads", "alley"): 13, ("roads", "path"): 15,
    ("water", "area"): 10, ("water", "river"): 12, ("parks", "park"): 12,
    ("buildings", "building"): 15,
    **{("landmarks", kind): 15 for kind in ("school", "clinic", "market", "bus_stop", "temple", "gate")},
}
MAX_DATA_ZOOM = 16

MAJOR_HIGHWAYS = frozenset({"motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link",
                            "primary_link", "secondary_link"})
MINOR_HIGHWAYS = frozenset({"tertiary", "tertiary_link", "unclassified", "residential", "living_street", "road"})
ALLEY_WORDS = ("胡同", "条", "巷", "夹道")
MAJOR_ROAD_WORDS = ("大街", "环路", "路", "东街", "西街", "南街", "北街", "大道", "桥")


def minzoom_of(layer: str, kind: str) -> int:
    return MINZOOM[(layer, kind)]


def osm_name(tags) -> str | None:
    return (tags.get("name:zh") or tags.get("name") or "").strip() or None


def road_kind(highway: str, name: str | None) -> str:
    if name and name.endswith(ALLEY_WORDS) and highway not in MAJOR_HIGHWAYS:
        return "alley"
    if highway in MAJOR_HIGHWAYS:
        return "major"
    return "minor" if highway in MINOR_HIGHWAYS else "path"


def named_road_kind(name: str | None, is_hutong: bool) -> str:
    """The kind of a road known only by its name and a hutong flag (the Dongcheng centrelines)."""
    if is_hutong or (name and name.endswith(ALLEY_WORDS)):
        return "alley"
    if name and name.endswith(MAJOR_ROAD_WORDS):
        return "major"
    return "minor"


def line_kind(tags) -> tuple[str, str] | None:
    """(layer, kind) of an OSM way drawn as a line, or None."""
    if is_road(tags):
        return "roads", road_kind(tags.get("highway"), osm_name(tags))
    if tags.get("waterway") in ("river", "canal", "stream"):
        return "water", "river"
    return None


def area_kind(tags) -> tuple[str, str] | None:
    """(layer, kind) of an OSM area (closed way or multipolygon), or None."""
    if tags.get("natural") == "water" or tags.get("waterway") == "riverbank" \
            or tags.get("landuse") in ("reservoir", "basin"):
        return "water", "area"
    if tags.get("leisure") in ("park", "garden") or tags.get("landuse") in ("grass", "meadow", "recreation_ground",
                                                                            "forest", "village_green") \
            or tags.get("natural") in ("wood", "grassland"):
        return "parks", "park"
    if tags.get("building", "no") != "no":
        return "buildings", "building"
    return None


def landmark_kind(tags) -> str | None:
    """The landmark an OSM node or area is (schools, clinics, markets, bus stops, temples and gates), or None."""
    amenity = tags.get("amenity")
    if amenity in ("school", "kindergarten", "university", "college"):
        return "school"
    if amenity in ("clinic", "hospital", "doctors") or tags.get("healthcare") in ("clinic", "hospital", "centre"):
        return "clinic"
    if amenity == "marketplace" or tags.get("shop") in ("supermarket", "mall", "marketplace"):
        return "market"
    if tags.get("highway") == "bus_stop" or (tags.get("public_transport") == "platform" and tags.get("bus") == "yes"):
        return "bus_stop"
    if amenity == "place_of_worship" or tags.get("building") == "temple" or tags.get("historic") == "temple":
        return "temple"
    if tags.get("historic") in ("city_gate", "gate") or (tags.get("barrier") == "gate" and osm_name(tags)):
        return "gate"
    return None

"""GPS tracks of patrols: their length, plausibility, and how much of an alley they cover."""
from dataclasses import dataclass

from shapely.geometry import LineString

from geo.metric import LocalPlane, distance_m


@dataclass(frozen=True)
class Fix:
    lon: float
    lat: float
    t_ms: int  # epoch milliseconds, as browsers report them
    accuracy_m: float | None = None


def track_line(fixes: list[Fix]) -> LineString:
    return LineString([(f.lon, f.lat) for f in fixes])


def track_length_m(fixes: list[Fix]) -> float:
    return sum(distance_m(a.lon, a.lat, b.lon, b.lat) for a, b in zip(fixes, fixes[1:]))


def max_speed_ms(fixes: list[Fix]) -> float:
    """The fastest leg in metres per second; a leg with no time between its fixes counts as infinite
    unless it did not move either."""
    fastest = 0.0
    for a, b in zip(fixes, fixes[1:]):
        metres = distance_m(a.lon, a.lat, b.lon, b.lat)
        seconds = (b.t_ms - a.t_ms) / 1000
        if seconds <= 0:
            if metres > 1:
                return float("inf")
            continue
        fastest = max(fastest, metres / seconds)
    return fastest


def coverage_ratio(alley, track: LineString, buffer_m: float) -> float:
    """Share of the alley's length lying within buffer_m metres of the track (0..1)."""
    centre = alley.centroid
    plane = LocalPlane(centre.x, centre.y)
    alley_m = plane.forward(alley)
    if alley_m.length == 0:
        return 0.0
    near = alley_m.intersection(plane.forward(track).buffer(buffer_m))
    return min(1.0, near.length / alley_m.length)

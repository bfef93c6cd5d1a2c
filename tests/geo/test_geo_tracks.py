"""Patrol tracks: length, speed and coverage of an alley."""
from shapely.geometry import LineString, MultiLineString

from geo.tracks import Fix, coverage_ratio, max_speed_ms, track_length_m, track_line

# An east-west alley of about 850 m at 39.92 N.
ALLEY = MultiLineString([[(116.41, 39.92), (116.42, 39.92)]])


def walk(from_lon, to_lon, lat=39.92, steps=20, seconds_apart=10):
    step = (to_lon - from_lon) / steps
    return [Fix(from_lon + i * step, lat, i * seconds_apart * 1000) for i in range(steps + 1)]


def test_walking_the_whole_alley_covers_it():
    assert coverage_ratio(ALLEY, track_line(walk(116.41, 116.42)), 30) > 0.99


def test_walking_half_covers_about_half():
    assert 0.45 < coverage_ratio(ALLEY, track_line(walk(116.41, 116.415)), 30) < 0.56


def test_walking_a_parallel_street_60_m_away_covers_nothing():
    assert coverage_ratio(ALLEY, track_line(walk(116.41, 116.42, lat=39.92054)), 30) == 0


def test_walking_20_m_off_the_centreline_still_covers_it():
    assert coverage_ratio(ALLEY, track_line(walk(116.41, 116.42, lat=39.92018)), 30) > 0.99


def test_track_length_and_walking_speed():
    fixes = walk(116.41, 116.42)
    assert 845 < track_length_m(fixes) < 860
    assert 4 < max_speed_ms(fixes) < 4.5  # ~43 m every 10 s


def test_a_jump_with_no_time_is_impossible():
    fixes = [Fix(116.41, 39.92, 0), Fix(116.42, 39.92, 0)]
    assert max_speed_ms(fixes) == float("inf")


def test_standing_still_is_speed_zero():
    fixes = [Fix(116.41, 39.92, 0), Fix(116.41, 39.92, 0), Fix(116.41, 39.92, 10_000)]
    assert max_speed_ms(fixes) == 0


def test_an_empty_alley_is_never_covered():
    point_alley = MultiLineString([LineString([(116.41, 39.92), (116.41, 39.92)])])
    assert coverage_ratio(point_alley, track_line(walk(116.41, 116.42)), 30) == 0

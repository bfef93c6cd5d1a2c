"""Patrols: a finished walk is checked, measured against the alley, and credited once."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from geoalchemy2.shape import to_shape

from geo.tracks import Fix
from tests.factories import alleys_of, demo_street, make_user
from webapp.errors import BadRequest, Forbidden, IdempotencyConflict
from webapp.extensions import db
from webapp.models import Patrol, Role
from webapp.services.places.claims import claim_alley
from webapp.services.places.patrols import PatrolInput, record_patrol

START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)


def walk_along(alley, share=1.0, seconds_apart=10):
    """Fixes every `seconds_apart` s along the alley's longest part, stopping at `share` of it."""
    line = max(to_shape(alley.geom).geoms, key=lambda part: part.length)
    steps = 30
    fixes = []
    for i in range(steps + 1):
        point = line.interpolate(share * i / steps, normalized=True)
        t = START + timedelta(seconds=i * seconds_apart)
        fixes.append(Fix(point.x, point.y, int(t.timestamp() * 1000), 8.0))
    return fixes


def patrol_of(alley, fixes, client_id=None, **overrides):
    end = datetime.fromtimestamp(fixes[-1].t_ms / 1000, timezone.utc) if fixes else START + timedelta(minutes=5)
    fields = dict(client_id=client_id or str(uuid.uuid4()), alley_id=alley.id, started_at=START,
                  finished_at=end + timedelta(seconds=5), fixes=fixes,
                  checklist={"illegal_parking": "problem", "piled_goods": "ok"},
                  problems={"illegal_parking": "三轮车堵在胡同口"})
    fields.update(overrides)
    return PatrolInput(**fields)


@pytest.fixture
def steward_with_alley(app):
    steward = make_user(Role.STEWARD)
    alley = alleys_of(demo_street())[0]
    claim_alley(steward, alley.id)
    return steward, alley


def test_walking_the_whole_alley_covers_it_and_credits_hours(steward_with_alley):
    steward, alley = steward_with_alley
    patrol, created = record_patrol(steward, patrol_of(alley, walk_along(alley)))
    assert created and patrol.covered and patrol.coverage_ratio > 0.95
    assert patrol.hours == round(patrol.duration_s / 3600, 2) > 0
    assert 0.9 * alley.length_m < patrol.distance_m < 1.1 * alley.length_m
    assert patrol.problems == {"illegal_parking": "三轮车堵在胡同口"}


def test_stopping_halfway_does_not_cover_and_credits_no_hours(steward_with_alley):
    steward, alley = steward_with_alley
    patrol, _ = record_patrol(steward, patrol_of(alley, walk_along(alley, share=0.5)))
    assert not patrol.covered and 0.3 < patrol.coverage_ratio < 0.6
    assert patrol.hours == 0


def test_a_replay_returns_the_same_patrol_and_a_reused_key_is_refused(steward_with_alley):
    steward, alley = steward_with_alley
    data = patrol_of(alley, walk_along(alley))
    first, created = record_patrol(steward, data)
    again, created_again = record_patrol(steward, data)
    assert created and not created_again and again.id == first.id
    with pytest.raises(IdempotencyConflict):
        record_patrol(steward, patrol_of(alley, walk_along(alley, share=0.5), client_id=data.client_id))
    assert db.session.scalar(db.select(db.func.count()).select_from(Patrol)) == 1


@pytest.mark.parametrize("broken, message", [
    (lambda alley: [], "at least two positions"),
    (lambda alley: walk_along(alley)[:1], "at least two positions"),
    (lambda alley: walk_along(alley, seconds_apart=1), "impossible speeds"),
    (lambda alley: list(reversed(walk_along(alley))), "time order"),
])
def test_bad_tracks_are_refused_and_nothing_is_stored(steward_with_alley, broken, message):
    steward, alley = steward_with_alley
    with force_locale("en"), pytest.raises(BadRequest, match=message):
        record_patrol(steward, patrol_of(alley, broken(alley)))
    assert db.session.scalar(db.select(db.func.count()).select_from(Patrol)) == 0


def test_a_patrol_in_the_future_is_refused(steward_with_alley):
    steward, alley = steward_with_alley
    fixes = walk_along(alley)
    with force_locale("en"), pytest.raises(BadRequest, match="future"):
        record_patrol(steward, patrol_of(alley, fixes, finished_at=datetime.now(timezone.utc) + timedelta(hours=2)))


def test_only_the_alleys_stewards_patrol_it(steward_with_alley):
    _, alley = steward_with_alley
    with pytest.raises(Forbidden):
        record_patrol(make_user(Role.STEWARD), patrol_of(alley, walk_along(alley)))

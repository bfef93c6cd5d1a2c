"""Claim rules: N alleys per volunteer, M stewards per alley, held under concurrency; history kept."""
import pytest

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.support.race import race
from webapp.errors import AlleyFull, AlreadyClaimed, ClaimLimitReached, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Alley, Claim, Role, User
from webapp.services.places.claims import claim_alley, leave_alley, my_alleys


def test_a_steward_claims_an_alley(app):
    steward = make_user(Role.STEWARD)
    alley = alleys_of(demo_street())[0]
    claim = claim_alley(steward, alley.id)
    assert claim.is_open and claim.alley_id == alley.id
    assert db.session.get(Alley, alley.id).steward_count == 1
    assert [c.alley_id for c in my_alleys(steward)] == [alley.id]


def test_old_neighbours_claim_too_but_residents_and_chiefs_do_not(app):
    alley = alleys_of(demo_street())[0]
    claim_alley(make_user(Role.OLD_NEIGHBOUR), alley.id)
    for role in (Role.RESIDENT, Role.CHIEF, Role.ORGANIZER):
        with pytest.raises(Forbidden):
            claim_alley(make_user(role), alley.id)


def test_alleys_of_another_street_cannot_be_claimed(app):
    steward = make_user(Role.STEWARD, street=other_street())
    with pytest.raises(Forbidden):
        claim_alley(steward, alleys_of(demo_street())[0].id)
    assert db.session.scalar(db.select(db.func.count()).select_from(Claim)) == 0


def test_a_volunteer_holds_at_most_n_alleys(app):
    app.config["CLAIMS_PER_VOLUNTEER"] = 3
    steward = make_user()
    alleys = alleys_of(demo_street())
    for alley in alleys[:3]:
        claim_alley(steward, alley.id)
    with pytest.raises(ClaimLimitReached) as err:
        claim_alley(steward, alleys[3].id)
    assert err.value.http_status == 409
    assert db.session.get(Alley, alleys[3].id).steward_count == 0  # nothing half-done
    assert db.session.get(User, steward.id).open_claims == 3


def test_an_alley_has_at_most_m_stewards(app):
    app.config["STEWARDS_PER_ALLEY"] = 2
    alley = alleys_of(demo_street())[0]
    claim_alley(make_user(), alley.id)
    claim_alley(make_user(), alley.id)
    third = make_user()
    with pytest.raises(AlleyFull):
        claim_alley(third, alley.id)
    assert db.session.get(User, third.id).open_claims == 0


def test_claiming_twice_is_refused(app):
    steward = make_user()
    alley = alleys_of(demo_street())[0]
    claim_alley(steward, alley.id)
    with pytest.raises(AlreadyClaimed):
        claim_alley(steward, alley.id)


def test_leaving_frees_the_place_and_keeps_the_history(app):
    steward = make_user()
    alley = alleys_of(demo_street())[0]
    claim_alley(steward, alley.id)
    leave_alley(steward, alley.id)
    claim_alley(steward, alley.id)  # and back again
    history = db.session.scalars(db.select(Claim).where(Claim.alley_id == alley.id).order_by(Claim.id)).all()
    assert len(history) == 2 and history[0].left_at is not None and history[1].left_at is None
    assert db.session.get(Alley, alley.id).steward_count == 1
    with pytest.raises(NotFound):
        leave_alley(make_user(), alley.id)


def race_claims(database_url, attempts, settings=None) -> list[str]:
    """Each (user id, alley id) claims on its own connection, all released together; "won" or the error code."""
    def claim(user_id, alley_id):
        return lambda: claim_alley(db.session.get(User, user_id), alley_id)
    return race(database_url, [claim(*pair) for pair in attempts], settings)


def test_two_volunteers_racing_for_the_last_place_give_one_winner(app, database_url):
    """Two requests, two connections, released together: exactly one gets the place, the other a 409."""
    app.config["STEWARDS_PER_ALLEY"] = 1
    alley_id = alleys_of(demo_street())[0].id
    racers = [make_user().id, make_user().id]
    outcomes = race_claims(database_url, [(uid, alley_id) for uid in racers], {"STEWARDS_PER_ALLEY": 1})
    assert outcomes == ["alley_full", "won"] and AlleyFull.http_status == 409
    assert db.session.get(Alley, alley_id).steward_count == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Claim)) == 1


def test_one_volunteer_racing_for_two_alleys_at_the_limit_gets_one(app, database_url):
    steward = make_user()
    alleys = alleys_of(demo_street())
    claim_alley(steward, alleys[0].id)
    claim_alley(steward, alleys[1].id)
    user_id = steward.id
    outcomes = race_claims(database_url, [(user_id, alleys[2].id), (user_id, alleys[3].id)])
    assert outcomes == ["claim_limit", "won"]
    assert db.session.get(User, user_id).open_claims == 3

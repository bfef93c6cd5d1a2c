"""Alley chiefs (街巷长 per alley): the street's organizer puts one of its chiefs in charge of an alley, with the phone
on the alley's sign; an alley has one chief at a time (reassigning ends the previous one, at once), and a refused
assignment (another street's chief or alley, an unknown id, a bad phone) says why in the user's language and changes
nothing."""
import pytest
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.support.race import race
from webapp.errors import BadRequest, Conflict, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Alley, AlleyChief, Role
from webapp.models.places import utcnow
from webapp.services.places import chiefs

PHONE = "010-64041234"


@pytest.fixture
def street(app):
    street = demo_street()
    return {"street": street, "alleys": alleys_of(street), "organizer": make_user(Role.ORGANIZER, name="组织者"),
            "wang": make_user(Role.CHIEF, name="王街巷长"), "li": make_user(Role.CHIEF, name="李街巷长")}


def rows() -> list[tuple]:
    return [(r.alley_id, r.chief_id, r.phone, r.ended_at is None) for r in
            db.session.scalars(db.select(AlleyChief).order_by(AlleyChief.id))]


def test_the_organizer_puts_a_chief_in_charge_of_an_alley_and_the_sign_shows_them(street):
    alley = street["alleys"][0]
    made = chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    assert made.is_open and made.assigned_by_id == street["organizer"].id
    assert chiefs.sign_of_alley(alley.id) == {"name": "王街巷长", "phone": PHONE}
    assert chiefs.sign_of_alley(street["alleys"][1].id) is None
    assert chiefs.chief_alley_ids(street["wang"]) == {alley.id}
    assert chiefs.chief_alley_ids(street["li"]) == set()  # a street-wide chief: no alleys of their own


def test_reassigning_ends_the_previous_chief_and_keeps_the_history(street):
    alley = street["alleys"][0]
    first = chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    chiefs.assign_chief(street["organizer"], alley.id, street["li"].id, "13800138000")
    db.session.refresh(first)
    assert first.ended_at is not None and first.ended_by_id == street["organizer"].id
    assert rows() == [(alley.id, street["wang"].id, PHONE, False), (alley.id, street["li"].id, "13800138000", True)]
    assert chiefs.sign_of_alley(alley.id)["name"] == "李街巷长"
    assert chiefs.chief_alley_ids(street["wang"]) == set()
    _alleys, history = chiefs.street_assignments(street["street"].id)
    assert [(a.chief_name, a.ended_at is None) for a in history[alley.id]] == [("李街巷长", True), ("王街巷长", False)]


def test_a_new_phone_for_the_same_chief_is_a_new_line_of_history(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, "010 6404 9999")
    assert [r[2:] for r in rows()] == [(PHONE, False), ("010 6404 9999", True)]


def test_the_same_assignment_twice_is_refused_and_writes_nothing(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    with force_locale("en"), pytest.raises(Conflict, match="already the chief"):
        chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    assert len(rows()) == 1


def test_admins_assign_too_and_nobody_else_does(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(make_user(Role.ADMIN), alley.id, street["wang"].id, PHONE)
    for who in (Role.CHIEF, Role.STEWARD, Role.RESIDENT):
        with pytest.raises(Forbidden):
            chiefs.assign_chief(make_user(who), alley.id, street["li"].id, PHONE)
        with pytest.raises(Forbidden):
            chiefs.end_assignment(make_user(who), alley.id)
    assert len(rows()) == 1


def test_a_chief_of_another_street_is_refused_in_the_users_language(street):
    elsewhere = make_user(Role.CHIEF, street=other_street(), name="外街巷长")
    alley = street["alleys"][0]
    with force_locale("zh_Hans"), pytest.raises(BadRequest, match="只有本街道的街巷长"):
        chiefs.assign_chief(street["organizer"], alley.id, elsewhere.id, PHONE)
    with force_locale("en"), pytest.raises(BadRequest, match="Only a street chief of this street"):
        chiefs.assign_chief(street["organizer"], alley.id, elsewhere.id, PHONE)
    assert rows() == []


def test_an_alley_of_another_street_is_not_the_organizers_to_assign(street):
    far = other_street()
    foreign = make_user(Role.CHIEF, street=far)
    from geoalchemy2.shape import from_shape
    from shapely.geometry import LineString, MultiLineString

    alley = Alley(street_id=far.id, name="别的胡同", length_m=100.0,
                  geom=from_shape(MultiLineString([LineString([(116.301, 39.801), (116.302, 39.801)])]), srid=4326))
    db.session.add(alley)
    db.session.commit()
    with pytest.raises(Forbidden):  # the organizer of the demo street, with that street's chief or the other's
        chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    with pytest.raises(Forbidden):
        chiefs.assign_chief(street["organizer"], alley.id, foreign.id, PHONE)
    assert rows() == []


@pytest.mark.parametrize("who", ["steward", "nobody", "deactivated", "not a number"])
def test_only_an_active_chief_of_the_street_can_be_put_in_charge(street, who):
    if who == "steward":
        user_id = make_user(Role.STEWARD).id
    elif who == "nobody":
        user_id = 987654
    elif who == "deactivated":
        user = make_user(Role.CHIEF)
        user.active = False
        db.session.commit()
        user_id = user.id
    else:
        user_id = "7"
    with force_locale("en"), pytest.raises(BadRequest, match="Only a street chief"):
        chiefs.assign_chief(street["organizer"], street["alleys"][0].id, user_id, PHONE)
    assert rows() == []


def test_an_unknown_alley_is_not_found(street):
    with force_locale("en"), pytest.raises(NotFound, match="No such alley"):
        chiefs.assign_chief(street["organizer"], 987654, street["wang"].id, PHONE)
    with pytest.raises(NotFound):
        chiefs.end_assignment(street["organizer"], 987654)


@pytest.mark.parametrize("phone", ["call me", "12", "1" * 25, "+86 138 0013 8000 ext", "<b>110</b>"])
def test_a_bad_phone_number_is_refused(street, phone):
    with force_locale("en"), pytest.raises(BadRequest, match="only digits"):
        chiefs.assign_chief(street["organizer"], street["alleys"][0].id, street["wang"].id, phone)
    assert rows() == []


def test_without_a_phone_the_chiefs_own_is_published_and_without_any_it_is_asked_for(street):
    alley = street["alleys"][0]
    with force_locale("en"), pytest.raises(BadRequest, match="phone number the street publishes"):
        chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, "  ")
    street["wang"].phone = "13900139000"
    db.session.commit()
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, "")
    assert chiefs.sign_of_alley(alley.id)["phone"] == "13900139000"


def test_ending_an_assignment_leaves_the_alley_to_the_street_chiefs(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    ended = chiefs.end_assignment(street["organizer"], alley.id)
    assert ended.ended_at is not None and chiefs.sign_of_alley(alley.id) is None
    with force_locale("en"), pytest.raises(Conflict, match="has no chief"):
        chiefs.end_assignment(street["organizer"], alley.id)
    assert (alley.id, alley.name) in chiefs.alleys_without_chief(street["street"].id)


def test_the_alleys_without_a_chief(street):
    alleys = street["alleys"]
    chiefs.assign_chief(street["organizer"], alleys[0].id, street["wang"].id, PHONE)
    without = {alley_id for alley_id, _name in chiefs.alleys_without_chief(street["street"].id)}
    assert without == {a.id for a in alleys[1:]}


def test_the_database_holds_one_open_assignment_per_alley(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    db.session.add(AlleyChief(alley_id=alley.id, chief_id=street["li"].id, phone=PHONE, assigned_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Ended rows are history: any number of them.
    db.session.add_all(AlleyChief(alley_id=alley.id, chief_id=street["li"].id, phone=PHONE, assigned_at=utcnow(),
                                  ended_at=utcnow()) for _ in range(2))
    db.session.commit()
    assert sum(1 for r in rows() if r[3]) == 1


def test_two_organizers_assigning_at_once_leave_one_chief(street, database_url):
    alley_id, organizer_id = street["alleys"][0].id, street["organizer"].id
    wang, li = street["wang"].id, street["li"].id
    admin_id = make_user(Role.ADMIN).id

    def assign(actor_id, chief_id):
        def call():
            actor = db.session.get(type(street["organizer"]), actor_id)
            chiefs.assign_chief(actor, alley_id, chief_id, PHONE)
        return call

    outcomes = race(database_url, [assign(organizer_id, wang), assign(admin_id, li)])
    assert "won" in outcomes and set(outcomes) <= {"won", "conflict"}
    assert sum(1 for r in rows() if r[3]) == 1

"""The organizer's coverage page and its JSON: their own street only (another street's id is refused, admins see
any), the map's data with each alley's gap, the lists with phone numbers to call, never kept by a cache."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.services.organizing.test_coverage import claim, patrol
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Role, User

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def login(app):
    app.test_client_class = FlaskLoginClient
    return lambda user: app.test_client(user=db.session.get(User, user.id))


@pytest.fixture
def street(app):
    app.extensions["clock"] = Clock(NOW)
    home = demo_street()
    alleys = alleys_of(home)
    organizer = make_user(Role.ORGANIZER, home, "组织者")
    walker, idle = make_user(Role.STEWARD, home, "勤快管家"), make_user(Role.OLD_NEIGHBOUR, home, "老街坊王")
    db.session.get(User, walker.id).phone = "13800000001"
    db.session.get(User, idle.id).phone = "13900000002"
    db.session.commit()
    claim(walker, alleys[0], days_ago=20)
    patrol(walker, alleys[0], days_ago=1)  # covered
    claim(walker, alleys[1], days_ago=20)  # never patrolled
    elsewhere = other_street()
    return {"street": home, "alleys": alleys, "organizer": organizer, "walker": walker, "idle": idle,
            "other": elsewhere, "other_organizer": make_user(Role.ORGANIZER, elsewhere, "别街组织者")}


def test_the_organizer_sees_their_streets_gaps_with_numbers_to_call(street, login):
    client = login(street["organizer"])
    page = client.get("/roster/coverage?lang=en")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    html = page.get_data(as_text=True)
    a = street["alleys"]
    assert street["street"].name in html and 'aria-current="page"' in html  # the organizer's tab row
    assert "Unclaimed" in html and "Not patrolled in 7 days" in html and "Patrolled in the last 7 days" in html
    assert a[1].name in html and a[2].name in html  # not patrolled; unclaimed
    assert 'href="tel:13900000002"' in html and "老街坊王" in html  # inactive: call them
    assert 'href="tel:13800000001"' in html  # the steward of the alley nobody walks
    assert "coverage-map.js" in html and "leaflet" in html
    assert client.get(f"/roster/coverage?street={street['street'].id}").status_code == 200


def test_another_streets_id_is_refused(street, login):
    client = login(street["organizer"])
    assert client.get(f"/roster/coverage?street={street['other'].id}").status_code == 403
    assert client.get(f"/roster/coverage.json?street={street['other'].id}").status_code == 403
    assert login(street["other_organizer"]).get(f"/roster/coverage.json?street={street['street'].id}").status_code \
        == 403


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STEWARD, Role.OLD_NEIGHBOUR, Role.CHIEF, Role.OFFICER])
def test_only_organizers_and_admins_open_it(street, login, role):
    client = login(make_user(role, street["street"]))
    assert client.get("/roster/coverage").status_code == 403
    assert client.get("/roster/coverage.json").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(street, client):
    for path in ("/roster/coverage", "/roster/coverage.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_opens_any_street(street, login):
    admin = login(make_user(Role.ADMIN))
    body = admin.get(f"/roster/coverage.json?street={street['other'].id}").get_json()
    assert body["street"] == {"id": street["other"].id, "name": street["other"].name}
    assert body["counts"]["alleys"] == 0 and body["geojson"]["features"] == []
    assert admin.get(f"/roster/coverage?street={street['other'].id}").status_code == 200  # an empty street too


def test_the_json_answers_the_same_data(street, login):
    response = login(street["organizer"]).get("/roster/coverage.json")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    body = response.get_json()
    a = street["alleys"]
    assert set(body) >= {"street", "as_of", "patrol_gap_days", "inactive_days", "counts", "unclaimed",
                         "unpatrolled", "inactive", "geojson"}
    assert body["street"]["id"] == street["street"].id
    assert body["counts"]["alleys"] == len(a) and body["counts"]["unclaimed"] == len(a) - 2
    assert body["counts"]["unpatrolled"] == 1 and body["counts"]["covered"] == 1
    assert body["unpatrolled"][0]["id"] == a[1].id and body["unpatrolled"][0]["stewards"] == ["勤快管家"]
    assert body["unpatrolled"][0]["last_patrol_at"] is None
    assert {u["id"] for u in body["unclaimed"]} == {x.id for x in a[2:]}
    idle = next(v for v in body["inactive"] if v["name"] == "老街坊王")
    assert idle["phone"] == "13900000002" and idle["last_active_at"] is None
    assert "勤快管家" not in {v["name"] for v in body["inactive"]}
    features = body["geojson"]["features"]
    assert body["geojson"]["type"] == "FeatureCollection" and len(features) == len(a)
    assert {f["properties"]["gap"] for f in features} == {"unclaimed", "unpatrolled", "covered"}
    first = next(f for f in features if f["id"] == a[0].id)
    assert first["type"] == "Feature" and first["geometry"]["type"] == "MultiLineString"
    assert first["properties"]["gap"] == "covered" and first["properties"]["name"] == a[0].name
    assert datetime.fromisoformat(first["properties"]["last_patrol_at"]) == NOW - timedelta(days=1)

"""The volunteers' API over HTTP: claim state on the map, claim/leave, my alleys, patrols."""
import uuid
from datetime import timedelta

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user
from tests.services.places.test_patrols import START, walk_along
from webapp.models import Role


@pytest.fixture
def login(app):
    app.test_client_class = FlaskLoginClient
    return lambda user: app.test_client(user=user)


def _features(client):
    return {f["id"]: f["properties"] for f in client.get("/api/v1/alleys?bbox=116,39,117,41").get_json()["features"]}


def test_claiming_turns_the_alley_mine_for_me_and_others_for_everyone_else(app, login):
    alley = alleys_of(demo_street())[0]
    me, neighbour = login(make_user()), login(make_user())
    assert _features(me)[alley.id]["claim"] == "unclaimed"
    response = me.post(f"/api/v1/alleys/{alley.id}/claim")
    assert response.status_code == 201 and response.get_json()["steward_count"] == 1
    assert _features(me)[alley.id]["claim"] == "mine"
    assert _features(neighbour)[alley.id]["claim"] == "others"
    assert _features(app.test_client())[alley.id]["claim"] == "others"


def test_the_alley_sheet_lists_stewards_and_what_i_may_do(app, login):
    alley = alleys_of(demo_street())[0]
    steward = make_user(name="李阿姨")
    me = login(steward)
    before = me.get(f"/api/v1/alleys/{alley.id}").get_json()["properties"]
    assert before["can_claim"] and not before["can_patrol"] and before["stewards"] == []
    me.post(f"/api/v1/alleys/{alley.id}/claim")
    after = me.get(f"/api/v1/alleys/{alley.id}").get_json()["properties"]
    assert after["stewards"] == ["李阿姨"] and after["claim"] == "mine"
    assert after["can_patrol"] and not after["can_claim"]
    assert after["open_reports"] == 0 and after["last_patrol_at"] is None and after["max_stewards"] == 5


def test_limits_answer_409_with_a_clear_message_in_the_users_language(app, login):
    app.config["STEWARDS_PER_ALLEY"] = 1
    alley = alleys_of(demo_street())[0]
    login(make_user()).post(f"/api/v1/alleys/{alley.id}/claim")
    late = login(make_user())
    zh = late.post(f"/api/v1/alleys/{alley.id}/claim", headers={"Accept-Language": "zh-CN"})
    en = late.post(f"/api/v1/alleys/{alley.id}/claim", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 409
    assert zh.get_json()["error"]["code"] == "alley_full"
    assert "full team" in en.get_json()["error"]["message"]
    assert zh.get_json()["error"]["message"] != en.get_json()["error"]["message"]


def test_signed_out_claims_get_401_json(app, client):
    alley = alleys_of(demo_street())[0]
    response = client.post(f"/api/v1/alleys/{alley.id}/claim")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_leaving_and_my_alleys(app, login):
    alleys = alleys_of(demo_street())
    me = login(make_user())
    for alley in alleys[:2]:
        me.post(f"/api/v1/alleys/{alley.id}/claim")
    mine = me.get("/api/v1/me/alleys").get_json()["alleys"]
    assert [a["id"] for a in mine] == [alleys[0].id, alleys[1].id] and len(mine[0]["bbox"]) == 4
    assert me.delete(f"/api/v1/alleys/{alleys[0].id}/claim").status_code == 200
    assert [a["id"] for a in me.get("/api/v1/me/alleys").get_json()["alleys"]] == [alleys[1].id]
    assert me.delete(f"/api/v1/alleys/{alleys[0].id}/claim").status_code == 404


def _patrol_body(alley, share=1.0, client_id=None):
    fixes = walk_along(alley, share)
    return {"client_id": client_id or str(uuid.uuid4()), "alley_id": alley.id,
            "started_at": START.isoformat(),
            "finished_at": (START + timedelta(seconds=10 * 31)).isoformat(),
            "fixes": [{"lon": f.lon, "lat": f.lat, "t": f.t_ms, "accuracy": f.accuracy_m} for f in fixes],
            "checklist": {"illegal_parking": "ok"}}


def test_a_patrol_is_posted_once_and_replayed_safely(app, login):
    alley = alleys_of(demo_street())[0]
    me = login(make_user())
    me.post(f"/api/v1/alleys/{alley.id}/claim")
    body = _patrol_body(alley)
    first = me.post("/api/v1/patrols", json=body)
    assert first.status_code == 201 and first.get_json()["covered"] is True
    replay = me.post("/api/v1/patrols", json=body)
    assert replay.status_code == 200 and replay.get_json() == first.get_json()
    other = me.post("/api/v1/patrols", json=_patrol_body(alley, 0.5, client_id=body["client_id"]))
    assert other.status_code == 409
    sheet = me.get(f"/api/v1/alleys/{alley.id}").get_json()["properties"]
    assert sheet["last_patrol_at"] is not None


@pytest.mark.parametrize("mutate", [
    lambda b: b.update(fixes=[]),
    lambda b: b.update(client_id="not-a-uuid"),
    lambda b: b.update(started_at="yesterday"),
    lambda b: b.update(checklist={"illegal_parking": "maybe"}),
])
def test_bad_patrols_get_400_with_a_message(app, login, mutate):
    alley = alleys_of(demo_street())[0]
    me = login(make_user())
    me.post(f"/api/v1/alleys/{alley.id}/claim")
    body = _patrol_body(alley)
    mutate(body)
    response = me.post("/api/v1/patrols", json=body, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 400 and response.get_json()["error"]["message"]


def test_checklist_labels_are_translated(app, client):
    zh = client.get("/api/v1/patrols/checklist", headers={"Accept-Language": "zh-CN"}).get_json()["items"]
    en = client.get("/api/v1/patrols/checklist", headers={"Accept-Language": "en"}).get_json()["items"]
    assert len(zh) == len(en) == 10
    assert en[0]["label"] == "No illegal structures"


def test_organizers_do_not_claim(app, login):
    alley = alleys_of(demo_street())[0]
    assert login(make_user(Role.ORGANIZER)).post(f"/api/v1/alleys/{alley.id}/claim").status_code == 403


def test_covering_patrols_add_to_my_hours(app, login):
    alley = alleys_of(demo_street())[0]
    me = login(make_user())
    me.post(f"/api/v1/alleys/{alley.id}/claim")
    covered = me.post("/api/v1/patrols", json=_patrol_body(alley)).get_json()
    me.post("/api/v1/patrols", json=_patrol_body(alley, share=0.4))
    assert covered["hours"] > 0
    assert me.get("/api/v1/me").get_json()["patrol_hours_this_year"] == covered["hours"]

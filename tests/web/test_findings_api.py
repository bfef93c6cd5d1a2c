"""Patrol findings over HTTP, as the phone's outbox sends them: JSON to /api/v1/reports naming the patrol's client
id, before or after the patrol itself; the patrol's cases on /api/v1/me/patrols and on My patrols."""
import uuid

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user
from tests.services.cases.test_reports import on_alley
from tests.web.test_volunteer_api import _patrol_body
from webapp.extensions import db
from webapp.models import Report, Role


@pytest.fixture
def on_patrol(app):
    """A signed-in steward on patrol in their alley: (client, alley, the patrol's body, not sent yet)."""
    app.test_client_class = FlaskLoginClient
    alley = alleys_of(demo_street())[0]
    me = app.test_client(user=make_user(Role.STEWARD, name="巡访的张师傅"))
    me.post(f"/api/v1/alleys/{alley.id}/claim")
    patrol = _patrol_body(alley) | {"checklist": {"piled_goods": "problem", "illegal_parking": "problem"},
                                    "problems": {"illegal_parking": "三轮车"}}
    return me, alley, patrol


def finding(alley, patrol, **extra):
    lon, lat = on_alley(alley)
    return {"client_id": str(uuid.uuid4()), "category": "piled_goods", "lon": lon, "lat": lat,
            "description": "纸箱堆在门口", "patrol_client_id": patrol["client_id"], "checklist_item": "piled_goods",
            **extra}


def test_the_checklist_names_each_items_category(client):
    items = client.get("/api/v1/patrols/checklist").get_json()["items"]
    assert {item["code"]: item["category"] for item in items}["piled_goods"] == "piled_goods"
    assert all(item["category"] for item in items)


def test_a_finding_sent_before_its_patrol_is_listed_with_it_once_the_patrol_arrives(on_patrol):
    me, alley, patrol = on_patrol
    body = finding(alley, patrol)
    filed = me.post("/api/v1/reports", json=body)
    assert filed.status_code == 201, filed.get_json()
    assert filed.get_json()["patrol_client_id"] == patrol["client_id"] and filed.get_json()["patrol_id"] is None
    waiting = me.get("/api/v1/me/patrols").get_json()
    assert waiting["patrols"] == [] and [r["id"] for r in waiting["waiting_for_patrol"]] == [filed.get_json()["id"]]

    sent = me.post("/api/v1/patrols", json=patrol).get_json()
    mine = me.get("/api/v1/me/patrols").get_json()
    [shown] = mine["patrols"]
    assert shown["id"] == sent["id"] and mine["waiting_for_patrol"] == []
    assert [(c["id"], c["checklist_item"], c["status"]) for c in shown["cases"]] == [
        (filed.get_json()["id"], "piled_goods", "submitted")]
    assert shown["unreported"] == {"illegal_parking": "三轮车"}
    assert mine["achieved"] == {"on_the_spot": 0, "escalated": 0, "confirmed": 0}  # reporting is no figure yet

    replay = me.post("/api/v1/reports", json=body)  # the outbox lost the first answer
    assert replay.status_code == 200 and replay.get_json()["id"] == filed.get_json()["id"]
    assert replay.get_json()["patrol_id"] == sent["id"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 1
    case = me.get(f"/api/v1/reports/{filed.get_json()['id']}").get_json()
    assert case["patrol_client_id"] == patrol["client_id"] and case["checklist_item"] == "piled_goods"


def test_the_patrol_page_lists_the_cases_it_raised_with_their_status(on_patrol):
    me, alley, patrol = on_patrol
    me.post("/api/v1/patrols", json=patrol)
    filed = me.post("/api/v1/reports", json=finding(alley, patrol)).get_json()
    assert filed["patrol_id"] is not None
    page = me.get("/patrols/mine", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'href="/reports/{filed["id"]}"' in page and "Goods piled in the lane" in page and "Reported" in page
    assert "No illegal parking" in page and "三轮车" in page  # noted, not reported
    case = me.get(f"/reports/{filed['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "on a patrol" in case and 'href="/patrols/mine"' in case


def test_someone_elses_patrol_is_refused_with_403_and_nothing_is_filed(on_patrol, app):
    me, alley, patrol = on_patrol
    me.post("/api/v1/patrols", json=patrol)
    intruder = app.test_client(user=make_user(Role.STEWARD))
    answer = intruder.post("/api/v1/reports", json=finding(alley, patrol), headers={"Accept-Language": "en"})
    assert answer.status_code == 403 and "someone else's" in answer.get_json()["error"]["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


@pytest.mark.parametrize("extra, field", [
    ({"patrol_client_id": "patrol-1"}, "patrol_client_id"),
    ({"patrol_client_id": 42}, "patrol_client_id"),
    ({"checklist_item": ["piled_goods"]}, "checklist_item"),
    ({"checklist_item": "ufo"}, "checklist_item"),
    ({"patrol_client_id": None}, "patrol_client_id"),  # an item without its patrol
])
def test_a_malformed_finding_gets_400_naming_the_field(on_patrol, extra, field):
    me, alley, patrol = on_patrol
    answer = me.post("/api/v1/reports", json=finding(alley, patrol, **extra))
    assert answer.status_code == 400 and answer.get_json()["error"]["details"]["field"] == field
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_an_unknown_patrol_id_is_filed_and_waits(on_patrol):
    me, alley, patrol = on_patrol
    answer = me.post("/api/v1/reports", json=finding(alley, {"client_id": str(uuid.uuid4())}))
    assert answer.status_code == 201 and answer.get_json()["patrol_id"] is None
    assert len(me.get("/api/v1/me/patrols").get_json()["waiting_for_patrol"]) == 1

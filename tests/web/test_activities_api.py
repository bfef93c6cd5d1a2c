"""The activities API for the offline app: sign up and cancel, check in by code or position, check out; each
answers the attendance as it stands; bad JSON is a 400, a refused step a 409 with its code, in the user's
language. Every test runs on SpatiaLite and PostGIS."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient

from geo.metric import LocalPlane
from tests.factories import demo_street, make_user
from tests.support.clock import Clock
from webapp.models import Role
from webapp.services.organizing import activities as act

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 in Beijing
PLACE = (116.4035, 39.9330)
EN = {"Accept-Language": "en"}


@pytest.fixture
def street(app):
    app.test_client_class = FlaskLoginClient
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    home = demo_street()
    volunteer = make_user(Role.OLD_NEIGHBOUR, home, "老街坊")
    return {"street": home, "clock": clock, "organizer": make_user(Role.ORGANIZER, home), "volunteer": volunteer,
            "me": app.test_client(user=volunteer), "login": lambda user: app.test_client(user=user)}


def activity(s, minutes_from_now=0, hours=2, capacity=10):
    starts = s["clock"]() + timedelta(minutes=minutes_from_now)
    return act.schedule_activity(s["organizer"], s["street"].id, title="垃圾分类宣传", place="鼓楼东大街",
                                 lon=PLACE[0], lat=PLACE[1], starts_at=starts, ends_at=starts + timedelta(hours=hours),
                                 capacity=capacity)


def test_sign_up_and_cancel(street):
    meeting = activity(street, minutes_from_now=60)
    url = f"/api/v1/activities/{meeting.id}/sign-up"
    response = street["me"].post(url)
    assert response.status_code == 200
    assert response.get_json() == {"activity_id": meeting.id, "state": "signed_up", "checked_in_at": None,
                                   "checked_out_at": None, "hours": 0.0, "method": None}
    assert street["me"].post(url).get_json()["state"] == "signed_up"  # a replay: still one place
    cancelled = street["me"].delete(url)
    assert cancelled.status_code == 200 and cancelled.get_json()["state"] == "cancelled"
    again = street["me"].delete(url)
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"


def test_check_in_by_code_then_check_out_credits_the_hours(street):
    meeting = activity(street, minutes_from_now=0, hours=2)
    response = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in", json={"code": meeting.check_in_code})
    body = response.get_json()
    assert response.status_code == 200 and (body["state"], body["method"]) == ("checked_in", "qr")
    assert datetime.fromisoformat(body["checked_in_at"]) == NOW
    street["clock"].advance(minutes=45)
    out = street["me"].post(f"/api/v1/activities/{meeting.id}/check-out").get_json()
    assert (out["state"], out["hours"]) == ("attended", 0.75)
    assert datetime.fromisoformat(out["checked_out_at"]) == NOW + timedelta(minutes=45)


def test_check_in_by_position(street):
    meeting = activity(street)
    plane = LocalPlane(*PLACE)
    far_lon, far_lat = plane.inverse_point(130, 0)
    refused = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in", headers=EN,
                                json={"lon": far_lon, "lat": far_lat, "accuracy_m": 10})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "check_in_refused"
    assert "130 m" in refused.get_json()["error"]["message"]
    lon, lat = plane.inverse_point(40, 0)
    body = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in",
                             json={"lon": lon, "lat": lat, "accuracy_m": 10}).get_json()
    assert (body["state"], body["method"]) == ("checked_in", "position")


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"lon": "east", "lat": 39.9}', '{"lon": true, "lat": 1}',
                                  '{"code": 42}', '{"lat": 95, "lon": 116}', "{}"])
def test_bad_json_is_a_400(street, body):
    meeting = activity(street)
    response = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in", data=body,
                                 content_type="application/json", headers=EN)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert act.attendance_of(meeting.id, street["volunteer"].id) is None


def test_refusals_are_409s_in_the_users_language(street):
    full = activity(street, minutes_from_now=60, capacity=1)
    act.sign_up(make_user(Role.STEWARD, street["street"]), full.id)
    en = street["me"].post(f"/api/v1/activities/{full.id}/sign-up", headers=EN)
    zh = street["me"].post(f"/api/v1/activities/{full.id}/sign-up", headers={"Accept-Language": "zh-CN"})
    assert en.status_code == zh.status_code == 409 and en.get_json()["error"]["code"] == "activity_full"
    assert en.get_json()["error"]["message"] == "This activity is full."
    assert zh.get_json()["error"]["message"] != en.get_json()["error"]["message"]

    meeting = activity(street)
    wrong = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in", json={"code": "not-the-code"})
    assert wrong.status_code == 409 and wrong.get_json()["error"]["code"] == "check_in_refused"
    odd = street["me"].post(f"/api/v1/activities/{meeting.id}/check-in", json={"code": "签到码"})
    assert odd.status_code == 409  # not ASCII: simply not the code
    early = street["me"].post(f"/api/v1/activities/{meeting.id}/check-out")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "conflict"
    assert act.attendance_of(meeting.id, street["volunteer"].id) is None


def test_signed_out_gets_401_and_non_volunteers_403(street, app):
    meeting = activity(street)
    anonymous = app.test_client()
    assert anonymous.post(f"/api/v1/activities/{meeting.id}/sign-up").status_code == 401
    assert anonymous.post(f"/api/v1/activities/{meeting.id}/check-in", json={}).status_code == 401
    resident = street["login"](make_user(Role.RESIDENT, street["street"]))
    assert resident.post(f"/api/v1/activities/{meeting.id}/sign-up").status_code == 403
    refused = resident.post(f"/api/v1/activities/{meeting.id}/check-in", json={"code": meeting.check_in_code})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert street["me"].post("/api/v1/activities/999999/sign-up").status_code == 404

"""Open311 at its edges (from the review): odd input answers 400/404, never 500; an unreadable character does
not spoil a list; a made-up key buys no rate budget; the resident's contact stays with the chief; FixMyStreet's
statuses and several service codes; an alley's address_id as the location."""
import pytest
from flask_login import FlaskLoginClient

import webapp
from tests.conftest import config_for
from tests.factories import alleys_of, demo_street, make_user
from tests.web.test_open311 import (BASE, answer, api_key, file_case, fmt, get_case,  # noqa: F401 (fixtures)
                                    valid_fields)
from tests.web.test_open311_errors import assert_error
from webapp.extensions import db
from webapp.models import Report, Role
from webapp.services.places.claims import claim_alley



@pytest.mark.parametrize("path", [
    "requests/99999999999999999999", "requests.{fmt}?service_request_id=99999999999999999999",
    "requests.{fmt}?service_request_id=²", "requests.{fmt}?start_date=0001-01-01T00:00:00%2B08:00",
    "requests.{fmt}?start_date=9999-12-31T00:00:00Z", "requests.{fmt}?status=open&status=pending"])
def test_odd_searches_are_refused_not_crashed(client, fmt, path):
    url = f"{BASE}/{path.format(fmt=fmt)}" if "{fmt}" in path else f"{BASE}/{path}.{fmt}"
    assert_error(client.get(url), fmt, (400, 404))


@pytest.mark.parametrize("case_id", ["²", "99999999999999999999", "1_0"])
def test_odd_update_ids_are_refused_not_crashed(client, api_key, fmt, case_id):
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", data={
        "api_key": api_key, "service_request_id": case_id, "update_id": "u", "status": "OPEN",
        "updated_datetime": "2026-11-21T10:00:00+08:00", "description": "催办"})
    assert_error(response, fmt, 400)


def test_a_control_character_does_not_spoil_the_xml_list(client, api_key):
    file_case(client, api_key, description="坏\x01字符")
    response = client.get(f"{BASE}/requests.xml")
    assert response.status_code == 200
    assert [item["description"] for item in answer(response, "xml", "service_requests")] == ["坏字符"]


def test_a_made_up_key_buys_no_rate_budget(database_url):
    app = webapp.create_app(config_for(database_url) | {"RATELIMIT_ENABLED": True, "OPEN311_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        client = app.test_client()
        answers = [client.get(f"{BASE}/services.json?api_key=made-up-{n}").status_code for n in range(5)]
        assert answers == [200, 200, 200, 429, 429]


def test_the_residents_contact_is_for_the_chief_only(app, client, api_key):
    request_id = int(file_case(client, api_key, phone="13800138000", first_name="阿姨", last_name="张"))
    report = db.session.get(Report, request_id)
    steward, chief = make_user(Role.STEWARD), make_user(Role.CHIEF)
    if report.alley_id:
        claim_alley(steward, report.alley_id)
    app.test_client_class = FlaskLoginClient
    for user, sees in ((chief, True), (steward, False)):
        shown = app.test_client(user=user).get(f"/api/v1/reports/{request_id}").get_json()
        assert shown.get("partner") is not None or not sees
        contact = (shown.get("partner") or {}).get("contact") or {}
        assert (contact.get("phone") == "13800138000") is sees
    assert "13800138000" not in client.get(f"{BASE}/requests/{request_id}.json").get_data(as_text=True)


@pytest.mark.parametrize("status", ["REOPEN", "FOR_TRIAGE", "fixed"])
def test_fixmystreet_statuses_are_recorded(client, api_key, fmt, status):
    request_id = file_case(client, api_key)
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", data={
        "api_key": api_key, "service_request_id": request_id, "update_id": f"u-{status}", "status": status,
        "updated_datetime": "2026-11-21T10:00:00+08:00", "description": "居民来电"})
    assert response.status_code == 201, response.get_data(as_text=True)
    event = db.session.get(Report, int(request_id)).events[-1]
    assert event.details["partner_status"] == status.upper() and event.note == "居民来电"


def test_an_update_id_used_for_another_case_is_a_conflict(client, api_key, fmt):
    first, second = file_case(client, api_key), file_case(client, api_key, description="另一件事")
    update = {"api_key": api_key, "update_id": "same", "status": "OPEN",
              "updated_datetime": "2026-11-21T10:00:00+08:00", "description": "催办"}
    assert client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update | {"service_request_id": first}
                       ).status_code == 201
    assert_error(client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update | {"service_request_id": second}),
                 fmt, 409)


def test_several_service_codes_and_an_alley_id(client, api_key, fmt):
    alley = alleys_of(demo_street())[2]
    fields = {k: v for k, v in valid_fields(api_key, address_id=str(alley.id)).items() if k not in ("lat", "long")}
    response = client.post(f"{BASE}/requests.json", data=fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    by_alley = response.get_json()[0]["service_request_id"]
    assert db.session.get(Report, int(by_alley)).alley_id == alley.id
    garbage = file_case(client, api_key, service_code="garbage", description="垃圾")
    response = client.get(f"{BASE}/requests.{fmt}", query_string={"service_code": "piled_goods,garbage"})
    listed = {item["service_request_id"] for item in answer(response, fmt, "service_requests")}
    assert {by_alley, garbage} <= listed
    assert get_case(client, by_alley, fmt)["address_id"] == str(alley.id)

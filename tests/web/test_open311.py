"""Open311 GeoReport v2 at /open311/v2/: every endpoint answers the same content as JSON and as XML, with the
spec's element names; partner systems (12345热线, ...) file cases that go straight to the street chief, follow
them to their resolution, and post updates that land in the case file. (Contract: notes/open311-contract.md.)"""
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient
from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, MultiLineString
from sqlalchemy import func, select

from tests.factories import alleys_of, demo_street, make_user
from tests.services.cases.test_reports import on_alley
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import (Alley, Category, Notification, NotificationKind, PartnerRequest, PartnerUpdate, Report,
                           ReportEvent, Role, User, Whistle)
from webapp.services.cases.transitions import Step, transition
from webapp.services.demo import DEMO_STREET
from webapp.services.partners.api_keys import create_api_key

BASE = "/open311/v2"
FORMATS = ("json", "xml")
BEIJING = timezone(timedelta(hours=8))
ALLEY = "演示二条胡同"

# Each XML list element and the name of its items, as GeoReport v2 names them.
ITEMS = {"services": "service", "service_requests": "request", "service_request_updates": "request_update",
         "errors": "error", "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
         "values": "value"}
BOOLEANS = {"metadata", "variable", "required"}
NUMBERS = {"lat", "long"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
                  "request_kind"}  # ours beside the spec's: 咨询/建议/举报/投诉 (docs/open311.md)
UPDATE_FIELDS = {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}


# --- reading either format -------------------------------------------------------------------------

def _leaf(tag: str, text: str):
    if tag in BOOLEANS:
        assert text in ("true", "false"), f"<{tag}> must be true or false, not {text!r}"
        return text == "true"
    if tag in NUMBERS and text:
        return float(text)
    if tag in ("code", "order") and text.isdigit():  # an error's code, an attribute's order (not its code)
        return int(text)
    return text


def _tree(element):
    """An XML element as JSON would give it; list elements must hold only items of the spec's name."""
    if element.tag in ITEMS:
        assert all(child.tag == ITEMS[element.tag] for child in element), [c.tag for c in element]
        return [_tree(child) for child in element]
    if len(element):
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags)), f"repeated elements in <{element.tag}>: {tags}"
        return {child.tag: _tree(child) for child in element}
    return _leaf(element.tag, element.text or "")


def answer(response, fmt: str, root: str):
    """The body as Python lists and dicts, after checking the content type (and for XML the declaration
    and the root element's name)."""
    assert response.mimetype == ("application/json" if fmt == "json" else "text/xml"), response.content_type
    assert response.mimetype_params.get("charset", "").lower() == "utf-8", response.content_type
    if fmt == "json":
        return response.get_json()
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), response.data[:60]
    element = ET.fromstring(response.data)
    assert element.tag == root
    return _tree(element)


def w3c(text: str) -> datetime:
    """A W3C date in Beijing time, to the second."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", text), text
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(hours=8)
    return moment


def counts() -> dict:
    """Committed rows of what a request may create."""
    db.session.rollback()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Report, ReportEvent, PartnerRequest, PartnerUpdate)}


# --- filing cases ----------------------------------------------------------------------------------

def alley_named(name: str = ALLEY):
    return next(a for a in alleys_of(demo_street()) if a.name == name)


def valid_fields(key: str, **extra) -> dict:
    lon, lat = on_alley(alley_named())
    return {"api_key": key, "service_code": "piled_goods", "lat": str(lat), "long": str(lon),
            "description": "门口堆了很多杂物"} | extra


def post_request(client, key: str, fmt: str = "json", headers=None, **extra):
    return client.post(f"{BASE}/requests.{fmt}", data=valid_fields(key, **extra), headers=headers)


def file_case(client, key: str, **extra) -> str:
    response = post_request(client, key, **extra)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def get_case(client, request_id, fmt: str = "json", **args) -> dict:
    response = client.get(f"{BASE}/requests/{request_id}.{fmt}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    [item] = answer(response, fmt, "service_requests")
    return item


@pytest.fixture
def api_key(app) -> str:
    demo_street()
    return create_api_key("12345热线")[1]


@pytest.fixture(params=FORMATS)
def fmt(request) -> str:
    return request.param


# --- the read-only endpoints -----------------------------------------------------------------------

def test_discovery_names_the_v2_endpoint_and_both_formats(app, client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    body = answer(response, fmt, "discovery")
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == app.config["PUBLIC_URL"].rstrip("/") + "/open311/v2"
    assert endpoint["type"] == "production" and endpoint["formats"] == ["text/xml", "application/json"]


def test_services_are_the_active_categories_in_their_order(app, client, fmt):
    db.session.execute(Category.__table__.update().where(Category.code == "noise").values(active=False))
    db.session.commit()
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    services = answer(response, fmt, "services")
    active = db.session.scalars(select(Category.code).where(Category.active.is_(True))
                                .order_by(Category.sort_order, Category.id)).all()
    assert [s["service_code"] for s in services] == active and "noise" not in active
    by_code = {s["service_code"]: s for s in services}
    assert all(set(s) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
               for s in services)
    assert by_code["illegal_parking"]["service_name"] == "乱停车" and by_code["illegal_parking"]["type"] == "realtime"
    assert by_code["illegal_parking"]["metadata"] is True and by_code["damaged_roads"]["metadata"] is True
    assert by_code["piled_goods"]["metadata"] is False
    english = answer(client.get(f"{BASE}/services.{fmt}?lang=en"), fmt, "services")
    assert {s["service_code"]: s["service_name"] for s in english}["illegal_parking"] == "Illegal parking"


def test_a_service_definition_lists_its_questions(client, fmt):
    response = client.get(f"{BASE}/services/illegal_parking.{fmt}")
    assert response.status_code == 200
    body = answer(response, fmt, "service_definition")
    assert set(body) == {"service_code", "attributes"} and body["service_code"] == "illegal_parking"
    fields = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
    assert all(set(a) == fields for a in body["attributes"])
    by_code = {a["code"]: a for a in body["attributes"]}
    assert by_code["plate"]["datatype"] == "string" and by_code["plate"]["required"] is False
    vehicle = by_code["vehicle"]
    assert vehicle["datatype"] == "singlevaluelist" and vehicle["required"] is False and vehicle["variable"] is True
    assert [v["key"] for v in vehicle["values"]] == ["car", "tricycle", "motorbike", "bicycle"]
    assert all(set(v) == {"key", "name"} and v["name"] for v in vehicle["values"])
    assert sorted(a["order"] for a in body["attributes"]) == [1, 2]

    size = answer(client.get(f"{BASE}/services/damaged_roads.{fmt}"), fmt, "service_definition")["attributes"]
    assert [(a["code"], a["datatype"], a["required"], [v["key"] for v in a["values"]]) for a in size] == [
        ("size", "singlevaluelist", True, ["small", "medium", "large"])]


def test_a_category_without_questions_has_an_empty_definition(client, fmt):
    response = client.get(f"{BASE}/services/piled_goods.{fmt}")
    assert response.status_code == 200
    assert answer(response, fmt, "service_definition")["attributes"] == []


# --- filing a case ---------------------------------------------------------------------------------

def test_posting_a_request_files_a_case_and_answers_its_id(client, api_key, fmt):
    """A realtime answer: the id, no token (the spec says one or the other); the token still finds the case."""
    before = counts()["Report"]
    response = post_request(client, api_key, fmt, **{"service_code": "damaged_roads", "attribute[size]": "small",
                                                      "account_id": "acc-7", "description": "x" * 4000,
                                                      "media_url": "https://example.org/p.jpg", "email": "li@example.cn",
                                                      "phone": "010-12345678", "first_name": "丽", "last_name": "李",
                                                      "device_id": "hotline-7"})
    assert response.status_code == 201, response.get_data(as_text=True)
    [filed] = answer(response, fmt, "service_requests")
    assert set(filed) == {"service_request_id", "service_notice", "account_id"}
    assert filed["account_id"] == "acc-7" and counts()["Report"] == before + 1
    report = db.session.scalar(select(Report).order_by(Report.id.desc()))
    assert filed["service_request_id"] == str(report.id) and report.category.code == "damaged_roads"
    assert len(report.description) == 4000 and report.partner_request.answers == {"size": "small"}
    assert get_case(client, filed["service_request_id"], fmt)["media_url"] == "https://example.org/p.jpg"

    token = report.partner_request.token
    tokens = client.get(f"{BASE}/tokens/{token}.{fmt}")
    assert tokens.status_code == 200
    assert answer(tokens, fmt, "service_requests") == [{"service_request_id": filed["service_request_id"],
                                                        "token": token}]


def test_a_case_reads_back_in_the_spec_shape(client, api_key, fmt):
    lon, lat = on_alley(alley_named())
    request_id = file_case(client, api_key)
    item = get_case(client, request_id, fmt)
    assert set(item) == REQUEST_FIELDS
    assert item["service_request_id"] == request_id and item["status"] == "open"
    assert item["service_code"] == "piled_goods" and item["service_name"] == "堆物堆料"
    assert item["description"] == "门口堆了很多杂物" and item["agency_responsible"] == ""
    assert not item["expected_datetime"] and not item["media_url"] and item["status_notes"]
    assert item["address"] == f"{ALLEY}, {DEMO_STREET}"
    assert abs(float(item["lat"]) - lat) < 1e-4 and abs(float(item["long"]) - lon) < 1e-4
    requested, updated = w3c(item["requested_datetime"]), w3c(item["updated_datetime"])
    assert abs(requested - datetime.now(timezone.utc)) < timedelta(minutes=1) and updated >= requested
    if fmt == "json":
        assert item["expected_datetime"] is None and item["media_url"] is None
        assert isinstance(item["lat"], float) and isinstance(item["long"], float)
    english = get_case(client, request_id, fmt, lang="en")
    assert english["service_name"] == "Goods piled in the lane" and english["status_notes"].isascii()
    assert not item["status_notes"].isascii()  # Chinese by default


def test_a_partners_case_goes_straight_to_the_chiefs_queue(app, client, api_key):
    """Acceptance 1: filed ESCALATED, in the street chief's triage queue at once, the chief told."""
    chief = make_user(Role.CHIEF)
    request_id = file_case(client, api_key)
    app.test_client_class = FlaskLoginClient
    queue = app.test_client(user=chief).get("/api/v1/triage/queue")
    assert queue.status_code == 200
    [case] = [c for c in queue.get_json()["cases"] if str(c["id"]) == request_id]
    assert case["status"] == "escalated" and case["alley"] == ALLEY
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == NotificationKind.ESCALATED,
                                                                 Notification.report_id == int(request_id))).all()
    demo_chief = db.session.scalar(select(User.id).where(User.username == "demo_chief"))
    assert {chief.id, demo_chief} <= set(told)


def test_the_partner_follows_the_case_to_its_resolution(client, api_key, fmt):
    """Acceptance 2: the whistled department is responsible and due on site; resolved, the case is closed
    with the chief's note."""
    chief, officer = make_user(Role.CHIEF), make_user(Role.OFFICER)  # the officer serves 城管执法
    request_id = file_case(client, api_key, service_code="manhole_cover")
    transition(chief, int(request_id), Step.ACCEPT)
    transition(chief, int(request_id), Step.WHISTLE, departments=("urban_management",))
    whistled = get_case(client, request_id, fmt)
    due = db.session.scalar(select(Whistle.due_at).where(Whistle.report_id == int(request_id)))
    due = (due if due.tzinfo else due.replace(tzinfo=timezone.utc)).astimezone(BEIJING)
    assert whistled["status"] == "open" and whistled["agency_responsible"] == "城管执法"
    assert abs(w3c(whistled["expected_datetime"]) - due) < timedelta(seconds=1)

    transition(officer, int(request_id), Step.REPORT_ON_SITE)
    transition(officer, int(request_id), Step.FINISH_PART)
    transition(chief, int(request_id), Step.RESOLVE, note="井盖已更换")
    resolved = get_case(client, request_id, fmt)
    assert resolved["status"] == "closed" and resolved["status_notes"].endswith(": 井盖已更换")
    assert resolved["agency_responsible"] == "城管执法" and not resolved["expected_datetime"]
    transition(chief, int(request_id), Step.REOPEN, note="居民说井盖还在晃")
    reopened = get_case(client, request_id, fmt)
    assert reopened["status"] == "open" and reopened["status_notes"].endswith(": 居民说井盖还在晃")


def test_a_retried_post_files_one_case(app, client, api_key, fmt):
    """Acceptance 3: the very same POST again (that day or the next), or one with the same Idempotency-Key,
    answers the same id."""
    app.extensions["clock"] = clock = Clock(datetime.now(timezone.utc))
    before = counts()["Report"]
    first = answer(post_request(client, api_key, fmt), fmt, "service_requests")
    assert answer(post_request(client, api_key, fmt), fmt, "service_requests") == first
    assert first[0]["account_id"] is None if fmt == "json" else first[0]["account_id"] == ""
    clock.advance(days=1)
    again = post_request(client, api_key, fmt)
    assert again.status_code in (200, 201)
    assert answer(again, fmt, "service_requests")[0]["service_request_id"] == first[0]["service_request_id"]
    assert counts()["Report"] == before + 1

    headers = {"Idempotency-Key": "c7a3e2f0-1b2c-4d5e-8f90-123456789abc"}
    keyed = post_request(client, api_key, fmt, headers=headers, description="三轮车堆满纸箱")
    retry = post_request(client, api_key, fmt, headers=headers, description="三轮车堆满纸箱")
    assert keyed.status_code == 201 and retry.status_code in (200, 201)
    keyed_id = answer(keyed, fmt, "service_requests")[0]["service_request_id"]
    assert answer(retry, fmt, "service_requests")[0]["service_request_id"] == keyed_id != first[0][
        "service_request_id"]
    assert counts()["Report"] == before + 2


def test_an_address_naming_one_of_our_alleys_locates_the_case_on_it(client, api_key, fmt):
    """Acceptance 4."""
    fields = {"api_key": api_key, "service_code": "piled_goods", "address_string": f"{ALLEY} 12号"}
    response = client.post(f"{BASE}/requests.{fmt}", data=fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    request_id = answer(response, fmt, "service_requests")[0]["service_request_id"]
    item = get_case(client, request_id, fmt)
    assert ALLEY in item["address"] and db.session.get(Report, int(request_id)).alley.name == ALLEY
    assert 116.370 <= float(item["long"]) <= 116.378 and 39.942 <= float(item["lat"]) <= 39.948


def test_a_partners_update_is_noted_once_in_the_case_file(client, api_key, fmt):
    """Acceptance 5: the note lands in the case file (its status unchanged); the same update_id again
    changes nothing; the partner reads the case's steps back, oldest first, without its own update (a
    FixMyStreet-style client would take it for a new one)."""
    chief = make_user(Role.CHIEF)
    request_id = file_case(client, api_key)
    update = {"api_key": api_key, "service_request_id": request_id, "update_id": "12345-u-1",
              "updated_datetime": datetime.now(BEIJING).replace(microsecond=0).isoformat(), "status": "open",
              "description": "12345已联系居民，明早清理"}
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update)
    assert response.status_code == 201, response.get_data(as_text=True)
    [posted] = answer(response, fmt, "service_request_updates")
    assert set(posted) == {"update_id"} and posted["update_id"]
    noted = db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == int(request_id),
                                                         ReportEvent.note == update["description"])).all()
    assert len(noted) == 1 and db.session.get(Report, int(request_id)).status.value == "escalated"
    assert db.session.scalar(select(Notification).where(Notification.user_id == chief.id,
                                                        Notification.kind == NotificationKind.PARTNER_UPDATE))
    before = counts()
    again = client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update)
    assert again.status_code in (200, 201) and answer(again, fmt, "service_request_updates") == [posted]
    assert counts() == before

    listed = client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string={"api_key": api_key})
    assert listed.status_code == 200
    steps = [u for u in answer(listed, fmt, "service_request_updates") if u["service_request_id"] == request_id]
    assert all(set(u) == UPDATE_FIELDS and u["status"] in ("open", "closed") for u in steps)
    assert len(steps) >= 2 and update["description"] not in [u["description"] for u in steps]
    assert posted["update_id"] not in [u["update_id"] for u in steps]
    moments = [w3c(u["updated_datetime"]) for u in steps]
    assert moments == sorted(moments)


def test_requests_are_found_by_id_code_status_and_dates(client, api_key, fmt):
    """Acceptance 6: ids (other filters then ignored), service_code, status, dates; newest first."""
    chief = make_user(Role.CHIEF)
    piled = file_case(client, api_key, description="一堆砖头")
    road = file_case(client, api_key, service_code="damaged_roads", description="路面塌了", **{"attribute[size]": "large"})
    rejected = file_case(client, api_key, description="又一堆砖头")
    transition(chief, int(rejected), Step.REJECT, note="不属于本街道")

    def found(**args) -> list[str]:
        response = client.get(f"{BASE}/requests.{fmt}", query_string=args)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["service_request_id"] for item in answer(response, fmt, "service_requests")]

    assert found() == [rejected, road, piled]
    assert found(service_request_id=f"{piled},{road}", service_code="garbage", status="closed") in (
        [piled, road], [road, piled])
    assert found(service_code="damaged_roads") == [road]
    assert found(status="closed") == [rejected]
    assert found(status="open") == [road, piled] and found(status="open,closed") == [rejected, road, piled]
    now = datetime.now(BEIJING).replace(microsecond=0)
    hour = timedelta(hours=1)
    assert found(start_date=(now - hour).isoformat(), end_date=(now + hour).isoformat()) == [rejected, road, piled]
    assert found(start_date=(now + hour).isoformat(), end_date=(now + 2 * hour).isoformat()) == []
    utc = datetime.now(timezone.utc) - hour
    assert found(start_date=utc.strftime("%Y-%m-%dT%H:%M:%SZ")) == [rejected, road, piled]
    assert found(end_date=(now - hour).isoformat()) == []
    naive = (now - hour).replace(tzinfo=None).isoformat()  # Beijing time; read as UTC it would be 7 h ahead
    assert found(start_date=naive) == [rejected, road, piled]


def test_every_whistled_department_is_named(client, api_key, fmt):
    chief = make_user(Role.CHIEF)
    request_id = file_case(client, api_key, service_code="illegal_parking")
    transition(chief, int(request_id), Step.ACCEPT)
    transition(chief, int(request_id), Step.WHISTLE, departments=("urban_management", "traffic"))
    assert sorted(get_case(client, request_id, fmt)["agency_responsible"].split("、")) == sorted(["城管执法", "交通"])


def test_an_address_locates_the_case_on_the_alley_it_names_even_at_a_crossing(client, api_key, fmt):
    """A short alley whose middle crosses 演示槐树胡同: the case is on the alley the address names."""
    x = on_alley(alley_named("演示槐树胡同"))[0]  # a north-south line
    line = LineString([(x - 0.001, 39.9450), (x + 0.001, 39.9450)])  # its middle exactly on 槐树胡同
    db.session.add(Alley(street=demo_street(), name="演示新开胡同", length_m=170.6, source="test",
                         geom=from_shape(MultiLineString([line]), srid=4326)))
    db.session.commit()
    fields = {"api_key": api_key, "service_code": "piled_goods", "address_string": "演示新开胡同 3号"}
    request_id = answer(client.post(f"{BASE}/requests.{fmt}", data=fields), fmt, "service_requests")[0][
        "service_request_id"]
    assert db.session.get(Report, int(request_id)).alley.name == "演示新开胡同"
    assert get_case(client, request_id, fmt)["address"] == f"演示新开胡同, {DEMO_STREET}"


def test_the_updates_feed_shows_a_cases_public_steps_only(client, api_key, fmt):
    """Accepting and rejecting are public steps; a priority is the chief's own business."""
    chief = make_user(Role.CHIEF)
    request_id = file_case(client, api_key)

    def feed() -> list[dict]:
        response = client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string={"api_key": api_key})
        assert response.status_code == 200, response.get_data(as_text=True)
        return [u for u in answer(response, fmt, "service_request_updates") if u["service_request_id"] == request_id]

    filed = feed()
    transition(chief, int(request_id), Step.ACCEPT)
    accepted = feed()
    transition(chief, int(request_id), Step.SET_PRIORITY, priority="high")
    assert len(accepted) == len(filed) + 1 and feed() == accepted
    transition(chief, int(request_id), Step.REJECT, note="不属于本街道")
    rejected = feed()
    assert len(rejected) == len(accepted) + 1 and rejected[-1]["status"] == "closed"
    assert [u["status"] for u in rejected[:-1]] == ["open"] * len(accepted)

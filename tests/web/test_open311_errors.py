"""Open311 errors: the HTTP status is the error's code, the body the spec's list of errors (JSON
[{code, description}], XML <errors><error><code/><description/></error></errors>), the description in the
asker's language (Chinese unless asked otherwise), and a request that errors creates nothing. Beside the
errors, what is still fine at their edges (90 days, 4000 characters, FixMyStreet's status words, defaults)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import webapp
from tests.conftest import config_for
from tests.factories import demo_street
from tests.support.clock import Clock
from tests.web.test_open311 import (BASE, BEIJING, answer, api_key, counts, file_case,  # noqa: F401
                                    fmt, get_case, valid_fields)  # (api_key and fmt are fixtures)
from webapp.extensions import db
from webapp.models import Category, Report, ReportEvent
from webapp.services.partners.api_keys import create_api_key, revoke_api_key

CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=BEIJING)



def assert_error(response, fmt: str, status: int | tuple[int, ...]) -> str:
    """The status (or one of those the contract leaves open) and the spec's error body, each error's code the
    status; answers the first description."""
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), response.get_data(
        as_text=True)
    errors = answer(response, fmt, "errors")
    assert errors and all(set(e) == {"code", "description"} for e in errors), errors
    assert all(e["code"] == response.status_code and e["description"] for e in errors), errors
    return errors[0]["description"]


# --- POST requests ---------------------------------------------------------------------------------

BAD_REQUESTS = {  # what changes in a valid POST -> the status
    "no api_key": ({"api_key": None}, 403),
    "unknown api_key": ({"api_key": "not-a-key"}, 403),
    "no service_code": ({"service_code": None}, 400),
    "unknown service_code": ({"service_code": "flying_saucers"}, 404),
    "no location": ({"lat": None, "long": None}, 400),
    "lat without long": ({"long": None}, 400),
    "lat and long not numbers": ({"lat": "north", "long": "east"}, 400),
    "lat and long beyond the earth": ({"lat": "1e308", "long": "-1e308"}, 400),
    "outside every street": ({"lat": "30", "long": "100"}, 400),
    "an address naming no alley": ({"lat": None, "long": None, "address_string": "长安街 1号"}, 400),
    "description over 4000 characters": ({"description": "堆" * 4001}, 400),
    "required attribute missing": ({"service_code": "damaged_roads"}, 400),
    "value not in the list": ({"service_code": "damaged_roads", "attribute[size]": "enormous"}, 400),
    "optional value not in the list": ({"service_code": "illegal_parking", "attribute[vehicle]": "spaceship"}, 400),
    "media_url not http": ({"media_url": "ftp://example.org/photo.jpg"}, 400),
    "bad email": ({"email": "not-an-email"}, 400),
    "another jurisdiction": ({"jurisdiction_id": "shanghai"}, 404),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
def test_a_bad_post_is_refused_and_files_nothing(client, api_key, fmt, case):
    change, status = BAD_REQUESTS[case]
    fields = {k: v for k, v in (valid_fields(api_key) | change).items() if v is not None}
    before = counts()
    assert_error(client.post(f"{BASE}/requests.{fmt}", data=fields), fmt, status)
    assert counts() == before


QUESTIONS = [  # set on the category "other" for the next test, as an organizer would
    {"code": "kinds", "datatype": "multivaluelist", "required": True, "order": 1, "description_zh": "哪些",
     "description_en": "Which", "values": [{"key": k, "name_zh": k, "name_en": k} for k in ("wood", "bricks", "sofa")]},
    {"code": "count", "datatype": "number", "required": False, "order": 2, "description_zh": "几件",
     "description_en": "How many"},
    {"code": "since", "datatype": "datetime", "required": False, "order": 3, "description_zh": "从何时",
     "description_en": "Since when"},
]


@pytest.mark.parametrize("attributes, status", [
    ({"attribute[kinds][]": ["wood", "sofa"], "attribute[count]": "3", "attribute[since]": NOW.isoformat()}, 201),
    ({"attribute[kinds][]": ["wood", "piano"]}, 400),
    ({"attribute[count]": "3"}, 400),
    ({"attribute[kinds][]": ["wood"], "attribute[count]": "many"}, 400),
    ({"attribute[kinds][]": ["wood"], "attribute[since]": "last week"}, 400),
], ids=["valid", "a value not in the list", "required list missing", "not a number", "not a date"])
def test_every_kind_of_attribute_is_checked(client, api_key, fmt, attributes, status):
    db.session.execute(Category.__table__.update().where(Category.code == "other").values(questions=QUESTIONS))
    db.session.commit()
    definition = answer(client.get(f"{BASE}/services/other.{fmt}"), fmt, "service_definition")["attributes"]
    assert [a["datatype"] for a in definition] == ["multivaluelist", "number", "datetime"]
    before = counts()
    response = client.post(f"{BASE}/requests.{fmt}", data=valid_fields(api_key, service_code="other") | attributes)
    if status == 201:
        assert response.status_code == 201, response.get_data(as_text=True)
        report = db.session.scalar(select(Report).order_by(Report.id.desc()))
        assert report.partner_request.answers["kinds"] == ["wood", "sofa"]
    else:
        assert_error(response, fmt, status)
        assert counts() == before


def test_a_revoked_key_is_refused(client, api_key, fmt):
    file_case(client, api_key)
    revoke_api_key("12345热线")
    before = counts()
    assert_error(client.post(f"{BASE}/requests.{fmt}", data=valid_fields(api_key, description="另一堆")), fmt, 403)
    assert counts() == before
    assert_error(client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string={"api_key": api_key}), fmt, 403)


def test_an_inactive_service_is_not_found(client, api_key, fmt):
    db.session.execute(Category.__table__.update().where(Category.code == "noise").values(active=False))
    db.session.commit()
    before = counts()
    assert_error(client.post(f"{BASE}/requests.{fmt}", data=valid_fields(api_key, service_code="noise")), fmt, 404)
    assert counts() == before


def test_our_own_jurisdiction_is_accepted(client, api_key, fmt):
    assert client.post(f"{BASE}/requests.{fmt}", data=valid_fields(api_key, jurisdiction_id="beijing")).status_code == 201


# --- reading ---------------------------------------------------------------------------------------

def test_unknown_ids_tokens_and_services_are_not_found(client, api_key, fmt):
    request_id = file_case(client, api_key)
    assert_error(client.get(f"{BASE}/requests/{int(request_id) + 1000}.{fmt}"), fmt, 404)
    assert_error(client.get(f"{BASE}/requests/{10 ** 20}.{fmt}"), fmt, 404)  # beyond any database's integers
    assert client.get(f"{BASE}/requests.{fmt}?service_request_id={10 ** 20}").status_code in (200, 400)
    assert_error(client.get(f"{BASE}/tokens/no-such-token.{fmt}"), fmt, 404)
    assert_error(client.get(f"{BASE}/services/flying_saucers.{fmt}"), fmt, 404)
    assert_error(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=shanghai"), fmt, 404)
    assert_error(client.get(f"{BASE}/requests.{fmt}?jurisdiction_id=shanghai"), fmt, 404)


def dates(start: datetime, end: datetime) -> dict:
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


BAD_SEARCHES = {
    "end more than 90 days after start": dates(NOW - timedelta(days=91), NOW),
    "end before start": dates(NOW, NOW - timedelta(days=1)),
    "a date that is no date": {"start_date": "yesterday"},
    "an unknown status": {"status": "pending"},
    "ids that are no numbers": {"service_request_id": "1,2,x"},
}


@pytest.mark.parametrize("case", BAD_SEARCHES, ids=list(BAD_SEARCHES))
def test_a_bad_search_is_refused(client, fmt, case):
    assert_error(client.get(f"{BASE}/requests.{fmt}", query_string=BAD_SEARCHES[case]), fmt, 400)


def test_ninety_days_is_still_a_valid_span(client, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", query_string=dates(NOW - timedelta(days=90), NOW))
    assert response.status_code == 200


def test_a_bad_update_search_is_refused(client, api_key, fmt):
    assert_error(client.get(f"{BASE}/servicerequestupdates.{fmt}"), fmt, 403)
    for span in dates(NOW - timedelta(days=91), NOW), dates(NOW, NOW - timedelta(hours=1)), {"start_date": "now"}:
        assert_error(client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string=span | {"api_key": api_key}),
                     fmt, 400)


def test_anything_else_under_open311_answers_the_error_body(client):
    assert_error(client.get(f"{BASE}/nothing-here.json"), "json", 404)
    assert_error(client.get(f"{BASE}/nothing-here.xml"), "xml", 404)
    assert_error(client.get(f"{BASE}/services.csv"), "xml", 404)
    assert_error(client.get("/open311/v3/services"), "xml", 404)
    assert_error(client.get("/open311/nothing.json"), "json", 404)
    assert_error(client.get("/open311/"), "xml", 404)
    wrong_method = client.delete(f"{BASE}/services.json")
    assert wrong_method.status_code in (404, 405)
    assert_error(wrong_method, "json", wrong_method.status_code)


# --- POST servicerequestupdates ----------------------------------------------------------------------

BAD_UPDATES = {
    "no api_key": ({"api_key": None}, 403),
    "unknown api_key": ({"api_key": "not-a-key"}, 403),
    "no service_request_id": ({"service_request_id": None}, 400),
    "unknown service_request_id": ({"service_request_id": "999999"}, 404),
    "a service_request_id beyond any integer": ({"service_request_id": str(10 ** 20)}, (400, 404)),
    "no update_id": ({"update_id": None}, 400),
    "no updated_datetime": ({"updated_datetime": None}, 400),
    "updated_datetime no date": ({"updated_datetime": "soon"}, 400),
    "no status": ({"status": None}, 400),
    "an unknown status": ({"status": "MAYBE"}, 400),
    "no description": ({"description": None}, 400),
    "description over 4000 characters": ({"description": "好" * 4001}, 400),
    "media_url not http": ({"media_url": "javascript:alert(1)"}, 400),
}


@pytest.mark.parametrize("case", BAD_UPDATES, ids=list(BAD_UPDATES))
def test_a_bad_update_is_refused_and_notes_nothing(client, api_key, fmt, case):
    change, status = BAD_UPDATES[case]
    update = {"api_key": api_key, "service_request_id": file_case(client, api_key), "update_id": "u-1",
              "updated_datetime": NOW.isoformat(), "status": "OPEN", "description": "已派人处理"}
    fields = {k: v for k, v in (update | change).items() if v is not None}
    before = counts()
    assert_error(client.post(f"{BASE}/servicerequestupdates.{fmt}", data=fields), fmt, status)
    assert counts() == before


def test_an_update_from_a_revoked_key_is_refused(client, api_key, fmt):
    update = {"api_key": api_key, "service_request_id": file_case(client, api_key), "update_id": "u-1",
              "updated_datetime": NOW.isoformat(), "status": "fixed", "description": "已修好"}
    revoke_api_key("12345热线")
    before = counts()
    assert_error(client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update), fmt, 403)
    assert counts() == before


# --- still fine, at the edges of the errors --------------------------------------------------------------

def test_without_dates_requests_cover_90_days_and_updates_the_last_24_hours(app, client, api_key, fmt):
    request_id = file_case(client, api_key)

    def listed(endpoint: str, root: str, **args) -> list[str]:
        response = client.get(f"{BASE}/{endpoint}.{fmt}", query_string=args)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["service_request_id"] for item in answer(response, fmt, root)]

    clock = Clock(datetime.now(timezone.utc) + timedelta(days=2))
    app.extensions["clock"] = clock
    assert listed("requests", "service_requests") == [request_id]
    assert listed("servicerequestupdates", "service_request_updates", api_key=api_key) == []
    clock.advance(days=89)
    assert listed("requests", "service_requests") == []


def test_updates_take_fixmystreets_statuses_and_each_partner_its_own_ids(client, api_key, fmt):
    """The case's status stays as the chief left it; another partner's update_id is another note."""
    other = create_api_key("区网格平台")[1]
    request_id = file_case(client, api_key)
    notes = {"FIXED": "已修复", "investigating": "正在核实", "Action_Scheduled": "明天处理"}
    for n, (status, note) in enumerate(notes.items()):
        update = {"api_key": api_key, "service_request_id": request_id, "update_id": f"u-{n}", "status": status,
                  "updated_datetime": "2026-11-21T02:00:00Z", "description": note}
        assert client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update).status_code == 201
    update |= {"api_key": other, "description": "网格员已到场"}
    assert client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update).status_code == 201
    written = db.session.scalars(select(ReportEvent.note).where(ReportEvent.report_id == int(request_id))).all()
    assert set(notes.values()) | {"网格员已到场"} <= set(written)
    assert db.session.get(Report, int(request_id)).status.value == "escalated"
    assert get_case(client, request_id, fmt)["status"] == "open"


def test_an_update_may_have_4000_characters(client, api_key, fmt):
    update = {"api_key": api_key, "service_request_id": file_case(client, api_key), "update_id": "u-1",
              "updated_datetime": NOW.isoformat(), "status": "OPEN", "description": "好" * 4000}
    assert client.post(f"{BASE}/servicerequestupdates.{fmt}", data=update).status_code == 201
    assert db.session.scalar(select(ReportEvent).where(ReportEvent.note == "好" * 4000))


# --- language ----------------------------------------------------------------------------------------

def test_errors_are_described_in_chinese_unless_english_is_asked_for(app, fmt):
    """Each asker on a fresh client: ?lang= is remembered in the session."""
    url = f"{BASE}/services/flying_saucers.{fmt}"
    chinese = assert_error(app.test_client().get(url), fmt, 404)
    english = assert_error(app.test_client().get(url + "?lang=en"), fmt, 404)
    browser = assert_error(app.test_client().get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}), fmt, 404)
    assert CJK.search(chinese) and not CJK.search(english) and not CJK.search(browser)
    assert re.search("[A-Za-z]", english) and english != chinese
    no_key = app.test_client().post(f"{BASE}/requests.{fmt}?lang=en", data={"service_code": "piled_goods"})
    assert not CJK.search(assert_error(no_key, fmt, 403))


def test_the_language_is_asked_for_with_each_request(client, fmt):
    """A partner's client keeps cookies: ?lang=en once must not make the next plain request English."""
    url = f"{BASE}/services/flying_saucers.{fmt}"
    assert not CJK.search(assert_error(client.get(url + "?lang=en"), fmt, 404))
    assert CJK.search(assert_error(client.get(url), fmt, 404))


# --- rate limit ----------------------------------------------------------------------------------------

@pytest.fixture
def limited(app, database_url):
    """The app with rate limits on, three requests a minute per key, and CSRF checks on as in production
    (the `app` fixture cleans up)."""
    limited = webapp.create_app(config_for(database_url) | {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True,
                                                            "OPEN311_RATE_LIMIT": "3 per minute"})
    with limited.app_context():
        yield limited
        db.session.remove()
        db.engine.dispose()


def test_a_key_over_its_rate_limit_waits_and_another_key_does_not(limited, fmt):
    demo_street()
    key, other = create_api_key("12345热线")[1], create_api_key("区网格平台")[1]
    client = limited.test_client()
    for n in range(3):
        response = client.post(f"{BASE}/requests.{fmt}", data=valid_fields(key, description=f"第{n}堆"))
        assert response.status_code == 201, response.get_data(as_text=True)
    before = counts()
    assert_error(client.post(f"{BASE}/requests.{fmt}", data=valid_fields(key, description="第四堆")), fmt, 429)
    assert counts() == before
    assert client.post(f"{BASE}/requests.{fmt}", data=valid_fields(other, description="别家的一堆")).status_code == 201


def test_without_a_key_the_limit_is_per_address(limited, fmt):
    here, there = limited.test_client(), limited.test_client()
    there.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(3):
        assert here.get(f"{BASE}/services.{fmt}").status_code == 200
    assert_error(here.get(f"{BASE}/services.{fmt}"), fmt, 429)
    assert there.get(f"{BASE}/services.{fmt}").status_code == 200

"""The street chief's triage queue: only chiefs (and admins) see it, only their streets' cases passed up to them,
most pressing first (overdue whistles, then priority, then the oldest), filtered as asked; the page works
without JavaScript as a list of links to the case files."""
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event, update

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley
from webapp.extensions import db
from webapp.models import CHIEF_QUEUE, Report, Role
from webapp.services.cases import triage
from webapp.services.cases.reports import ReportInput
from tests.support.clock import Clock
from webapp.services.cases.transitions import Step, transition

EN = {"Accept-Language": "en"}
WHISTLE_MINUTES = 30


@dataclass
class Street:
    """The demo street's queue, built through real steps, and the people around it."""
    app: object
    clock: Clock
    alleys: list
    people: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)  # name -> report id

    def client(self, who: str | None):
        return self.app.test_client(user=self.people[who] if who else None)

    def queue(self, who="chief", **args):
        response = self.client(who).get("/api/v1/triage/queue", query_string=args, headers=EN)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def names(self, body) -> list[str]:
        by_id = {report_id: name for name, report_id in self.cases.items()}
        return [by_id.get(c["id"], c["id"]) for c in body["cases"]]


def file_case(reporter, alley, category="piled_goods", hours_ago=0.0, clock=None, lonlat=None) -> int:
    lon, lat = lonlat or on_alley(alley)
    report, _ = file_report(reporter, ReportInput(str(uuid.uuid4()), category, lon, lat))
    # Reports are stamped with the real time; the queue's ages are measured from the test's clock.
    db.session.execute(update(Report).where(Report.id == report.id)
                       .values(created_at=clock() - timedelta(hours=hours_ago)))
    db.session.commit()
    return report.id


@pytest.fixture
def street(app) -> Street:
    """Cases a resident filed and passed up, each moved on by the street's chief:
    old (escalated, 30 h), fresh (escalated, 2 h), high (accepted, priority high, 5 h, another alley, noise),
    whistled (accepted and whistled to 城管执法 now, 1 h); and cases the chief must not see in the queue:
    new (only reported), rejected (closed), elsewhere (another street's case)."""
    app.test_client_class = FlaskLoginClient
    clock = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    app.extensions["clock"] = clock
    assert all(minutes == WHISTLE_MINUTES for minutes in app.config["WHISTLE_MINUTES"].values())
    demo, elsewhere = demo_street(), other_street()
    alleys = alleys_of(demo)
    world = Street(app, clock, alleys)
    world.people = {
        "resident": make_user(Role.RESIDENT), "chief": make_user(Role.CHIEF),
        "steward": make_user(Role.STEWARD), "officer": make_user(Role.OFFICER),
        "organizer": make_user(Role.ORGANIZER), "admin": make_user(Role.ADMIN),
        "other_chief": make_user(Role.CHIEF, street=elsewhere),
        "other_resident": make_user(Role.RESIDENT, street=elsewhere),
    }
    resident, chief = world.people["resident"], world.people["chief"]

    def case(name, *steps, reporter=resident, alley=alleys[0], by=chief, **where):
        report_id = file_case(reporter, alley, clock=clock, **where)
        for step, data in steps:
            transition(reporter if step is Step.ESCALATE else by, report_id, step, **data)
        world.cases[name] = report_id

    escalate, accept = (Step.ESCALATE, {}), (Step.ACCEPT, {})
    case("old", escalate, hours_ago=30)
    case("fresh", escalate, hours_ago=2)
    case("high", escalate, accept, (Step.SET_PRIORITY, {"priority": "high"}), alley=alleys[1], category="noise",
         hours_ago=5)
    case("whistled", escalate, accept, (Step.WHISTLE, {"departments": ("urban_management",)}), hours_ago=1)
    case("new", hours_ago=3)
    case("rejected", escalate, (Step.REJECT, {"note": "不属于本街道"}), hours_ago=4)
    case("elsewhere", escalate, (Step.ACCEPT, {}), reporter=world.people["other_resident"], alley=None,
         lonlat=(116.305, 39.805), by=world.people["other_chief"], hours_ago=6)
    return world


# --- who sees what ----------------------------------------------------------------------------------

def test_the_chief_sees_the_cases_passed_up_in_their_street_most_pressing_first(street):
    body = street.queue()
    # No whistle is late yet: priority first, then the oldest.
    assert street.names(body) == ["high", "old", "fresh", "whistled"]
    high = body["cases"][0]
    assert high["status"] == "accepted" and high["priority"] == "high" and high["category"] == "noise"
    assert high["alley_id"] == street.alleys[1].id and high["alley"] == street.alleys[1].name
    assert high["url"] == f"/reports/{high['id']}" and high["status_label"] == "Accepted by the street chief"
    assert 116 < high["lon"] < 117 and 39 < high["lat"] < 41
    assert high["age_minutes"] == 5 * 60 and high["age_text"] == "5 hr" and high["whistles"] == []
    whistled = body["cases"][-1]
    assert whistled["overdue"] is False and [(w["department"], w["overdue"]) for w in whistled["whistles"]] == [
        ("urban_management", False)]
    assert datetime.fromisoformat(body["generated_at"]) == street.clock()


def test_each_chief_sees_only_their_own_street_and_an_admin_sees_every_street(street):
    assert street.names(street.queue("other_chief")) == ["elsewhere"]
    assert set(street.names(street.queue("admin"))) == {"high", "old", "fresh", "whistled", "elsewhere"}


def test_signed_out_is_401_and_anyone_but_a_chief_or_admin_403(street):
    response = street.client(None).get("/api/v1/triage/queue")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    for who in ("resident", "steward", "officer", "organizer"):
        response = street.client(who).get("/api/v1/triage/queue")
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", who
        assert street.client(who).get("/triage").status_code == 403, who
    assert street.client(None).get("/triage").status_code == 302  # to the sign-in page


# --- overdue whistles ------------------------------------------------------------------------------

def test_a_whistle_past_its_deadline_puts_its_case_first_marked_overdue(street):
    street.clock.advance(minutes=WHISTLE_MINUTES - 1)
    assert street.names(street.queue())[0] == "high"
    street.clock.advance(minutes=2)
    body = street.queue()
    assert street.names(body) == ["whistled", "high", "old", "fresh"]
    first = body["cases"][0]
    assert first["overdue"] is True and first["whistles"][0]["overdue"] is True
    assert first["whistles"][0]["department_name"] == "城管执法"
    assert body["counts"]["overdue"] == 1
    assert street.names(street.queue(overdue=1)) == ["whistled"]


def test_reporting_on_site_ends_the_overdue_mark(street):
    street.clock.advance(minutes=WHISTLE_MINUTES + 5)
    transition(street.people["officer"], street.cases["whistled"], Step.REPORT_ON_SITE)
    body = street.queue()
    assert not any(c["overdue"] for c in body["cases"]) and body["counts"]["overdue"] == 0
    assert street.names(street.queue(status="on_site")) == ["whistled"]


# --- filters -----------------------------------------------------------------------------------------

def test_filters_by_status_category_alley_and_age(street):
    assert street.names(street.queue(status="escalated")) == ["old", "fresh"]
    assert street.names(street.queue(status="accepted")) == ["high"]
    assert street.names(street.queue(status="whistled")) == ["whistled"]
    assert street.names(street.queue(category="noise")) == ["high"]
    assert street.names(street.queue(alley=street.alleys[1].id)) == ["high"]
    assert street.names(street.queue(alley=street.alleys[0].id)) == ["old", "fresh", "whistled"]
    assert street.names(street.queue(age_hours=24)) == ["old"]
    assert street.names(street.queue(age_hours="1.5")) == ["high", "old", "fresh"]
    assert street.names(street.queue(status="escalated", age_hours=24)) == ["old"]
    assert street.names(street.queue(overdue=1)) == []
    assert street.queue(status="escalated", category="noise")["cases"] == []


def test_each_chip_counts_what_choosing_it_would_show(street):
    street.clock.advance(minutes=WHISTLE_MINUTES + 1)
    counts = street.queue()["counts"]
    assert counts == {"total": 4, "overdue": 1, "by_status": {
        "escalated": 2, "accepted": 1, "whistled": 1, "on_site": 0, "reopened": 0, "resolved": 0}}
    # The status chips keep the other filters; the overdue count keeps the status.
    by_alley = street.queue(alley=street.alleys[0].id, status="accepted")["counts"]
    assert by_alley["by_status"]["escalated"] == 2 and by_alley["by_status"]["accepted"] == 0
    assert by_alley["total"] == 3 and by_alley["overdue"] == 0
    assert street.queue(status="whistled")["counts"]["overdue"] == 1


@pytest.mark.parametrize("args, field_name", [
    ({"status": "submitted"}, "status"),  # not a status of the chief's queue
    ({"status": "nonsense"}, "status"),
    ({"category": "no_such_category"}, "category"),
    ({"alley": "abc"}, "alley"),
    ({"alley": "-3"}, "alley"),
    ({"overdue": "maybe"}, "overdue"),
    ({"age_hours": "-1"}, "age_hours"),
    ({"age_hours": "nan"}, "age_hours"),
    ({"age_hours": "inf"}, "age_hours"),
    ({"age_hours": "soon"}, "age_hours"),
])
def test_a_bad_filter_is_a_400_with_a_readable_json_error(street, args, field_name):
    response = street.client("chief").get("/api/v1/triage/queue", query_string=args, headers=EN)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["details"] == {"field": field_name}
    assert field_name in error["message"] and len(error["message"]) > 20
    zh = street.client("chief").get("/api/v1/triage/queue", query_string=args,
                                    headers={"Accept-Language": "zh-CN"}).get_json()["error"]
    assert zh["details"] == {"field": field_name}


def test_the_queue_is_loaded_in_a_few_queries_however_long_it_is(street):
    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.expire_all()
            items = triage.chief_queue(street.people["chief"])
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(items), len(seen)

    few, queries_for_few = statements()
    for _ in range(3):
        report_id = file_case(street.people["resident"], street.alleys[2], clock=street.clock)
        transition(street.people["resident"], report_id, Step.ESCALATE)
        transition(street.people["chief"], report_id, Step.ACCEPT)
        transition(street.people["chief"], report_id, Step.WHISTLE, departments=("urban_management", "police"))
    more, queries_for_more = statements()
    assert more == few + 3 and queries_for_more == queries_for_few <= 5


def test_the_service_sorts_with_the_same_rule_it_documents(street):
    street.clock.advance(minutes=WHISTLE_MINUTES + 1)
    items = triage.chief_queue(street.people["chief"])
    assert items == sorted(items, key=triage.sort_key)
    assert set(triage.QUEUE_STATUSES) == CHIEF_QUEUE and len(triage.QUEUE_STATUSES) == len(CHIEF_QUEUE)


# --- the page, without JavaScript ------------------------------------------------------------------

def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def row_links(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a class="queue-link" href="/reports/(\d+)"', html)]


def test_the_page_lists_the_queue_as_links_to_the_case_files(street):
    street.clock.advance(minutes=WHISTLE_MINUTES + 1)
    response = street.client("chief").get("/triage", headers=EN)
    assert response.status_code == 200
    html = main_of(response.get_data(as_text=True))
    ids = [street.cases[name] for name in ("whistled", "high", "old", "fresh")]
    assert row_links(html) == ids
    rows = re.findall(r'<li class="queue-row.*?</li>', html, flags=re.S)
    whistled_row, high_row = rows[0], rows[1]
    assert "Overdue" in whistled_row and "城管执法" in whistled_row and "queue-row is-overdue" in whistled_row
    assert "Overdue" not in high_row
    assert "priority-mark priority-high" in high_row and "Noise" in high_row and street.alleys[1].name in high_row
    # The filters are a plain form and links: they work without JavaScript.
    assert '<form class="queue-filters" id="queue-filters" method="get" action="/triage"' in html
    assert 'href="/triage?status=escalated"' in html and 'name="overdue" value="1"' in html
    assert re.search(r'data-count="total">4<', html) and re.search(r'data-count="overdue">1<', html)


def test_the_page_applies_the_filters_from_its_address(street):
    html = main_of(street.client("chief").get("/triage?status=escalated&age_hours=24", headers=EN)
                   .get_data(as_text=True))
    assert row_links(html) == [street.cases["old"]]
    assert 'data-status="escalated" aria-current="true"' in html
    assert '<option value="24" selected>' in html
    # Chip links keep the other filters.
    assert 'href="/triage?status=accepted&amp;age_hours=24"' in html
    html = main_of(street.client("chief").get("/triage?category=noise&status=escalated", headers=EN)
                   .get_data(as_text=True))
    assert row_links(html) == [] and "No cases match these filters." in html


def test_the_page_refuses_bad_filters_with_a_readable_400(street):
    response = street.client("chief").get("/triage?status=submitted", headers=EN)
    assert response.status_code == 400 and "status" in response.get_data(as_text=True)


def test_the_page_gives_its_script_the_queue_and_the_texts_in_chinese_first(street):
    html = street.client("chief").get("/triage").get_data(as_text=True)
    assert '<script type="application/json" id="triage-config">' in html
    assert '<script type="application/json" id="triage-text">' in html
    assert "/static/js/triage.js?v=" in html and "/static/css/triage.css?v=" in html
    assert "/static/vendor/leaflet/leaflet.js?v=" in html
    assert "堆物堆料" in main_of(html)  # category names in Chinese by default


def test_an_admin_without_a_street_sees_the_page_with_every_street(street):
    html = main_of(street.client("admin").get("/triage", headers=EN).get_data(as_text=True))
    assert street.cases["elsewhere"] in row_links(html) and len(row_links(html)) == 5

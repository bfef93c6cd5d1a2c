"""The department officers' view (部门报到): their whistles, most urgent first, with the time left and the steps
they may take now; only officers, only their departments in their streets."""
import io
import re
from datetime import datetime, timedelta, timezone
from html import unescape
from types import SimpleNamespace

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event

from tests.support.clock import Clock
from tests.factories import PASSWORD, alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import jpeg, on_alley, report_at
from webapp.extensions import db
from webapp.models import Role, Whistle
from webapp.services.cases.transitions import Step, transition
from webapp.services.volunteers.people import create_user
from webapp.storage import LocalPhotoStorage

EN = {"Accept-Language": "en"}
T0 = datetime(2024, 5, 6, 1, 0, tzinfo=timezone.utc)  # 09:00 in Beijing


@pytest.fixture
def work(app, tmp_path):
    """The demo street with its chief, a resident, an officer of 城管执法 and one of 公安; a clock the test turns."""
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    app.test_client_class = FlaskLoginClient
    clock = app.extensions["clock"] = Clock(T0)
    street = demo_street()
    w = SimpleNamespace(app=app, clock=clock, street=street, alleys=alleys_of(street),
                        chief=make_user(Role.CHIEF), resident=make_user(Role.RESIDENT),
                        officer=make_user(Role.OFFICER, name="城管小张"),
                        police=create_user(display_name="民警老李", username="police1", password=PASSWORD,
                                           role=Role.OFFICER, street_name=street.name, department_name="公安"))

    def whistled(alley=0, departments=("urban_management",), at=None, chief=None, reporter=None, where=None):
        """A resident's report, escalated, accepted and whistled to the departments at `at` (T0 by default)."""
        clock.now = at or T0
        reporter, chief = reporter or w.resident, chief or w.chief
        report, _ = file_report(reporter, report_at(*(where or on_alley(w.alleys[alley])), description="门口堆了旧家具"))
        transition(reporter, report.id, Step.ESCALATE)
        transition(chief, report.id, Step.ACCEPT)
        transition(chief, report.id, Step.WHISTLE, departments=departments)
        return report

    w.whistled = whistled
    return w


def get(app, user, path):
    return app.test_client(user=user).get(path, headers=EN)


def listed(app, user, **args):
    query = "?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else ""
    response = get(app, user, f"/api/v1/department/whistles{query}")
    assert response.status_code == 200
    return response.get_json()["whistles"]


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def cards(html: str) -> dict[int, str]:
    """The page's whistle cards by whistle id."""
    found = re.findall(r'<article class="dept-card[^"]*" id="whistle-(\d+)".*?</article>', html, re.S)
    bodies = re.findall(r'(<article class="dept-card.*?</article>)', html, re.S)
    return {int(wid): body for wid, body in zip(found, bodies)}


def test_only_officers_see_the_page_and_the_api(work):
    work.whistled()
    signed_out = work.app.test_client()
    page = signed_out.get("/department")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    api = signed_out.get("/api/v1/department/whistles")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorized"
    for user in (work.resident, work.chief, make_user(Role.STEWARD)):
        assert get(work.app, user, "/department").status_code == 403
        refused = get(work.app, user, "/api/v1/department/whistles")
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert get(work.app, work.officer, "/department").status_code == 200
    assert get(work.app, work.officer, "/api/v1/department/whistles").status_code == 200


def test_an_officer_sees_only_the_whistles_of_their_departments_in_their_streets(work):
    ours = work.whistled(0)
    theirs = work.whistled(1, departments=("police",))
    both = work.whistled(2, departments=("urban_management", "police"))
    elsewhere = other_street()  # the same department in another street is another team
    away = work.whistled(departments=("urban_management",), reporter=make_user(Role.RESIDENT, street=elsewhere),
                         chief=make_user(Role.CHIEF, street=elsewhere), where=(116.305, 39.805))
    officer_there = make_user(Role.OFFICER, street=elsewhere)

    mine = listed(work.app, work.officer)
    assert sorted(w["report"]["id"] for w in mine) == sorted([ours.id, both.id])
    assert {w["department"] for w in mine} == {"urban_management"}
    police = listed(work.app, work.police)
    assert sorted(w["report"]["id"] for w in police) == sorted([theirs.id, both.id])
    assert {w["department"] for w in police} == {"police"}
    assert [w["report"]["id"] for w in listed(work.app, officer_there)] == [away.id]

    html = main_of(get(work.app, work.officer, "/department").get_data(as_text=True))
    assert f"/reports/{ours.id}" in html and f"/reports/{both.id}" in html
    assert f"/reports/{theirs.id}" not in html and f"/reports/{away.id}" not in html


def test_overdue_first_then_by_deadline_with_the_minutes_left_from_the_clock(work):
    on_site = work.whistled(0, at=T0)
    work.clock.now = T0 + timedelta(minutes=5)
    transition(work.officer, on_site.id, Step.REPORT_ON_SITE)
    late = work.whistled(1, at=T0 + timedelta(minutes=1))  # due T0+31
    later = work.whistled(2, at=T0 + timedelta(minutes=20))  # due T0+50
    soon = work.whistled(3, at=T0 + timedelta(minutes=10))  # due T0+40
    work.clock.now = T0 + timedelta(minutes=35, seconds=30)

    shown = listed(work.app, work.officer)
    assert [w["report"]["id"] for w in shown] == [late.id, soon.id, later.id, on_site.id]
    assert [w["overdue"] for w in shown] == [True, False, False, False]
    assert [w["minutes_left"] for w in shown] == [-5, 5, 15, None]  # whole minutes, rounded up either way

    html = main_of(get(work.app, work.officer, "/department").get_data(as_text=True))
    page = cards(html)
    assert list(page) == [w["id"] for w in shown]  # the page keeps the order
    first, second = page[shown[0]["id"]], page[shown[1]["id"]]
    assert "is-overdue" in first and "Overdue by 5 min" in text_of(first)
    assert "is-overdue" not in second and "5 min left" in text_of(second)
    assert 'data-minutes-left="-5"' in first and 'data-minutes-left="5"' in second  # for department.js to tick
    assert "On site since" in text_of(page[shown[3]["id"]])
    assert "Overdue: 1" in text_of(html) and "To report on site: 3" in text_of(html)

    work.clock.now = T0 + timedelta(minutes=31)  # exactly at the deadline: not yet overdue
    assert listed(work.app, work.officer)[0]["minutes_left"] == 0
    assert [w["overdue"] for w in listed(work.app, work.officer)] == [False] * 4


def test_the_steps_offered_follow_the_state_of_our_part(work):
    report = work.whistled()
    onsite_form = f'action="/reports/{report.id}/steps/report_on_site"'
    finish_form = f'action="/reports/{report.id}/steps/finish_part"'
    note_form = f'action="/reports/{report.id}/steps/add_note"'

    def state():
        (item,) = listed(work.app, work.officer)
        html = main_of(get(work.app, work.officer, "/department").get_data(as_text=True))
        return item["status"], item["actions"], (onsite_form in html, finish_form in html, note_form in html)

    assert state() == ("whistled", ["report_on_site", "add_note"], (True, False, True))
    work.clock.now = T0 + timedelta(minutes=12)
    transition(work.officer, report.id, Step.REPORT_ON_SITE, lon=116.371, lat=39.943)
    assert state() == ("on_site", ["add_note", "finish_part"], (False, True, True))
    transition(work.officer, report.id, Step.ADD_NOTE, note="已到现场，正在清理", photo=jpeg())
    transition(work.officer, report.id, Step.FINISH_PART)
    assert state() == ("done", ["add_note"], (False, False, True))

    transition(work.chief, report.id, Step.RESOLVE, note="已清理完毕")
    assert listed(work.app, work.officer) == []  # the case is resolved: nothing left to do
    (closed,) = listed(work.app, work.officer, include_closed=1)
    assert closed["active"] is False and closed["actions"] == [] and closed["minutes_left"] is None
    assert closed["closed_at"] and closed["report"]["status"] == "resolved"
    html = main_of(get(work.app, work.officer, "/department").get_data(as_text=True))
    assert "/steps/" not in html and "Resolved cases" in text_of(html) and f"/reports/{report.id}" in html


def test_the_page_posts_each_step_to_the_step_endpoint_and_comes_back_here(work):
    waiting = work.whistled(0)
    there = work.whistled(1)
    transition(work.officer, there.id, Step.REPORT_ON_SITE)
    html = main_of(get(work.app, work.officer, "/department").get_data(as_text=True))
    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S)
    by_action = {re.search(r'action="([^"]+)"', attrs).group(1): (attrs, body) for attrs, body in forms}
    assert set(by_action) == {f"/reports/{waiting.id}/steps/report_on_site", f"/reports/{waiting.id}/steps/add_note",
                              f"/reports/{there.id}/steps/finish_part", f"/reports/{there.id}/steps/add_note"}
    for attrs, body in by_action.values():
        assert 'method="post"' in attrs
        assert re.search(r'<input type="hidden" name="next" value="/department">', body)
        assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]*">', body)
        assert re.search(r'<textarea[^>]*name="note"', body)
    on_site_attrs, on_site = by_action[f"/reports/{waiting.id}/steps/report_on_site"]
    assert "data-on-site" in on_site_attrs  # department.js adds the position
    assert re.search(r'<input type="hidden" name="lon"[^>]*disabled', on_site)  # sent only once filled in
    assert re.search(r'<input type="hidden" name="lat"[^>]*disabled', on_site)
    note_attrs, note = by_action[f"/reports/{waiting.id}/steps/add_note"]
    assert 'enctype="multipart/form-data"' in note_attrs and re.search(r'<input[^>]*type="file"[^>]*name="photo"', note)
    assert 'name="photo"' not in by_action[f"/reports/{there.id}/steps/finish_part"][1]
    # Every form field has its label: the page is read on a phone in the street, often with large text.
    for field_id in re.findall(r'<(?:textarea|input)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html
    assert re.search(r'<script type="application/json" id="department-text">', get(
        work.app, work.officer, "/department").get_data(as_text=True))


def test_the_forms_take_the_step_and_come_back_to_the_list(work):
    report = work.whistled()
    officer = work.app.test_client(user=work.officer)
    work.clock.now = T0 + timedelta(minutes=9)
    sent = officer.post(f"/reports/{report.id}/steps/report_on_site", headers=EN,
                        data={"csrf_token": "", "next": "/department", "lon": "116.3712", "lat": "39.9431", "note": ""})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/department")
    (item,) = listed(work.app, work.officer)
    assert item["status"] == "on_site" and item["on_site_at"] == (T0 + timedelta(minutes=9)).isoformat()
    db.session.expire_all()
    assert (db.session.get(Whistle, item["id"]).on_site_lon, db.session.get(Whistle, item["id"]).on_site_lat) == (
        116.3712, 39.9431)  # where the officer was, as department.js sends it
    noted = officer.post(f"/reports/{report.id}/steps/add_note", headers=EN, content_type="multipart/form-data",
                         data={"next": "/department", "note": "", "photo": (io.BytesIO(jpeg()), "found.jpg")})
    assert noted.status_code == 302 and noted.headers["Location"].endswith("/department")
    page = officer.get("/department", headers=EN).get_data(as_text=True)
    assert f'action="/reports/{report.id}/steps/finish_part"' in page


def test_the_json_gives_the_whistle_the_case_and_what_to_do(work):
    report = work.whistled(0)
    work.clock.now = T0 + timedelta(minutes=10)
    response = get(work.app, work.officer, "/api/v1/department/whistles")
    body = response.get_json()
    assert body["generated_at"] == (T0 + timedelta(minutes=10)).isoformat()
    (item,) = body["whistles"]
    assert item["department"] == "urban_management" and item["department_name"] == "城管执法"
    assert item["kind"] == "enforcement" and item["status"] == "whistled" and item["active"] is True
    assert item["due_at"] == (T0 + timedelta(minutes=30)).isoformat() and item["minutes_left"] == 20
    assert item["overdue"] is False and item["late"] is False and item["on_site_at"] is None
    assert "enforcement" in item["kind_label"].lower() and item["status_label"]
    shown = item["report"]
    assert set(shown) == {"id", "category_name", "alley", "street_name", "status", "status_label", "lon", "lat",
                          "description", "url"}
    assert shown["id"] == report.id and shown["url"] == f"/reports/{report.id}"
    assert shown["alley"] == work.alleys[0].name and shown["street_name"] == work.street.name
    assert shown["status"] == "whistled" and shown["description"] == "门口堆了旧家具"
    assert shown["category_name"] == "Goods piled in the lane"
    assert abs(shown["lon"] - on_alley(work.alleys[0])[0]) < 0.001
    assert item["actions"] == ["report_on_site", "add_note"]


def test_the_list_takes_a_few_queries_however_long_it_is(work):
    def statements(path):
        seen, client = [], work.app.test_client(user=work.officer)
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with work.app.app_context():  # a session of its own, as each request has: nothing remembered
                assert client.get(path, headers=EN).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    work.officer.locale = "en"  # known already: a first visit writes it once (webapp.auth.remember_language)
    db.session.commit()
    work.whistled(0)
    one = {path: statements(path) for path in ("/api/v1/department/whistles", "/department")}
    for alley in (1, 2, 3):
        work.whistled(alley)
    assert len(listed(work.app, work.officer)) == 4
    assert {path: statements(path) for path in one} == one
    assert max(one.values()) <= 6  # the user, the whistles with their cases, every whistle of those cases


def test_the_page_speaks_chinese_by_default_and_says_when_there_is_nothing(work):
    empty = work.app.test_client(user=work.officer).get("/department")
    assert empty.status_code == 200 and 'lang="zh-Hans"' in empty.get_data(as_text=True)
    assert "No whistles for your department right now." in text_of(get(work.app, work.officer, "/department")
                                                                      .get_data(as_text=True))


def test_the_case_history_names_each_department_step_apart(work):
    report = work.whistled(departments=("urban_management", "police"))
    transition(work.officer, report.id, Step.REPORT_ON_SITE)
    transition(work.police, report.id, Step.REPORT_ON_SITE)
    transition(work.officer, report.id, Step.FINISH_PART)  # 公安 still working: the case stays "on site"

    mine = main_of(get(work.app, work.resident, "/reports/mine").get_data(as_text=True))
    steps = [text_of(s) for s in re.findall(r'<span class="mini-step">(.*?)</span>', mine, re.S)]
    assert steps[-3:] == ["Department on site", "Department on site", "Department finished its part"]
    case = main_of(get(work.app, work.resident, f"/reports/{report.id}").get_data(as_text=True))
    what = [text_of(s) for s in re.findall(r'<p class="timeline-what">(.*?)</p>', case, re.S)]
    assert what[-3:] == ["Department on site: 城管执法", "Department on site: 公安",
                         "Department finished its part: 城管执法"]


def test_every_step_of_the_case_file_has_a_name_of_its_own_in_both_languages(app):
    from flask_babel import force_locale

    from webapp.labels import STEP_LABELS

    assert {step.value for step in Step} <= set(STEP_LABELS)
    for locale in ("en", "zh_Hans"):
        with app.test_request_context(), force_locale(locale):
            names = [str(label) for label in STEP_LABELS.values()]
        assert len(set(names)) == len(names), (locale, names)

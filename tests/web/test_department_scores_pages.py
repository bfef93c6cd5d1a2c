"""The street's scores of its departments through the pages: the chief's form on the case page (and in the triage
pane), the officers' own scores on /department, the monthly scorecard and its xlsx; every refusal in the user's
language, with nothing changed."""
import io
import re
from html import unescape

import pytest
from flask_login import FlaskLoginClient
from openpyxl import load_workbook

from tests.factories import make_user
from tests.services.cases.test_department_scores import counts, whistle_of, whistled_case
from tests.services.performance.test_metrics import world  # noqa: F401  (world: the fixture)
from webapp.extensions import db
from webapp.models import DepartmentScore, Role
from webapp.services.cases.department_scores import ScoreInput, score_department

EN = {"Accept-Language": "en"}


@pytest.fixture
def pages(app, world):
    app.test_client_class = FlaskLoginClient
    return world


def client(app, user):
    return app.test_client(user=user)


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def post_score(app, user, report_id, whistle_id, on_time="4", attitude="5", result="3", comment="", pane=False,
               headers=None, using=None):
    data = {"whistle": str(whistle_id), "on_time": on_time, "attitude": attitude, "result": result, "comment": comment}
    return (using or client(app, user)).post(f"/reports/{report_id}/scores{'?pane=1' if pane else ''}", data=data,
                                  headers=headers or {})


def test_the_chief_scores_a_department_on_the_case_page(app, pages):
    report = whistled_case(pages, "urban_management", "police")
    chief = pages.people["chief"]
    page = client(app, chief).get(f"/reports/{report.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="scores"' in html and "为部门评分" in html
    assert html.count('class="score-form"') == 2 and html.count('type="radio"') == 2 * 3 * 5
    urban = whistle_of(report, "urban_management")

    browser = client(app, chief)  # one cookie jar: the message flashed after the post shows on the next page
    saved = post_score(app, chief, report.id, urban.id, comment="到得快", using=browser)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/reports/{report.id}#scores")
    after = browser.get(f"/reports/{report.id}")
    assert "评分已保存：城管执法" in text(after) and "评分 4.0 / 5" in text(after) and "更正评分" in text(after)
    # The saved marks are checked in the form, for a correction.
    assert re.search(r'name="on_time" value="4" required checked', after.get_data(as_text=True))

    again = post_score(app, chief, report.id, urban.id, comment="到得快", using=browser)  # a second click
    assert again.status_code == 302 and counts() == (1, 1)
    assert "没有改动" in text(browser.get(f"/reports/{report.id}"))


def test_a_correction_on_the_page_shows_the_earlier_version(app, pages):
    report = whistled_case(pages, "urban_management")
    chief, urban = pages.people["chief"], whistle_of(report, "urban_management")
    post_score(app, chief, report.id, urban.id, "1", "1", "1", "迟到")
    pages.clock.advance(minutes=5)
    post_score(app, chief, report.id, urban.id, "4", "4", "4", "核实后改正")
    html = text(client(app, chief).get(f"/reports/{report.id}", headers=EN))
    assert "corrected 1 time" in html and "Earlier versions" in html and "“迟到”" in html
    assert counts() == (1, 2)


@pytest.mark.parametrize("marks", [("0", "3", "3"), ("3", "6", "3"), ("3", "3", ""), ("3", "3", "2.5"), ("3", "x", "3")])
def test_a_mark_out_of_range_is_refused_in_the_users_language_and_what_was_typed_is_kept(app, pages, marks):
    report = whistled_case(pages, "urban_management")
    chief, urban = pages.people["chief"], whistle_of(report, "urban_management")
    zh = post_score(app, chief, report.id, urban.id, *marks, comment="态度很好")
    assert zh.status_code == 400 and "请为每一项打 1 到 5 的整数分" in text(zh)
    assert "态度很好" in zh.get_data(as_text=True)  # the comment is still in the form
    en = post_score(app, chief, report.id, urban.id, *marks, headers=EN)
    assert en.status_code == 400 and "Please give each mark as a whole number from 1 to 5." in text(en)
    assert counts() == (0, 0)


@pytest.mark.parametrize("whistle", ["other", "999999", "-1", "abc", ""])
def test_a_department_not_whistled_on_this_case_is_refused(app, pages, whistle):
    report = whistled_case(pages, "urban_management")
    other = whistled_case(pages, "police")
    whistle_id = whistle_of(other, "police").id if whistle == "other" else whistle
    refused = post_score(app, pages.people["chief"], report.id, whistle_id, headers=EN)
    assert refused.status_code == 400 and "That department was not whistled on this case." in text(refused)
    assert counts() == (0, 0)


def test_before_resolution_the_page_says_when_and_a_score_is_refused(app, pages):
    report = whistled_case(pages, "urban_management", resolve=False)
    chief = pages.people["chief"]
    page = client(app, chief).get(f"/reports/{report.id}", headers=EN)
    assert "Once the case is resolved, you score here" in text(page) and 'class="score-form"' not in page.get_data(as_text=True)
    refused = post_score(app, chief, report.id, whistle_of(report, "urban_management").id, headers=EN)
    assert refused.status_code == 409 and "Departments are scored once the case is resolved." in text(refused)
    assert counts() == (0, 0)


def test_nobody_but_the_streets_chief_scores_or_sees_the_form(app, pages):
    report = whistled_case(pages, "urban_management")
    urban = whistle_of(report, "urban_management")
    others = [pages.people["urban"], pages.people["resident"], make_user(Role.CHIEF, street=pages.elsewhere),
              make_user(Role.ADMIN)]
    for who in others:
        assert 'id="scores"' not in client(app, who).get(f"/reports/{report.id}").get_data(as_text=True)
        assert post_score(app, who, report.id, urban.id).status_code == 403
    assert client(app, None).post(f"/reports/{report.id}/scores", data={}).status_code == 302  # to sign in
    assert counts() == (0, 0)


def test_the_triage_pane_takes_the_score_and_answers_with_the_case_file(app, pages):
    report = whistled_case(pages, "urban_management")
    chief, urban = pages.people["chief"], whistle_of(report, "urban_management")
    pane = client(app, chief).get(f"/reports/{report.id}?pane=1")
    assert pane.status_code == 200 and 'class="score-form"' in pane.get_data(as_text=True)
    answered = post_score(app, chief, report.id, urban.id, pane=True)
    assert answered.status_code == 200 and "评分已保存：城管执法" in text(answered)
    assert "<html" not in answered.get_data(as_text=True)  # the fragment, not a page
    assert counts() == (1, 1)


def test_officers_see_their_own_departments_scores_on_their_page(app, pages):
    report = whistled_case(pages, "urban_management", "police")
    chief = pages.people["chief"]
    score_department(chief, report.id, ScoreInput(whistle_of(report, "urban_management").id, 5, 4, 5, "城管到得快"))
    score_department(chief, report.id, ScoreInput(whistle_of(report, "police").id, 1, 2, 1, "公安迟到了"))
    urban_page = text(client(app, pages.people["urban"]).get("/department"))
    assert "街道对本部门工作的评分" in urban_page and "城管到得快" in urban_page and "公安迟到了" not in urban_page
    police_page = text(client(app, pages.people["police"]).get("/department"))
    assert "公安迟到了" in police_page and "城管到得快" not in police_page
    # Nor does the case page show an officer the scores (theirs or the other department's).
    case_page = text(client(app, pages.people["urban"]).get(f"/reports/{report.id}"))
    assert "公安迟到了" not in case_page and "城管到得快" not in case_page


# --- the monthly scorecard -------------------------------------------------------------------------------

@pytest.fixture
def scored_month(pages):
    pages.at(days=1)
    report = whistled_case(pages, "urban_management", "police")
    chief = pages.people["chief"]
    score_department(chief, report.id, ScoreInput(whistle_of(report, "urban_management").id, 5, 4, 3))
    score_department(chief, report.id, ScoreInput(whistle_of(report, "police").id, 2, 2, 2))
    pages.at(days=2)
    return pages


def test_the_scorecard_page_for_the_streets_chief(app, scored_month):
    world = scored_month
    page = client(app, world.people["chief"]).get(f"/performance/scorecard?street={world.street.id}&month=2026-11")
    shown = text(page)
    assert page.status_code == 200 and "部门考核表" in shown and world.street.name in shown and "2026-11" in shown
    assert "城管执法" in shown and "公安" in shown and "4.00" in shown and "2.00" in shown and "街道合计" in shown
    html = page.get_data(as_text=True)
    assert "@media print" not in html and "css/scorecard.css" in html and "css/brief.css" in html
    assert 'href="/performance/scorecard.xlsx?street=' in html


def test_the_scorecard_defaults_to_this_month_and_refuses_a_bad_one(app, scored_month):
    world = scored_month
    chief = world.people["chief"]
    assert "2026-11" in text(client(app, chief).get("/performance/scorecard"))  # the clock is in November
    for month in ("2026-13", "26-11", "2026-1", "abc", "1999-12", "2100-01"):
        refused = client(app, chief).get(f"/performance/scorecard?month={month}", headers=EN)
        assert refused.status_code == 400, month
    assert "Please give the month as YYYY-MM." in text(client(app, chief).get("/performance/scorecard?month=x",
                                                                               headers=EN))
    assert client(app, chief).get("/performance/scorecard?street=abc").status_code == 400


def test_who_sees_the_scorecard(app, scored_month):
    world = scored_month
    q = f"?street={world.street.id}&month=2026-11"
    for who, status in ((world.people["chief"], 200), (make_user(Role.ORGANIZER), 200), (make_user(Role.ADMIN), 200),
                        (world.people["urban"], 403), (world.people["steward"], 403), (world.people["resident"], 403),
                        (make_user(Role.CHIEF, street=world.elsewhere), 403)):
        for path in ("/performance/scorecard", "/performance/scorecard.xlsx"):
            assert client(app, who).get(path + q).status_code == status, (who.username, path)


def test_the_scorecard_xlsx_holds_the_pages_rows(app, scored_month):
    world = scored_month
    response = client(app, world.people["chief"]).get(
        f"/performance/scorecard.xlsx?street={world.street.id}&month=2026-11", headers=EN)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="scorecard-{world.street.id}-2026-11.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.title == "2026-11"
    assert rows[0] == ["Department", "Whistles due", "On site in time", "On-site rate", "Cases", "Resolution due",
                       "Resolved", "Resolution rate", "Scores", "On time (average)", "Attitude (average)",
                       "Result (average)", "Average score"]
    # Both on site (the helper reports at once), the case resolved and waiting for its verdict.
    assert rows[1:] == [
        ["公安", 1, 1, 1, 1, 0, 0, None, 1, 2, 2, 2, 2],  # as many cases each: by name
        ["城管执法", 1, 1, 1, 1, 0, 0, None, 1, 5, 4, 3, 4],
        ["Street total", 2, 2, 1, 1, 0, 0, None, 2, 3.5, 3, 2.5, 3],
    ]
    assert db.session.scalar(db.select(db.func.count()).select_from(DepartmentScore)) == 2


def test_odd_addresses_change_nothing(app, pages):
    report = whistled_case(pages, "urban_management")
    chief, urban = pages.people["chief"], whistle_of(report, "urban_management")
    assert post_score(app, chief, 999999, urban.id).status_code == 404  # no such case
    assert post_score(app, chief, report.id, "9" * 30, headers=EN).status_code == 400  # an id no database holds
    # The form's address opened as a page (the language switch on a refused score): back to the case file.
    assert client(app, chief).get(f"/reports/{report.id}/scores").status_code == 302
    admin = make_user(Role.ADMIN)
    assert client(app, admin).get("/performance/scorecard?street=999999").status_code == 404
    assert counts() == (0, 0)

"""The chief scores the departments of resolved cases on a tablet (in the triage pane and on the case page), the form
at phone size, the officer's own scores, and the monthly scorecard printed on one A4 page."""
import re

import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.services.cases.test_department_scores import whistle_of, whistled_case
from tests.services.performance.test_metrics import world  # noqa: F401  (world: the fixture)
from webapp.extensions import db
from webapp.models import DepartmentScore
from webapp.services.cases.department_scores import ScoreInput, score_department

pytestmark = pytest.mark.browser


def score_card(scope, department: str):
    page = scope if not hasattr(scope, "page") else scope.page  # a Page, or a Locator within one
    return scope.locator(".score-card", has=page.get_by_role("heading", name=department, exact=True))


def give(card, on_time: int, attitude: int, result: int, comment: str = "") -> None:
    """Tap one button per mark, as a chief does with a finger, and save."""
    for mark, value in (("on_time", on_time), ("attitude", attitude), ("result", result)):
        card.locator(f".score-choice:has(input[name={mark}][value='{value}'])").click()
    if comment:
        card.locator("textarea").fill(comment)
    card.locator("button[type=submit]").click()


def saved() -> list[tuple]:
    db.session.expire_all()
    return sorted((s.whistle.department.code, s.on_time, s.attitude, s.result, s.comment)
                  for s in db.session.scalars(db.select(DepartmentScore)))


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_chief_scores_departments_on_a_tablet_and_the_form_fits_a_phone(app, browser, live_server, world):
    first = whistled_case(world, "urban_management", "police")
    second = whistled_case(world, "urban_management")
    chief = world.people["chief"]
    context, page, errors = signed_in(browser, live_server, chief, "tablet")

    # From the queue of resolved cases: the case opens in the pane, with one card per whistled department.
    page.goto(f"{live_server}/triage?status=resolved")
    page.locator("#triage-map").wait_for()
    page.locator(f".queue-link[data-id='{first.id}']").click()
    page.wait_for_function("!document.getElementById('triage-pane').hasAttribute('aria-busy')")
    pane = page.locator("#triage-pane")
    pane.locator("#scores").wait_for()
    give(score_card(pane, "城管执法"), 5, 4, 5, "到得快，处理干净")
    pane.locator(".case-flash-success", has_text="城管执法").wait_for()
    give(score_card(pane, "公安"), 2, 3, 4)
    pane.locator(".case-flash-success", has_text="公安").wait_for()
    pane.locator("#scores").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"scores-triage-tablet-{backend_of(app)}.png"))
    assert saved() == [("police", 2, 3, 4, ""), ("urban_management", 5, 4, 5, "到得快，处理干净")]

    # On the case page: the buttons are large enough for a finger; a score out of range cannot be sent.
    page.goto(f"{live_server}/reports/{second.id}#scores")
    card = score_card(page, "城管执法")
    box = card.locator(".score-choice span").first.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 56
    card.locator("button[type=submit]").click()  # nothing chosen: the browser asks for the marks
    assert page.evaluate("document.querySelector('.score-form').checkValidity()") is False
    give(card, 3, 3, 2, "来得晚")
    page.locator(".case-flash-success", has_text="城管执法").wait_for()
    # A correction: the saved marks are ready in the form; change one.
    give(score_card(page, "城管执法"), 4, 3, 2, "核实：按时到场")
    page.locator(".case-flash-success").wait_for()
    assert "已更正 1 次" in page.locator("#scores").inner_text()
    page.locator("#scores").screenshot(path=str(ARTIFACTS / f"scores-case-tablet-{backend_of(app)}.png"))
    assert ("urban_management", 4, 3, 2, "核实：按时到场") in saved() and len(saved()) == 3
    no_sideways_scroll(page)
    assert errors == []
    context.close()

    # At phone size the form stays one column, without sideways scrolling, each button still 56px high.
    context, phone, errors = signed_in(browser, live_server, chief, "phone")
    phone.goto(f"{live_server}/reports/{second.id}")
    phone.locator("#scores").scroll_into_view_if_needed()
    box = phone.locator(".score-choice span").first.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 48
    no_sideways_scroll(phone)
    phone.locator(".score-card").first.screenshot(path=str(ARTIFACTS / f"scores-form-phone-{backend_of(app)}.png"))
    phone.screenshot(path=str(ARTIFACTS / f"scores-phone-{backend_of(app)}.png"))
    assert errors == []
    context.close()

    # The officer of 城管执法 sees their department's scores, not 公安's.
    context, officer, errors = signed_in(browser, live_server, world.people["urban"], "phone")
    officer.goto(f"{live_server}/department")
    scores = officer.locator("#scores")
    scores.scroll_into_view_if_needed()
    assert "到得快，处理干净" in scores.inner_text() and "公安" not in scores.inner_text()
    no_sideways_scroll(officer)
    officer.screenshot(path=str(ARTIFACTS / f"scores-officer-phone-{backend_of(app)}.png"))
    assert errors == []
    context.close()


def test_the_monthly_scorecard_prints_on_one_a4_page(app, browser, live_server, world):
    chief = world.people["chief"]
    for day in range(1, 6):  # a few cases over the month, each scored
        world.at(days=day)
        report = whistled_case(world, "urban_management", "police")
        for code, marks in (("urban_management", (5, 4, day % 5 + 1)), ("police", (3, 3, 3))):
            score_department(chief, report.id, ScoreInput(whistle_of(report, code).id, *marks))
        if day <= 3:  # confirmed; the last two still wait for their reporter
            world.verdict(report.id, "satisfied")
    world.at(days=8)

    context, page, errors = signed_in(browser, live_server, chief, "tablet")
    page.goto(f"{live_server}/performance")
    page.get_by_role("link", name="部门考核表").click()
    page.wait_for_url(re.compile(r".*/performance/scorecard\?street=\d+"))
    table = page.locator(".card-table").inner_text()
    for shown in ("城管执法", "公安", "街道合计", "100.0%", "3 中 3", "3.00", "4.00"):
        assert shown in table, shown
    page.screenshot(path=str(ARTIFACTS / f"scorecard-tablet-{backend_of(app)}.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / f"scorecard-print-{backend_of(app)}.png"), full_page=True)
    pdf = page.pdf(format="A4")
    (ARTIFACTS / f"scorecard-{backend_of(app)}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one page
    assert errors == []
    context.close()

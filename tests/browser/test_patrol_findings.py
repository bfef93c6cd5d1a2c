"""Issue 18, items 3 and 4 in the browser: on a phone with no signal, a steward ticks a problem during a patrol and
reports it in one tap; back online, the report and the patrol each arrive once and the case is listed with its
patrol. On a tablet, the organizer sees what the stewards and the team achieved (the screenshots)."""
from datetime import datetime, timezone

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, sign_in
from tests.browser.test_volunteer_flow import FAKE_GPS, walk
from tests.factories import alleys_of, demo_street, make_user
from tests.services.volunteers.test_achievements import a_year_of_work, street  # noqa: F401  (the fixture)
from webapp.extensions import db
from webapp.models import Patrol, Report, Role, TeamMembership
from webapp.services.cases.findings import my_patrols
from webapp.services.organizing.teams import add_to_team, create_team
from webapp.services.places.claims import claim_alley

pytestmark = pytest.mark.browser


@pytest.fixture
def steward(app):
    alley = next(a for a in alleys_of(demo_street()) if a.name == "演示头条胡同")
    user = make_user(Role.STEWARD, name="张师傅")
    claim_alley(user, alley.id)
    return user, alley


def test_a_problem_found_offline_on_a_patrol_is_filed_once_and_listed_with_its_patrol(app, live_server, browser,
                                                                                      steward):
    user, alley = steward
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                  permissions=["geolocation"], service_workers="block")
    context.add_init_script(FAKE_GPS)
    errors, backend = [], backend_of(app)
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, user)
        page.goto(f"{live_server}/?lang=en")
        page.locator(".alley-label", has_text=alley.name).click()
        page.get_by_role("button", name="Start patrol").click()
        walk(page, app.test_client(), alley.id, 1.0)

        # The signal goes halfway down the alley: the problem is ticked, noted and reported all the same.
        context.set_offline(True)
        page.get_by_role("button", name="No goods piled in the lane: Problem").click()
        page.get_by_role("textbox", name="No goods piled in the lane: What is wrong? (optional)").fill("纸箱堆在门口")
        page.get_by_role("button", name="No goods piled in the lane: Report it").click()
        form = page.locator("#report")
        form.wait_for()
        assert "Found on this patrol: No goods piled in the lane" in form.inner_text()
        chosen = form.locator(".category-choice[aria-pressed=true]")
        assert chosen.inner_text() == "Goods piled in the lane"  # the item's category, chosen already
        assert form.locator("[data-description]").input_value() == "纸箱堆在门口"
        assert "8" in form.locator("[data-report-where]").inner_text()  # the patrol's last fix, its accuracy
        page.screenshot(path=str(ARTIFACTS / f"patrol-finding-draft-phone-{backend}.png"))
        form.locator("[data-report-send]").click()
        page.locator("#report-result", has_text="saved on this phone").wait_for()
        page.locator("#report-result [data-result-close]").click()
        item = page.locator("#patrol .check-item", has_text="No goods piled in the lane")
        assert item.locator(".check-reported").inner_text() == "Reported: 1"
        item.locator(".check-reported").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"patrol-finding-reported-phone-{backend}.png"))
        page.get_by_role("button", name="Finish patrol").click()
        page.locator("#patrol-queue", has_text="1 patrol(s) waiting").wait_for()
        page.locator("#report-queue", has_text="1 report(s) waiting").wait_for()
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0

        # Back online: both queues empty themselves, and a second 'online' sends nothing twice.
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online')); window.dispatchEvent(new Event('online'))")
        page.locator("#patrol-result", has_text="you covered the alley").wait_for()
        page.locator("#report-queue").wait_for(state="hidden")
        page.locator("#patrol-queue").wait_for(state="hidden")

        page.goto(f"{live_server}/patrols/mine")
        card = page.locator(".patrol-card", has_text=alley.name)
        card.locator(".finding", has_text="Goods piled in the lane").wait_for()
        assert "Reported" in card.inner_text()  # the case's status
        page.screenshot(path=str(ARTIFACTS / f"patrol-findings-page-phone-{backend}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []

    db.session.expire_all()
    [patrol] = db.session.scalars(db.select(Patrol)).all()
    [report] = db.session.scalars(db.select(Report)).all()
    assert report.patrol_client_id == patrol.client_id and report.checklist_item == "piled_goods"
    assert report.reporter_id == patrol.user_id == user.id and report.description == "纸箱堆在门口"
    assert patrol.checklist["piled_goods"] == "problem"
    assert [r.id for r in my_patrols(user)[0].cases] == [report.id]


def test_the_organizer_sees_what_stewards_and_the_team_achieved_on_a_tablet(app, live_server, browser,
                                                                           street):  # noqa: F811
    a_year_of_work(street)
    team = create_team(street.organizer, street.alley.street_id, "南锣老街坊")
    for steward in (street.wang, street.li):
        add_to_team(street.organizer, team.id, steward.id, leader=steward is street.wang)
    db.session.execute(db.update(TeamMembership).values(joined_at=datetime(2024, 1, 1, tzinfo=timezone.utc)))
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["tablet"], has_touch=True,
                                  service_workers="block")
    errors, backend = [], backend_of(app)
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, street.organizer)
        page.goto(f"{live_server}/roster/teams/{team.id}?year=2025")
        summary = page.locator("#team-achieved")
        assert "劝导解决问题1起，上报街巷长4起，问题解决并经居民确认1起" in summary.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"team-achieved-tablet-{backend}.png"), full_page=True)

        page.goto(f"{live_server}/roster/?sort=-escalated")
        page.get_by_role("link", name="上报").wait_for()
        header = page.locator("#roster th[aria-sort=descending]")
        assert header.inner_text().startswith("上报")
        page.locator("#roster th", has_text="劝导").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"roster-achieved-tablet-{backend}.png"), full_page=True)
        page.get_by_role("link", name="劝导").click()  # most handled on the spot first
        page.wait_for_url("**sort=-on_the_spot**")
        assert page.locator("#roster tbody tr").first.inner_text().startswith("王师傅")

        page.goto(f"{live_server}/roster/people/{street.wang.id}?year=2025")
        assert "劝导解决问题1起，上报街巷长2起，问题解决并经居民确认1起" in page.locator("#achieved").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"person-achieved-tablet-{backend}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []

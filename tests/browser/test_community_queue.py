"""The community queue (小事不出社区) at phone and tablet size: two cases a steward passed up wait in the community's
queue; its worker passes one up to the street chief with a note and resolves the other with a note; the chief's
queue then holds the first, and both case files show the community's steps. The organizer's communities page
draws its map with the drawing tools."""
import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_communities import WEST, community, passed_up, worker_of
from tests.services.cases.test_reports import on_alley, report_at
from webapp.extensions import db
from webapp.models import Report, ReportStatus, Role
from webapp.services.places.claims import claim_alley

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    street = demo_street()
    west = community(street, "西社区", WEST)
    alley = next(a for a in alleys_of(street) if a.name == "演示北巷")
    steward = make_user(Role.STEWARD, street, name="管家老王")
    claim_alley(steward, alley.id)
    world = {"street": street, "west": west, "west_alley": alley, "steward": steward,
             "worker": worker_of(west, "社区专员小周"), "chief": make_user(Role.CHIEF, street, name="街巷长刘"),
             "resident": make_user(Role.RESIDENT, street, name="居民张阿姨"),
             "organizer": make_user(Role.ORGANIZER, street, name="组织者")}
    world["cases"] = [passed_up(world, category=code).id for code in ("piled_goods", "noise")]
    return world


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_a_worker_passes_one_case_up_and_resolves_another(app, browser, live_server, world, viewport):
    backend = backend_of(app)
    first, second = world["cases"]
    context, page, errors = signed_in(browser, live_server, world["worker"], viewport)
    try:
        if page.locator("#menu-toggle").is_visible():  # on a phone the header's links are in its menu
            page.locator("#menu-toggle").click()
        page.locator("a", has_text="社区待办").first.click()  # the header's link to the queue
        page.wait_for_url(f"{live_server}/community**")
        cards = page.locator(".community-card")
        assert cards.count() == 2 and no_sideways_scroll(page)
        assert "西社区" in page.locator(".dept-departments").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"community-queue-{viewport}-{backend}.png"), full_page=True)

        # Pass the first up, with a note for the chief.
        card = page.locator(f"#case-{first}")
        card.locator("summary", has_text="上报街巷长").click()
        card.locator(f"#case-{first}-pass-note").fill("需要城管执法，社区无法处理")
        card.locator("button[type=submit]", has_text="上报").click()
        page.locator(".case-flash-success, [role=status]", has_text="已上报街巷长").first.wait_for()
        assert page.locator(f"#case-{first}").count() == 0

        # Resolve the second with a note on what was done.
        card = page.locator(f"#case-{second}")
        card.locator("summary", has_text="办结").click()
        card.locator(f"#case-{second}-resolve-note").fill("已与商户沟通，噪音已停止")
        card.locator("button", has_text="办结案件").click()
        page.locator(f"#case-{second} .community-age").wait_for()
        assert "待评价" in page.locator(f"#case-{second}").inner_text()  # waits for the verdict here
        assert no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"community-queue-{viewport}-after-{backend}.png"), full_page=True)

        # The case file says who did what.
        page.goto(f"{live_server}/reports/{first}")
        file_text = page.locator(".case-file").inner_text()
        assert "转至社区处理：西社区" in file_text and "社区上报街巷长" in file_text
        assert "需要城管执法，社区无法处理" in file_text
        assert no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"community-case-file-{viewport}-{backend}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()

    db.session.expire_all()
    passed, resolved = db.session.get(Report, first), db.session.get(Report, second)
    assert passed.status is ReportStatus.ESCALATED and passed.held_by_community_id is None
    assert resolved.status is ReportStatus.RESOLVED and resolved.held_by_community_id == world["west"].id

    # The chief's queue now holds the case passed up, not the one the community resolved.
    context, page, errors = signed_in(browser, live_server, world["chief"], viewport)
    try:
        page.goto(f"{live_server}/triage")
        ids = page.locator(".queue-link").evaluate_all("links => links.map(a => Number(a.dataset.id))")
        assert first in ids and second not in ids
        assert errors == []
    finally:
        context.close()


def test_the_organizer_draws_on_the_communities_page(app, browser, live_server, world):
    context, page, errors = signed_in(browser, live_server, world["organizer"], "tablet")
    try:
        page.goto(f"{live_server}/roster/communities")
        page.locator("#community-map .leaflet-pm-toolbar").first.wait_for()  # Leaflet-Geoman's drawing tools
        assert "西社区" in page.locator("#list").inner_text() and "社区专员小周" in page.locator("#list").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"communities-page-tablet-{backend_of(app)}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()

"""The page the service worker shows for a page this phone has not kept speaks to whoever is looking: a resident
after their reports is pointed to My reports (kept on the phone); nothing speaks of patrols they never walk."""
import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, sign_in
from tests.factories import make_user
from webapp.models import Role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_a_resident_offline_on_a_page_never_visited_is_pointed_to_their_reports(app, live_server, browser, size):
    resident = make_user(Role.RESIDENT)
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[size], is_mobile=size == "phone",
                                  has_touch=True)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, resident)
        page.goto(f"{live_server}/?lang=en")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'")

        context.set_offline(True)
        page.goto(f"{live_server}/notifications/settings")  # never visited
        card = page.locator(".offline-page")
        card.wait_for()
        page.locator("[data-offline-kept='/reports/mine']").wait_for()  # kept on the first visit
        said = card.inner_text()
        assert "not kept on this phone" in said and "answers to your reports" in said
        assert "Patrols you finish" not in said  # a resident walks no patrols
        assert page.locator("[data-offline-nothing-waiting]").is_visible()
        assert page.locator("[data-outbox]").is_hidden()
        page.screenshot(path=str(ARTIFACTS / f"offline-fallback-resident-{size}-{backend_of(app)}.png"))
        page.get_by_role("link", name="My reports: the ones you filed").click()
        page.get_by_role("heading", name="My reports").wait_for()  # the kept copy, with no signal
    finally:
        context.close()
    assert errors == []

"""The street dashboard as a chief meets it on a tablet and an organizer on a desktop: a month of the street's
cases, the three rates with their definitions, the charts drawn from the JSON, the heat map layer, rankings, and
the printable daily brief."""
import re

import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import alleys_of, demo_street, make_user
from tests.support.case_history import build_history
from webapp.models import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def month(app):
    street = demo_street()
    build_history(app, street, alleys_of(street))
    return street


def test_the_dashboard_at_tablet_desktop_and_phone(app, browser, live_server, month):
    people = {"tablet": make_user(Role.CHIEF, name="街巷长孙"), "desktop": make_user(Role.ORGANIZER, name="组织者周"),
              "phone": make_user(Role.CHIEF, name="街巷长吴")}
    for viewport, user in people.items():
        context, page, errors = signed_in(browser, live_server, user, viewport)
        page.goto(f"{live_server}/performance?days=30")
        page.wait_for_function("document.querySelectorAll('canvas').length >= 2")
        page.wait_for_timeout(800)  # Chart.js animates in
        text = page.locator("main").inner_text()
        for shown in ("响应率", "解决率", "满意率", month.name, "演示头条胡同"):
            assert shown in text, shown
        page.screenshot(path=str(ARTIFACTS / f"performance-{viewport}-{backend_of(app)}.png"))
        page.screenshot(path=str(ARTIFACTS / f"performance-{viewport}-full-{backend_of(app)}.png"), full_page=True)
        assert errors == []
        context.close()


def test_the_heat_map_layer_and_the_daily_brief(app, browser, live_server, month):
    chief = make_user(Role.CHIEF, name="街巷长孙")
    context, page, errors = signed_in(browser, live_server, chief, "tablet")
    page.goto(f"{live_server}/performance?days=30")
    heat = page.locator(".leaflet-heatmap-layer")
    heat.wait_for(state="attached")
    page.locator(".leaflet-heatmap-layer").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"performance-heat-tablet-{backend_of(app)}.png"))
    page.goto(f"{live_server}/performance/brief")
    assert month.name in page.locator("body").inner_text()
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / f"performance-brief-print-{backend_of(app)}.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one page
    assert errors == []
    context.close()

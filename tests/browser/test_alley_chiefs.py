"""Alley chiefs in a real browser: the organizer appoints a chief on a tablet (and the alley's history shows the one
before); then anyone tapping the alley on the map, on a phone or a tablet, sees 本巷街巷长 with the name and a phone
to call, and the report form offers the kind of request. Nothing scrolls sideways on the phone."""
import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import alleys_of, demo_street, make_user, other_street
from webapp.models import Role
from webapp.services.places import chiefs

pytestmark = pytest.mark.browser

ALLEY = "演示三条胡同"
PHONE = "010-6404 1234"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_the_organizer_appoints_a_chief_on_a_tablet(app, live_server, browser):
    street = demo_street()
    organizer = make_user(Role.ORGANIZER, street, "组织者")
    make_user(Role.CHIEF, street, "王街巷长")
    li = make_user(Role.CHIEF, street, "李街巷长")
    make_user(Role.CHIEF, other_street(), "外街巷长")
    alley = next(a for a in alleys_of(street) if a.name == ALLEY)
    chiefs.assign_chief(organizer, alley.id, li.id, "13800138000")  # the one before
    context, page, errors = signed_in(browser, live_server, organizer, "tablet")
    try:
        page.goto(f"{live_server}/roster/coverage")
        page.get_by_role("link", name="任命街巷长").click()
        page.wait_for_url("**/roster/chiefs**")
        row = page.locator(f"#alley-{alley.id}")
        assert "李街巷长" in row.inner_text()
        row.locator("select[name=chief_id]").select_option(label="王街巷长")
        row.locator("input[name=phone]").fill(PHONE)
        row.get_by_role("button", name="更换").click()
        page.wait_for_url(f"**/roster/chiefs**#alley-{alley.id}")
        assert "王街巷长 现为演示三条胡同的街巷长。" in page.locator(".organize-flash-success").inner_text()
        row = page.locator(f"#alley-{alley.id}")
        assert "王街巷长" in row.locator("td").first.inner_text()
        assert row.locator("a.phone").get_attribute("href") == f"tel:{PHONE}"
        row.locator("details.chiefs-history summary").click()
        assert "李街巷长" in row.locator("details.chiefs-history").inner_text()

        # Only the street's own chiefs are offered, not another street's.
        options = set(row.locator("select[name=chief_id] option").all_inner_texts())
        assert {"选择街巷长", "王街巷长", "李街巷长"} <= options and "外街巷长" not in options
        assert no_sideways_scroll(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"alley-chiefs-tablet-{backend_of(app)}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_the_alley_sheet_shows_its_chief(app, live_server, open_page, viewport):
    street = demo_street()
    organizer = make_user(Role.ORGANIZER, street)
    wang = make_user(Role.CHIEF, street, "王街巷长")
    alley = next(a for a in alleys_of(street) if a.name == ALLEY)
    chiefs.assign_chief(organizer, alley.id, wang.id, PHONE)

    page = open_page(f"{live_server}/?street={street.id}", viewport)
    page.locator("path.alley-line").first.wait_for()
    if viewport == "phone":
        page.locator("#sheet-toggle").click()
    page.locator("#alley-list .alley-item", has_text=ALLEY).click()
    sign = page.locator("[data-info-chief]")
    sign.wait_for(state="visible")
    assert sign.locator(".alley-chief-title").inner_text() == "本巷街巷长"
    assert sign.locator("[data-chief-name]").inner_text() == "王街巷长"
    phone = sign.locator("[data-chief-phone]")
    assert phone.inner_text() == PHONE and phone.get_attribute("href") == "tel:01064041234"
    box = phone.bounding_box()
    assert box["height"] >= 44  # big enough to tap
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"alley-sheet-chief-{viewport}-{backend_of(app)}.png"))

    # An alley without a chief of its own shows no sign.
    # Chosen from the list, as the first: with the sheet open a phone's map is short, and a name whose middle of
    # the line lies outside the view is hidden (names stay on their own lines).
    page.locator("[data-info-close]").click()
    if viewport == "phone" and not page.locator("#alley-list").is_visible():
        page.locator("#sheet-toggle").click()
    page.locator("#alley-list .alley-item", has_text="演示北巷").click()
    page.locator("[data-info-name]", has_text="演示北巷").wait_for()
    page.wait_for_timeout(300)  # the sheet's details arrive after the name
    assert not sign.is_visible()


def test_the_report_form_offers_the_kind_of_request_on_a_phone(app, live_server, browser):
    street = demo_street()
    resident = make_user(Role.RESIDENT, street, "居民")
    context, page, errors = signed_in(browser, live_server, resident, "phone")
    try:
        page.goto(f"{live_server}/?street={street.id}")
        page.locator("path.alley-line").first.wait_for()
        page.locator("#report-open").click()
        kind = page.locator("#report-kind")
        kind.wait_for(state="visible")
        assert kind.input_value() == "report"
        assert kind.locator("option").all_inner_texts() == ["咨询", "建议", "举报", "投诉"]
        kind.select_option("complaint")
        assert no_sideways_scroll(page)
        kind.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"report-kind-phone-{backend_of(app)}.png"))
        assert errors == []
    finally:
        context.close()

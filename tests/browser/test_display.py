"""Large text, high contrast and the phone layout: every page of a volunteer's journey at 200% zoom on a 390 px
phone (a 195 px wide viewport at device scale 2 lays out the same CSS pixels) with no sideways scroll and no
overlapping controls, in Chinese and English; the text size follows the account from one device to the next."""
from datetime import timedelta

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, sign_in
from tests.browser.test_volunteer_flow import FAKE_GPS
from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from webapp import clock
from webapp.extensions import db
from webapp.models import Role, User
from webapp.services.cases.transitions import Step, transition
from webapp.services.demo import load_demo
from webapp.services.organizing.activities import schedule_activity
from webapp.services.places.claims import claim_alley

pytestmark = pytest.mark.browser

ZOOMED_PHONE = {"width": 195, "height": 422}  # 390 x 844 at 200% zoom
LOCALES = {"zh-CN": {"report": "报告问题"}, "en-GB": {"report": "Report a problem"}}


@pytest.fixture
def journey(app):
    """A steward with a claimed alley, a case passed to the chief and an activity to come."""
    load_demo()
    organizer = db.session.scalar(db.select(User).where(User.username == "demo_organizer"))
    steward, street = make_user(Role.STEWARD, name="王秀英"), demo_street()
    alley = next(a for a in alleys_of(street) if a.name == "演示头条胡同")
    claim_alley(steward, alley.id)
    report, _ = file_report(steward, report_at(*on_alley(alley), description="门口堆了旧家具，挡住了消防通道"))
    transition(steward, report.id, Step.ESCALATE, note="需要街道协调")
    starts = clock.now() + timedelta(days=1)
    schedule_activity(organizer, street.id, title="清理楼道杂物，迎接国庆", place="胡同口",
                      lon=on_alley(alley)[0], lat=on_alley(alley)[1], starts_at=starts,
                      ends_at=starts + timedelta(hours=2), capacity=20)
    return steward, report.id


def new_context(browser, locale, viewport, scale=1):
    context = browser.new_context(locale=locale, viewport=viewport, device_scale_factor=scale, is_mobile=True,
                                  has_touch=True, permissions=["geolocation"], service_workers="block")
    context.add_init_script(FAKE_GPS)
    return context


def width_problems(page) -> dict:
    """How far the page scrolls sideways, and which visible controls of the header and main overlap."""
    return page.evaluate("""() => {
      const root = document.documentElement;
      const boxes = Array.from(document.querySelectorAll(
          '.app-header > a, .header-bar > *, main button, main a.button, main select, main input:not([type=hidden])'))
        .filter((el) => el.offsetParent && !el.closest('.leaflet-container'))
        .map((el) => [el, el.getBoundingClientRect()]).filter(([, r]) => r.width && r.height);
      const overlaps = [];
      boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
        if (a.contains(b) || b.contains(a)) return;
        const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (x > 1 && y > 1) overlaps.push([a.outerHTML.slice(0, 60), b.outerHTML.slice(0, 60)]);
      }));
      return { extra: root.scrollWidth - root.clientWidth, overlaps };
    }""")


def check(page, name, shots, backend):
    problems = width_problems(page)
    if shots or problems["extra"] or problems["overlaps"]:  # a failure's screenshot shows what is wrong
        page.screenshot(path=str(ARTIFACTS / f"zoom-{name}-phone-{backend}.png"))
    assert problems == {"extra": 0, "overlaps": []}, name


@pytest.mark.parametrize("locale", LOCALES)
def test_the_volunteers_journey_at_200_percent_zoom(app, browser, live_server, journey, locale):
    steward, report_id = journey
    words, backend = LOCALES[locale], backend_of(app)
    shots = locale == "zh-CN"  # one language's screenshots is enough to look at; both are measured
    context = new_context(browser, locale, ZOOMED_PHONE, scale=2)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"{live_server}/login")
        check(page, f"login-{locale}", shots, backend)
        sign_in(page, live_server, steward)

        page.locator("path.alley-line").first.wait_for()
        check(page, f"map-{locale}", shots, backend)
        page.locator("#menu-toggle").click()
        assert page.locator("#header-menu").is_visible()
        check(page, f"menu-{locale}", shots, backend)
        page.keyboard.press("Escape")

        page.locator(".sheet-toggle").click()
        page.locator(".alley-item.is-mine", has_text="演示头条胡同").click()
        page.locator("#alley-info").wait_for()
        check(page, f"sheet-{locale}", shots, backend)

        page.get_by_role("button", name=words["report"]).click()
        page.wait_for_function("window.__gps.watching() > 0")
        check(page, f"report-{locale}", shots, backend)

        for name, path in (("mine", "/reports/mine"), ("case", f"/reports/{report_id}"), ("patrols", "/patrols/mine"),
                           ("notifications", "/notifications"), ("activities", "/activities/"),
                           ("display", "/account/display")):
            page.goto(live_server + path)
            check(page, f"{name}-{locale}", shots, backend)
    finally:
        context.close()
    assert errors == []


def widest(page) -> list:
    """The elements reaching past the right edge, outermost first: what to fix when a page scrolls sideways."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        || (el.scrollWidth > el.clientWidth + 1 && el.clientWidth && getComputedStyle(el).overflowX === 'visible'))
      .filter((el) => { // inside a scroll container is where wide tables belong
        for (let up = el.parentElement; up; up = up.parentElement) {
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return up === document.body;
        }
        return true;
      })
      .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_performance_page_does_not_scroll_sideways_on_a_phone(app, browser, live_server, locale):
    from tests.support.case_history import build_history

    street = demo_street()
    build_history(app, street, alleys_of(street))
    context = new_context(browser, locale, VIEWPORTS["phone"])
    try:
        page = context.new_page()
        sign_in(page, live_server, make_user(Role.CHIEF, name="街巷长吴"))
        page.goto(f"{live_server}/performance?days=30")
        page.wait_for_function("document.querySelectorAll('canvas').length >= 2")
        assert widest(page) == [] and width_problems(page)["extra"] == 0
        page.locator("#text-size-toggle").click()  # large text (130%): still no sideways scroll
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"performance-large-{locale}-phone-{backend_of(app)}.png"), full_page=True)
        assert widest(page) == [] and width_problems(page)["extra"] == 0
        if locale == "en-GB":
            page.screenshot(path=str(ARTIFACTS / f"performance-en-phone-{backend_of(app)}.png"), full_page=True)
    finally:
        context.close()


def font_px(page, selector="html") -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")


def box(page, selector) -> dict:
    return page.locator(selector).first.bounding_box()


def apart(a, b) -> bool:
    return a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or \
        a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_the_map_keeps_the_screen_and_its_buttons_apart(app, browser, live_server, journey, viewport):
    steward, _ = journey
    context = new_context(browser, "zh-CN", VIEWPORTS[viewport])
    try:
        page = context.new_page()
        sign_in(page, live_server, steward)
        page.locator("#report-open").wait_for()
        page.locator(".locate-button").wait_for()
        header, map_box = box(page, ".app-header"), box(page, "#map")
        if viewport == "phone":
            assert header["height"] <= 56  # one row: brand, size, bell, menu
            assert map_box["height"] >= 0.5 * VIEWPORTS["phone"]["height"]
        # "Report a problem" covers neither "My position" nor the claimed alley on the map.
        assert apart(box(page, "#report-open"), box(page, ".locate-button"))
        assert apart(box(page, "#report-open"), box(page, "path.claim-mine"))
        page.screenshot(path=str(ARTIFACTS / f"display-map-{viewport}-{backend_of(app)}.png"))

        page.locator("#report-open").click()
        page.wait_for_function("window.__gps.watching() > 0")
        assert box(page, "#map")["height"] >= 0.38 * VIEWPORTS[viewport]["height"]  # room to place the pin
        send = page.locator("[data-report-send]")
        assert send.is_disabled()  # no category yet: grey, dashed, and its words dark on light
        colours = send.evaluate("(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor, "
                                "getComputedStyle(el).opacity]")
        assert colours == ["rgb(27, 27, 27)", "rgb(233, 233, 233)", "1"]
        page.screenshot(path=str(ARTIFACTS / f"display-report-{viewport}-{backend_of(app)}.png"))
    finally:
        context.close()


def test_text_size_and_contrast_follow_the_account_to_the_next_device(app, browser, live_server, journey):
    steward, _ = journey
    backend = backend_of(app)
    phone = new_context(browser, "zh-CN", VIEWPORTS["phone"])
    tablet = new_context(browser, "zh-CN", VIEWPORTS["tablet"])
    try:
        page = phone.new_page()
        sign_in(page, live_server, steward)
        page.locator(".alley-label").first.wait_for()
        label_before = font_px(page, ".alley-label")
        assert font_px(page) == 16
        with page.expect_response("**/account/display"):
            page.locator("#text-size-toggle").click()  # 130%
        assert font_px(page) == pytest.approx(20.8)
        with page.expect_response("**/account/display"):
            page.locator("#text-size-toggle").click()  # 160%
        assert font_px(page) == pytest.approx(25.6)
        assert font_px(page, ".alley-label") >= 1.5 * label_before  # the alley names grow with the text
        page.screenshot(path=str(ARTIFACTS / f"display-large-map-phone-{backend}.png"))

        page.locator("#menu-toggle").click()
        page.get_by_role("link", name="显示").click()
        page.wait_for_url("**/account/display")
        page.wait_for_load_state()  # the form's script is wired at DOMContentLoaded
        with page.expect_response("**/account/display"):
            page.get_by_label("高对比度").check()
        page.get_by_role("status").filter(has_text="已保存").wait_for()
        page.screenshot(path=str(ARTIFACTS / f"display-settings-phone-{backend}.png"), full_page=True)

        # The next device has it from the server's first answer: no flash of the small size.
        other = tablet.new_page()
        sign_in(other, live_server, steward)
        first_paint = other.request.get(f"{live_server}/reports/mine").text()
        assert 'class="large-text text-160 high-contrast"' in first_paint
        other.goto(f"{live_server}/")
        assert font_px(other) == pytest.approx(25.6)
        assert other.locator("html.high-contrast").count() == 1
        other.locator(".alley-label").first.wait_for()
        assert width_problems(other)["extra"] == 0
        other.screenshot(path=str(ARTIFACTS / f"display-contrast-map-tablet-{backend}.png"))
        other.goto(f"{live_server}/reports/mine")
        other.screenshot(path=str(ARTIFACTS / f"display-contrast-mine-tablet-{backend}.png"))
    finally:
        phone.close()
        tablet.close()

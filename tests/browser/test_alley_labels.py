"""Alley names sit on their own lines, on the volunteer map and on the chief's triage map (phone and tablet)."""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from webapp.models import Role
from webapp.services.cases.transitions import Step, transition
from webapp.services.demo import load_demo

pytestmark = pytest.mark.browser

# For each visible name: its distance (px) from the middle of the name to the nearest point of its own line, and
# how many lines are its own.
LABEL_DISTANCES = """(lineSelector) => Array.from(
  document.querySelectorAll('.alley-label:not(.is-hidden)'), (label) => {
  const r = label.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const own = document.querySelectorAll(`${lineSelector}[data-alley-id="${label.dataset.alleyId}"]`);
  let best = Infinity;
  (own.length ? own : document.querySelectorAll(lineSelector)).forEach((path) => {
    const m = path.getScreenCTM();
    const length = path.getTotalLength();
    for (let d = 0; d <= length; d += 1) {
      const p = path.getPointAtLength(d);
      best = Math.min(best, Math.hypot(m.a * p.x + m.c * p.y + m.e - cx, m.b * p.x + m.d * p.y + m.f - cy));
    }
  });
  return [label.textContent.trim(), Math.round(best * 10) / 10, own.length];
})"""


def assert_on_their_lines(distances, count):
    assert len(distances) >= count, distances
    assert all(own == 1 for _name, _d, own in distances), distances
    assert all(d <= 3 for _name, d, _own in distances), distances


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_each_name_on_the_volunteer_map_sits_on_its_line(app, live_server, open_page, viewport):
    load_demo()
    page = open_page(live_server + "/", viewport)
    page.locator("path.alley-line").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    assert_on_their_lines(page.evaluate(LABEL_DISTANCES, "path.alley-line"), 7)
    # Names that grow after they were placed (a font arriving late, a larger text) stay centred on their lines.
    page.add_style_tag(content=".leaflet-tooltip.alley-label { font-size: 1.375rem; }")
    try:
        page.wait_for_function(f"() => ({LABEL_DISTANCES})('path.alley-line').every((d) => d[1] <= 3)", timeout=3000)
    except PlaywrightTimeout:
        pass  # the assertion below says what is wrong
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"map-labels-{viewport}-{backend_of(app)}.png")
    assert_on_their_lines(page.evaluate(LABEL_DISTANCES, "path.alley-line"), 4)


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_the_triage_map_names_the_alleys_and_its_status_chips_show_they_scroll(app, live_server, browser, viewport):
    load_demo()
    chief = make_user(Role.CHIEF)
    resident = make_user(Role.RESIDENT)
    for alley in alleys_of(demo_street())[:3]:
        report, _ = file_report(resident, report_at(*on_alley(alley)))
        transition(resident, report.id, Step.ESCALATE)
    context, page, errors = signed_in(browser, live_server, chief, viewport)
    page.goto(f"{live_server}/triage")
    page.locator("path.queue-alley-line").first.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.alley-label:not(.is-hidden)').length > 0")
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    distances = page.evaluate(LABEL_DISTANCES, "path.queue-alley-line")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"triage-map-{viewport}-{backend_of(app)}.png")
    row = page.locator(".chip-row")
    if viewport == "phone":  # the queue is the page's width and the chips wrap: all in view, no arrows
        assert row.evaluate("(r) => r.scrollWidth <= r.clientWidth")
        assert not page.locator(".chip-arrow").first.is_visible()
        context.close()
        assert errors == []
        assert_on_their_lines(distances, 3)
        return

    # The status chips do not fit the queue's column: the row says it scrolls, and its arrow scrolls it.
    assert row.evaluate("(r) => r.scrollWidth > r.clientWidth")
    more, earlier = page.locator(".chip-arrow-end"), page.locator(".chip-arrow-start")
    assert more.is_visible() and not earlier.is_visible()
    more.click()
    page.wait_for_function("() => document.querySelector('.chip-row').scrollLeft > 0")
    earlier.wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / f"triage-chips-tablet-{backend_of(app)}.png")
    for _ in range(10):  # to the end: nothing more to see that way
        if not more.is_visible():
            break
        more.click()
        page.wait_for_timeout(400)
    assert not more.is_visible() and earlier.is_visible()
    assert row.evaluate("(r) => r.scrollLeft + r.clientWidth >= r.scrollWidth - 1")
    context.close()
    assert errors == []
    assert_on_their_lines(distances, 3)  # the map shows the cases: the alleys around them
    assert all(name.startswith("演示") for name, *_rest in distances)

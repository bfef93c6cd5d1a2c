"""The street map page in a real browser (Debian's Chromium through Playwright), phone and tablet sizes."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from webapp.services.demo import DEMO_STREET, load_demo

pytestmark = pytest.mark.browser


def demo_lengths(app) -> dict[str, str]:
    """Each demo alley's length as the page shows it (rounded half up, thousands separated)."""
    client = app.test_client()
    street = next(s for s in client.get("/api/v1/streets").get_json()["streets"] if s["name"] == DEMO_STREET)
    bbox = ",".join(map(str, street["bbox"]))
    features = client.get(f"/api/v1/alleys?bbox={bbox}&street={street['id']}").get_json()["features"]
    return {f["properties"]["name"]: f"{int(f['properties']['length_m'] + 0.5):,}" for f in features}


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_demo_street_shows_alleys_names_list_and_info(app, live_server, open_page, viewport):
    load_demo()
    lengths = demo_lengths(app)
    page = open_page(live_server + "/", viewport)

    lines = page.locator("path.alley-line")
    lines.first.wait_for()
    assert lines.count() == 7
    assert page.get_by_role("note").filter(has_text=re.compile("Demo data|演示数据")).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"map-{viewport}-{backend_of(app)}.png")
    for name in lengths:  # every name is readable on the demo street at its first view
        assert page.locator(".alley-label", has_text=name).is_visible(), name

    toggle = page.locator("#sheet-toggle")
    if viewport == "phone":  # a bottom sheet, collapsed at first
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    items = page.locator("#alley-list .alley-item")
    assert items.count() == 7
    items.filter(has_text="演示三条胡同").click()
    info = page.locator("#alley-info")
    assert info.is_visible()
    assert info.locator("[data-info-name]").inner_text() == "演示三条胡同"
    assert info.locator("[data-info-length]").inner_text().startswith(lengths["演示三条胡同"] + " ")
    page.screenshot(path=ARTIFACTS / f"map-{viewport}-selected-{backend_of(app)}.png")

    # Tapping on the map works too, once the map has stopped zooming to the chosen alley (the labels are placed
    # again when it stops: a busy machine could otherwise tap where a label was a moment before).
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    page.locator(".alley-label", has_text="演示北巷").click()
    expect(info.locator("[data-info-name]")).to_have_text("演示北巷")
    assert info.locator("[data-info-length]").inner_text().startswith(lengths["演示北巷"] + " ")


def test_english_ui_and_language_link_keep_the_street(app, live_server, open_page):
    load_demo()
    street_id = app.test_client().get("/api/v1/streets").get_json()["streets"][0]["id"]
    page = open_page(f"{live_server}/?street={street_id}&lang=en", "tablet")
    page.locator("path.alley-line").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".brand").inner_text() == "Alley Stewards"
    assert page.get_by_role("button", name="Large text").is_visible()
    assert page.get_by_text("Alleys in this street").is_visible()
    chinese = page.get_by_role("link", name="中文")
    assert f"street={street_id}" in chinese.get_attribute("href")
    chinese.click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_load_failure_shows_an_alert_with_retry(app, live_server, browser):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-GB")
    try:
        page = context.new_page()
        page.route("**/api/v1/alleys?*", lambda route: route.abort())
        page.goto(live_server + "/")
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "Could not load the alleys" in alert.inner_text()
        page.unroute("**/api/v1/alleys?*")
        alert.get_by_role("button", name="Try again").click()
        page.locator("path.alley-line").first.wait_for()
        assert page.locator("path.alley-line").count() == 7 and not alert.is_visible()
    finally:
        context.close()


def test_street_without_alleys_says_so(app, live_server, open_page):
    from shapely.geometry import box

    from geo.records import StreetRecord
    from webapp.services.places.alleys import import_streets

    import_streets([StreetRecord(name="空街道", admin_code=None, geom=box(116.30, 39.90, 116.31, 39.91), source="test")])
    street_id = app.test_client().get("/api/v1/streets").get_json()["streets"][0]["id"]
    page = open_page(f"{live_server}/?street={street_id}&lang=en")
    page.get_by_text("No alleys in this street yet.").wait_for()
    assert page.locator("#alley-count").inner_text() == "0"


def test_large_text_is_remembered(app, live_server, open_page):
    load_demo()
    page = open_page(live_server + "/")
    size = lambda: page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")  # noqa: E731
    assert size() == 16
    page.locator("#text-size-toggle").click()
    assert size() == pytest.approx(20.8)  # 130%: the first step is big enough to matter
    page.reload()
    assert size() == pytest.approx(20.8)  # signed out, the device remembers it
    assert page.locator("#text-size-toggle").get_attribute("aria-pressed") == "true"
    page.locator("#text-size-toggle").click()
    page.locator("#text-size-toggle").click()
    assert size() == 16 and page.locator("#text-size-toggle").get_attribute("aria-pressed") == "false"


def test_no_streets_shows_the_import_hint(app, live_server, open_page):
    page = open_page(live_server + "/")
    assert page.get_by_text("flask --app wsgi geo import-streets FILE --crs gcj02").is_visible()
    assert page.locator("#map").count() == 0


def test_gcj02_script_matches_the_python_transform(app, live_server, open_page):
    from geo.crs import gcj02_to_wgs84_array, wgs84_to_gcj02_array

    load_demo()
    page = open_page(live_server + "/")
    for lon, lat in [(116.397, 39.908), (121.47, 31.23), (2.35, 48.85)]:
        shifted = page.evaluate(f"AlleyCRS.wgs84ToGcj02({lon}, {lat})")
        assert shifted == pytest.approx(list(wgs84_to_gcj02_array([[lon, lat]])[0]), abs=1e-9)
        back = page.evaluate(f"AlleyCRS.gcj02ToWgs84({shifted[0]}, {shifted[1]})")
        assert back == pytest.approx(list(gcj02_to_wgs84_array([shifted])[0]), abs=1e-8)
        assert back == pytest.approx([lon, lat], abs=1e-8)


def test_unknown_page_is_a_friendly_error_with_a_way_home(app, live_server, open_page):
    page = open_page(live_server + "/no-such-page", expected_status=404)
    assert page.get_by_text("404").is_visible()
    page.get_by_role("link", name=re.compile("Back to the map|返回地图")).click()
    assert page.url == live_server + "/"

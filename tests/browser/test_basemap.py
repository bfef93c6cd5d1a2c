"""The base map in a real browser: streets, buildings and landmarks around the alleys with no tile server, and
alleys that land on a GCJ-02 raster layer's streets within 2 m."""
import json

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from tests.conftest import shared_data
from webapp.services.demo import load_demo
from webapp.services.demo import load_demo_basemap

pytestmark = pytest.mark.browser

# How many different colours a sample of the tile canvases holds: a blank background has one or two.
CANVAS_COLOURS = """() => {
  const seen = new Set();
  document.querySelectorAll('.leaflet-tile-pane canvas').forEach((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  });
  return seen.size;
}"""
# The base map has drawn under the alleys, and its tiles have finished fading in (for the screenshots).
DRAWN = f"""() => ({CANVAS_COLOURS})() > 8 && [...document.querySelectorAll('.leaflet-tile-pane canvas')]
  .every((canvas) => !canvas.style.opacity || canvas.style.opacity === '1')"""


@pytest.mark.parametrize("viewport", ["phone", "tablet"])
def test_the_map_shows_streets_buildings_and_landmarks_around_the_alleys(app, live_server, open_page, viewport):
    load_demo()
    load_demo_basemap()
    page = open_page(live_server + "/", viewport)
    page.locator("path.alley-line").first.wait_for()
    page.wait_for_function(DRAWN)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"basemap-{viewport}-{backend_of(app)}.png")
    # Nearer, where a person looks for their own door: courtyard houses and a landmark's name.
    page.evaluate("() => AlleyBasemap.maps[0].setZoom(17, { animate: false })")
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    page.wait_for_function(DRAWN)
    page.screenshot(path=ARTIFACTS / f"basemap-near-{viewport}-{backend_of(app)}.png")
    assert page.locator(".leaflet-control-attribution").is_visible()


# A GCJ-02 raster layer, as AMap or Tianditu serve: any image does, the test measures where the alleys are drawn.
GCJ_TILES = "/static/icons/favicon.svg?{z}/{x}/{y}"

# Metres between each vertex of the given GCJ-02 lines and the nearest vertex the page drew, measured in the
# page's own pixels at zoom 19 and turned into metres at that latitude.
DRAWN_OFFSETS = """(lines) => {
  const map = AlleyBasemap.maps[0];
  map.setView([lines[0][0][1], lines[0][0][0]], 19, { animate: false });
  const drawn = [];
  map.eachLayer((layer) => {
    if (layer instanceof L.Polyline && (layer.options.className || '').includes('alley-line')) {
      layer.getLatLngs().flat(3).forEach((ll) => drawn.push(map.latLngToContainerPoint(ll)));
    }
  });
  const origin = map.latLngToContainerPoint([lines[0][0][1], lines[0][0][0]]);
  const metresPerPixel = map.distance(map.containerPointToLatLng(origin), map.containerPointToLatLng(origin.add([100, 0]))) / 100;
  return lines.flat().map(([lon, lat]) => {
    const want = map.latLngToContainerPoint([lat, lon]);
    return Math.min(...drawn.map((p) => p.distanceTo(want))) * metresPerPixel;
  });
}"""


def test_alleys_line_up_with_a_gcj02_layer_within_2_m(app, live_server, open_page):
    from geo.importers.geojson import read_segments, read_streets
    from webapp.services.places.alleys import import_alleys, import_streets, list_streets

    roads = shared_data("dongcheng/roads_gcj02.geojson")
    import_streets(read_streets(shared_data("dongcheng/subdistricts_gcj02.geojson"), "gcj02"))
    features = json.loads(roads.read_text(encoding="utf-8"))["features"]
    name = "史家胡同"
    gcj_lines = [f["geometry"]["coordinates"] for f in features if f["properties"]["name"] == name]
    segments, skipped = read_segments(roads, "gcj02")
    import_alleys([s for s in segments if s.name == name], skipped)
    street = next(s for s in list_streets() if s["alley_count"])
    app.config.update(TILE_URL=GCJ_TILES, TILE_CRS="gcj02")
    page = open_page(f"{live_server}/?street={street['id']}", "tablet")
    page.locator("path.alley-line").first.wait_for()
    offsets = page.evaluate(DRAWN_OFFSETS, gcj_lines)
    assert len(offsets) == sum(len(line) for line in gcj_lines) > 2
    assert max(offsets) < 2.0, offsets  # 0.2 m here: the API's 6 decimals
    page.screenshot(path=ARTIFACTS / f"basemap-gcj02-tablet-{backend_of(app)}.png")
    app.config["TILE_CRS"] = "wgs84"  # the same tiles taken for WGS-84: the alleys would sit hundreds of metres off
    page.reload()
    page.locator("path.alley-line").first.wait_for()
    assert min(page.evaluate(DRAWN_OFFSETS, gcj_lines)) > 100


def test_the_streets_base_map_works_offline_once_seen(app, live_server, browser):
    load_demo()
    load_demo_basemap()
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(live_server + "/")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        # On this first visit, once the worker has taken the page over, the page fetched its street's tiles
        # through it, and the worker keeps them.
        page.wait_for_function("Object.keys(localStorage).some((k) => k.startsWith('basemap-warm:'))")
        kept = page.evaluate("caches.open('basemap-tiles-v1').then((c) => c.keys()).then((keys) => keys.length)")
        assert kept >= 10
        page.reload()  # a second visit, through the worker: it keeps the street's alleys too (js/sw.js)
        page.locator("path.alley-line").first.wait_for()

        context.set_offline(True)
        page.reload()
        page.locator("path.alley-line").first.wait_for()
        page.wait_for_function(DRAWN)
        page.evaluate("() => AlleyBasemap.maps[0].setZoom(16, { animate: false })")
        page.wait_for_function(DRAWN)
        page.screenshot(path=ARTIFACTS / f"basemap-offline-phone-{backend_of(app)}.png")
        assert errors == []
    finally:
        context.close()


def test_the_chiefs_triage_map_has_the_base_map_too(app, live_server, browser):
    from tests.browser.conftest import signed_in
    from tests.factories import demo_street, make_user
    from webapp.models import Role

    chief = make_user(Role.CHIEF, demo_street())
    load_demo_basemap()
    context, page, errors = signed_in(browser, live_server, chief, "tablet")
    try:
        page.goto(f"{live_server}/triage")
        page.locator("#triage-map-canvas .leaflet-tile-pane").wait_for(state="attached")
        page.wait_for_function(DRAWN)
        page.screenshot(path=ARTIFACTS / f"basemap-triage-tablet-{backend_of(app)}.png")
        assert errors == []
    finally:
        context.close()

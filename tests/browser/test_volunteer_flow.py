"""A volunteer's day on a phone: register through an invitation, claim an alley, walk patrols (GPS mocked)."""
import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from webapp.extensions import db
from webapp.models import Alley, Role, Street
from webapp.services.demo import DEMO_STREET, load_demo
from webapp.services.volunteers.accounts import create_invitation

pytestmark = pytest.mark.browser

# A controllable stand-in for the phone's GPS: the test feeds positions with their timestamps.
FAKE_GPS = """
(() => {
  const watchers = new Map();
  let next = 1;
  const fix = (lon, lat, t) => ({ coords: { longitude: lon, latitude: lat, accuracy: 8 }, timestamp: t });
  window.__gps = {
    feed(lon, lat, t) { watchers.forEach((cb) => cb(fix(lon, lat, t))); },
    watching() { return watchers.size; },
  };
  navigator.geolocation.watchPosition = (ok) => { const id = next++; watchers.set(id, ok); return id; };
  navigator.geolocation.clearWatch = (id) => watchers.delete(id);
  navigator.geolocation.getCurrentPosition = (ok) => ok(fix(116.373, 39.9438, Date.now()));
})();
"""

TEXT = {  # what the volunteer reads, per UI language
    "zh-CN": {"register": "用这个邀请注册", "submit": "注册", "claim": "认领这条胡同", "leave": "退出这条胡同",
              "patrol": "开始寻访", "finish": "结束寻访", "covered": "走完了这条胡同", "partial": "只覆盖了"},
    "en-GB": {"register": "Register with this invitation", "submit": "Register", "claim": "Claim this alley",
              "leave": "Leave this alley", "patrol": "Start patrol", "finish": "Finish patrol",
              "covered": "you covered the alley", "partial": "covered only"},
}


@pytest.fixture
def invitation(app):
    load_demo()
    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    alley = db.session.scalar(db.select(Alley).where(Alley.name == "演示头条胡同"))
    return create_invitation(None, street.id, Role.STEWARD).code, alley.id


def phone(browser, locale):
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                  permissions=["geolocation"], service_workers="block")
    context.add_init_script(FAKE_GPS)
    return context


def walk(page, client, alley_id, share):
    """Feed fixes 10 s apart along the alley's longest part, up to `share` of its length."""
    page.wait_for_function("window.__gps.watching() > 0")  # the patrol has started listening
    parts = client.get(f"/api/v1/alleys/{alley_id}").get_json()["geometry"]["coordinates"]
    (lon0, lat0), (lon1, lat1) = parts[0][0], parts[0][-1]
    page.evaluate("""([lon0, lat0, lon1, lat1, share]) => {
        const steps = 18, start = Date.now() - 90000;
        for (let i = 0; i <= steps; i += 1) {
          const f = share * i / steps;
          window.__gps.feed(lon0 + (lon1 - lon0) * f, lat0 + (lat1 - lat0) * f, start + i * 10000);
        }
    }""", [lon0, lat0, lon1, lat1, share])


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_register_claim_and_patrol_on_a_phone(app, live_server, browser, invitation, locale):
    code, alley_id = invitation
    words = TEXT[locale]
    context = phone(browser, locale)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"{live_server}/invite/{code}")
        page.get_by_role("link", name=words["register"]).click()
        page.fill("input[name=display_name]", "王阿姨")
        page.fill("input[name=phone]", "139 1234 5678")
        page.fill("input[name=password]", "hutong-2026")
        page.fill("input[name=confirm]", "hutong-2026")
        page.get_by_role("button", name=words["submit"], exact=True).click()

        # On the map, signed in: tap the alley, claim it, and it turns "mine".
        page.locator(".alley-label", has_text="演示头条胡同").click()
        page.get_by_role("button", name=words["claim"]).click()
        page.get_by_role("button", name=words["leave"]).wait_for()
        assert page.locator("path.claim-mine").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"volunteer-sheet-{locale}-{backend_of(app)}.png"))

        # A patrol along the whole alley counts as covering it.
        page.get_by_role("button", name=words["patrol"]).click()
        walk(page, app.test_client(), alley_id, 1.0)
        page.locator(".check-problem").first.click()
        page.screenshot(path=str(ARTIFACTS / f"volunteer-patrol-{locale}-{backend_of(app)}.png"))
        page.get_by_role("button", name=words["finish"]).click()
        result = page.locator("#patrol-result")
        result.wait_for()
        assert words["covered"] in result.inner_text()
        result.get_by_role("button").click()

        # One that stops halfway does not.
        page.get_by_role("button", name=words["patrol"]).click()
        walk(page, app.test_client(), alley_id, 0.45)
        page.get_by_role("button", name=words["finish"]).click()
        result.wait_for()
        assert words["partial"] in result.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"volunteer-result-{locale}-{backend_of(app)}.png"))
    finally:
        context.close()
    assert errors == []


def test_a_patrol_finished_offline_waits_and_is_sent_once_back_online(app, live_server, browser, invitation):
    code, alley_id = invitation
    context = phone(browser, "en-GB")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/invite/{code}")
        page.get_by_role("link", name="Register with this invitation").click()
        page.fill("input[name=display_name]", "Lao Zhang")
        page.fill("input[name=username]", "laozhang")
        page.fill("input[name=password]", "hutong-2026")
        page.fill("input[name=confirm]", "hutong-2026")
        page.get_by_role("button", name="Register", exact=True).click()
        page.locator(".alley-label", has_text="演示头条胡同").click()
        page.get_by_role("button", name="Claim this alley").click()
        page.get_by_role("button", name="Start patrol").click()
        walk(page, app.test_client(), alley_id, 1.0)
        context.set_offline(True)
        page.get_by_role("button", name="Finish patrol").click()
        page.locator("#patrol-queue", has_text="1 patrol(s) waiting").wait_for()
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.locator("#patrol-result", has_text="you covered the alley").wait_for()
        assert page.locator("#patrol-queue").is_hidden()
    finally:
        context.close()
    from webapp.models import Patrol

    assert db.session.scalar(db.select(db.func.count()).select_from(Patrol)) == 1


def test_chromium_judges_the_app_installable(app, live_server, profile_browser):
    load_demo()
    page = profile_browser.new_page()
    page.goto(live_server + "/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    cdp = profile_browser.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert not cdp.send("Page.getAppManifest").get("errors")


def test_the_offline_page_is_served_by_the_service_worker(app, live_server, browser):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.evaluate("navigator.serviceWorker.ready")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.goto(live_server + "/account/password")
        assert "You are offline" in page.content()
        page.goto(live_server + "/")  # the map itself was cached
        assert page.locator("#map").count() == 1
    finally:
        context.close()

"""Issue 23, offline from end to end: after one visit with a signal, a steward's phone goes offline (the browser
context, so the server hears nothing), opens the app, sees their alleys, walks a patrol, files a report with two
photos and finds it waiting on My reports; back online, everything arrives once however often it is sent again."""
import socket

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, sign_in
from tests.browser.test_volunteer_flow import FAKE_GPS, walk
from tests.factories import alleys_of, demo_street, make_user
from tests.services.cases.test_reports import on_alley
from webapp.extensions import db
from webapp.models import Patrol, Report, ReportPhoto, Role
from webapp.services.places.claims import claim_alley
from webapp.storage import LocalPhotoStorage

pytestmark = pytest.mark.browser


@pytest.fixture
def steward(app, tmp_path):
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    alley = next(a for a in alleys_of(demo_street()) if a.name == "演示头条胡同")
    user = make_user(Role.STEWARD, name="张师傅")
    claim_alley(user, alley.id)
    return user, alley


class Signal:
    """The phone's signal, as the server sees it: while it is off, any request that still gets out of Chromium (its
    offline emulation lets a worker-controlled page's JSON POSTs and the worker's update check past) has its
    connection cut before an answer, as with no signal; `cut` lists them. The test's own client (localhost) passes."""

    def __init__(self, app):
        self.off, self.cut, self.inner = False, [], app.wsgi_app

    def __call__(self, environ, start_response):
        if self.off and environ.get("HTTP_HOST", "").startswith("127.0.0.1"):
            self.cut.append(f'{environ["REQUEST_METHOD"]} {environ["PATH_INFO"]}')
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            start_response("503 Service Unavailable", [])  # never reaches the phone: the connection is gone
            return []
        return self.inner(environ, start_response)


@pytest.fixture
def signal(app):
    signal = Signal(app)
    app.wsgi_app = signal
    yield signal
    app.wsgi_app = signal.inner


def no_signal(context, signal, offline):
    context.set_offline(offline)
    signal.off = offline


# Copies of the outbox's reports (photos as base64) and of the waiting patrols; and sending them again.
KEEP_COPIES = """async () => {
  const base64 = (buffer) => { let s = ''; new Uint8Array(buffer).forEach((b) => { s += String.fromCharCode(b); });
    return btoa(s); };
  const reports = (await AlleyOutbox.all()).map((item) => ({ body: item.body, photos: item.photos.map(base64) }));
  return { reports, patrols: AlleyPatrolQueue.all() };
}"""
SEND_AGAIN = """async (kept) => {
  const buffer = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  for (const r of kept.reports) await AlleyOutbox.add(r.body, r.photos.map(buffer), csrf);
  kept.patrols.forEach((p) => AlleyPatrolQueue.add(p));
  const [summary, answers] = await Promise.all([AlleyOutbox.flush(csrf), AlleyPatrolQueue.send()]);
  return { reports: summary.sent.length, patrols: answers.filter((a) => a.ok).length };
}"""


def photos(tmp_path) -> list[str]:
    paths = []
    for n, colour in enumerate([(90, 140, 60), (160, 90, 40)]):
        path = tmp_path / f"photo-{n}.jpg"
        Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
        paths.append(str(path))
    return paths


def kept_for_offline(page):
    """The worker is active and has kept what this page names (the first visit may end before it controls it)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'")


def open_offline(page, url):
    """A page opened with no signal: Chromium applies the offline emulation to a new document a moment late."""
    page.goto(url)
    page.wait_for_function("!navigator.onLine")


def test_a_stewards_offline_day_arrives_once_back_online(app, live_server, browser, steward, signal, tmp_path):
    user, alley = steward
    backend = backend_of(app)
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                  permissions=["geolocation"])
    context.add_init_script(FAKE_GPS)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, user)  # the first visit: the sign-in page, then the map
        page.locator("path.alley-line").first.wait_for()
        kept_for_offline(page)
        page.wait_for_function(f"caches.match('/api/v1/alleys/{alley.id}')")  # my alley's sheet, with Start patrol

        no_signal(context, signal, True)
        open_offline(page, f"{live_server}/")  # opening the app with no signal
        page.locator("path.alley-line").first.wait_for()
        assert page.locator("path.alley-line").count() == len(alleys_of(demo_street()))
        assert page.locator("#map-alert").is_hidden()
        page.screenshot(path=str(ARTIFACTS / f"offline-map-phone-{backend}.png"))

        page.locator(".alley-label", has_text=alley.name).click()
        page.get_by_role("button", name="开始寻访").click()
        page.locator("[data-checklist] li").first.wait_for()  # the 十无 checklist, kept from the first visit
        walk(page, app.test_client(), alley.id, 1.0)
        page.get_by_role("button", name="结束寻访").click()
        page.locator("#patrol-queue", has_text="1").wait_for()

        page.locator("#report-open").click()
        page.wait_for_function("window.__gps.watching() > 0")
        page.evaluate("([lon, lat]) => window.__gps.feed(lon, lat, Date.now())", list(on_alley(alley)))
        page.get_by_role("button", name="堆物堆料", exact=True).click()
        page.locator("[data-photo-input]").set_input_files(photos(tmp_path))
        page.locator("[data-photo-previews] img").nth(1).wait_for()
        page.locator("[data-report-send]").click()
        page.locator("#report-result", has_text="已保存在手机上").wait_for()

        open_offline(page, f"{live_server}/reports/mine")
        waiting = page.locator("[data-outbox]")
        waiting.locator(".outbox-item").first.wait_for()
        assert waiting.locator(".outbox-item").count() == 2  # the report and the patrol
        assert "2 张照片" in waiting.inner_text() and alley.name in waiting.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"offline-waiting-phone-{backend}.png"), full_page=True)
        open_offline(page, f"{live_server}/activities/")  # never visited: the offline page lists what waits
        page.locator(".offline-page [data-outbox] .outbox-item").nth(1).wait_for()
        page.screenshot(path=str(ARTIFACTS / f"offline-fallback-steward-phone-{backend}.png"), full_page=True)
        # All of it happened on the phone: nothing reached the database.
        assert db.session.scalar(db.select(db.func.count()).select_from(Patrol)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0

        kept = page.evaluate(KEEP_COPIES)  # what the phone held, to send again as one unsure of the answers would
        assert [len(r["photos"]) for r in kept["reports"]] == [2] and len(kept["patrols"]) == 1
        no_signal(context, signal, False)
        page.goto(f"{live_server}/reports/mine")
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.locator(".report-card").first.wait_for()  # sent: the page reloads with it among My reports
        page.wait_for_function("AlleyOutbox.all().then((items) => items.length === 0)")
        for _ in range(2):  # the phone lost the server's answers and sends it all again: still one of each
            assert page.evaluate(SEND_AGAIN, kept) == {"reports": 1, "patrols": 1}
        page.reload()
        page.screenshot(path=str(ARTIFACTS / f"offline-arrived-phone-{backend}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []

    db.session.expire_all()
    patrols = db.session.scalars(db.select(Patrol).where(Patrol.user_id == user.id)).all()
    reports = db.session.scalars(db.select(Report).where(Report.reporter_id == user.id)).all()
    assert len(patrols) == 1 and len(reports) == 1
    assert patrols[0].client_id == kept["patrols"][0]["client_id"] and patrols[0].covered
    assert reports[0].client_id == kept["reports"][0]["body"]["client_id"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportPhoto)
                             .where(ReportPhoto.report_id == reports[0].id)) == 2

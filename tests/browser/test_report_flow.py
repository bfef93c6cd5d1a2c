"""Reporting on a phone: three taps online; with no signal the reports and their photos wait on the phone,
survive a reload, and arrive exactly once however often they are sent again."""
import io

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from tests.browser.test_volunteer_flow import FAKE_GPS
from tests.factories import PASSWORD, alleys_of, demo_street, make_user, file_report
from tests.services.cases.test_reports import on_alley, report_at
from webapp.extensions import db
from webapp.models import Report, ReportPhoto, Role
from webapp.photos import has_gps_exif
from webapp.storage import LocalPhotoStorage, storage_for

pytestmark = pytest.mark.browser


def camera_photo(path) -> str:
    """A 3000x2000 JPEG with GPS in its EXIF, as a phone camera writes it."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 56.0, 30.0), 3: "E", 4: (116.0, 22.0, 10.0)}
    Image.new("RGB", (3000, 2000), (90, 140, 60)).save(path, "JPEG", exif=exif.tobytes())
    assert has_gps_exif(path.read_bytes())
    return str(path)


@pytest.fixture
def resident(app, tmp_path):
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    alley = alleys_of(demo_street())[0]
    user = make_user(Role.RESIDENT)
    return user, alley


def sign_in(page, base, user, locale_path=""):
    page.goto(f"{base}/login{locale_path}")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/**")
    page.locator("#report-open").wait_for()


def report(page, lon, lat, photo, category="堆物堆料"):
    page.locator("#report-open").click()
    page.wait_for_function("window.__gps.watching() > 0")
    page.evaluate("([lon, lat]) => window.__gps.feed(lon, lat, Date.now())", [lon, lat])
    page.get_by_role("button", name=category, exact=True).click()
    if photo:
        page.locator("[data-photo-input]").set_input_files(photo)
        page.locator("[data-photo-previews] img").wait_for()
    page.locator("[data-report-send]").click()
    page.locator("#report-result").wait_for()
    text = page.locator("#report-result [data-result-text]").inner_text()
    page.locator("#report-result [data-result-close]").click()
    return text


def test_three_taps_online_show_the_report_and_duplicates_nearby(app, live_server, browser, resident):
    user, alley = resident
    lon, lat = on_alley(alley)
    file_report(make_user(Role.RESIDENT), report_at(lon, lat + 0.0001, description="纸箱堆在门口"))
    for size in ("phone", "tablet"):
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[size], is_mobile=size == "phone",
                                      has_touch=True, permissions=["geolocation"], service_workers="block")
        context.add_init_script(FAKE_GPS)
        errors = []
        try:
            page = context.new_page()
            page.on("pageerror", lambda err: errors.append(str(err)))
            sign_in(page, live_server, user)
            page.locator("#report-open").click()
            page.wait_for_function("window.__gps.watching() > 0")
            page.evaluate("([lon, lat]) => window.__gps.feed(lon, lat, Date.now())", [lon, lat])
            page.get_by_role("button", name="堆物堆料", exact=True).click()
            page.locator("[data-duplicates] li").first.wait_for()
            assert "我也遇到" in page.locator("[data-duplicates]").inner_text()
            assert "8" in page.locator("[data-report-where]").inner_text()  # the GPS accuracy, in metres
            page.screenshot(path=str(ARTIFACTS / f"report-form-{size}-{backend_of(app)}.png"))
            page.locator("[data-report-send]").click()
            result = page.locator("#report-result")
            result.wait_for()
            assert "已发送" in result.inner_text()
            page.screenshot(path=str(ARTIFACTS / f"report-sent-{size}-{backend_of(app)}.png"))
            result.locator("[data-result-close]").click()
            page.locator(".alley-label", has_text=alley.name).click()  # the alley's sheet lists its open reports
            page.locator("[data-alley-reports] a").first.wait_for()
            assert page.locator("[data-alley-reports] a").count() >= 2
        finally:
            context.close()
        assert errors == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Report).where(Report.reporter_id == user.id)) == 2


def test_offline_reports_with_photos_survive_a_reload_and_arrive_once(app, live_server, browser, resident, tmp_path):
    user, alley = resident
    lon, lat = on_alley(alley)
    photo = camera_photo(tmp_path / "camera.jpg")
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                  permissions=["geolocation"])
    context.add_init_script(FAKE_GPS)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, user, "?lang=en")
        page.evaluate("navigator.serviceWorker.ready")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.evaluate("fetch('/api/v1/categories')")  # as any earlier visit would have, so it works offline

        context.set_offline(True)
        for n in range(3):
            said = report(page, lon + n * 0.00005, lat, photo, category="Goods piled in the lane")
            assert "saved on this phone" in said
        page.locator("#report-queue", has_text="3 report(s) waiting").wait_for()
        page.reload()  # offline: the service worker serves the map, IndexedDB still holds the reports
        page.locator("#report-queue", has_text="3 report(s) waiting").wait_for()
        kept = page.evaluate("AlleyOutbox.all().then((items) => { window.__kept = items; return items; })")
        assert [len(item["photos"]) for item in kept] == [1, 1, 1]

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.locator("#report-queue").wait_for(state="hidden")
        # The phone lost the server's answers and sends everything twice more: still three reports.
        for _ in range(2):
            page.evaluate("""async () => {
                for (const item of window.__kept) await AlleyOutbox.add(item.body, item.photos, item.csrf);
                return AlleyOutbox.flush(document.querySelector('meta[name="csrf-token"]').content);
            }""")
        assert page.evaluate("AlleyOutbox.all()") == []
    finally:
        context.close()
    assert errors == []

    db.session.expire_all()
    reports = db.session.scalars(db.select(Report).where(Report.reporter_id == user.id).order_by(Report.id)).all()
    assert len(reports) == 3
    assert [r.client_id for r in reports] == [item["client_id"] for item in kept]  # in the order they were made
    photos = db.session.scalars(db.select(ReportPhoto)).all()
    assert len(photos) == 3 and all(max(p.width, p.height) == 1600 for p in photos)
    storage = storage_for(app)
    assert not any(has_gps_exif(storage.open(p.storage_key)) for p in photos)

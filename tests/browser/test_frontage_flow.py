"""门前三包 in the browser: a steward records a frontage check from the alley sheet on a phone (with a photo, and again
during a patrol), and the chief reads the repeat breaches on a tablet."""
import uuid
from datetime import date

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, signed_in
from tests.factories import make_user
from tests.services.cases.test_reports import on_alley
from webapp.extensions import db
from webapp.models import Alley, CheckResult, FrontageCheck, Role, Street
from webapp.services.demo import DEMO_STREET, load_demo
from webapp.services.places.claims import claim_alley
from webapp.services.places.frontage import CheckInput, ShopInput, record_check, register_shop

pytestmark = pytest.mark.browser
ALLEY = "演示头条胡同"
FAKE_GPS = """
navigator.geolocation.watchPosition = () => 1;
navigator.geolocation.clearWatch = () => {};
navigator.geolocation.getCurrentPosition = () => {};
"""


@pytest.fixture
def world(app):
    load_demo()
    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    alley = db.session.scalar(db.select(Alley).where(Alley.name == ALLEY))
    chief = make_user(Role.CHIEF, street=street, name="街巷长老李")
    steward = make_user(Role.STEWARD, street=street, name="王阿姨")
    claim_alley(steward, alley.id)
    lon, lat = on_alley(alley, 0.0001)
    noodles = register_shop(chief, street.id, ShopInput(name="老北京炸酱面", lon=lon, lat=lat, operator="王师傅",
                                                         duties=frozenset({"safety", "sanitation", "order"}),
                                                         signed_on=date(2026, 3, 1)))
    shop_ = register_shop(chief, street.id, ShopInput(name="便民超市", lon=lon + 0.0004, lat=lat,
                                                       duties=frozenset({"sanitation"}),
                                                       signed_on=date(2026, 3, 1)))
    return {"street": street, "alley": alley, "chief": chief, "steward": steward, "noodles": noodles, "market": shop_}


def _photo(path) -> str:
    Image.new("RGB", (1200, 900), (160, 120, 60)).save(path, "JPEG")
    return str(path)


def test_a_steward_records_a_frontage_check_from_the_alley_sheet_on_a_phone(app, live_server, browser, world,
                                                                              tmp_path):
    context, page, errors = signed_in(browser, live_server, world["steward"], "phone")
    context.add_init_script(FAKE_GPS)
    try:
        page.goto(f"{live_server}/?street={world['street'].id}")
        page.locator(".alley-label", has_text=ALLEY).click()
        sheet = page.locator("[data-frontage-sheet]")
        sheet.get_by_text("老北京炸酱面").wait_for()
        assert sheet.get_by_text("尚未检查").count() == 2
        # The claim and patrol buttons stay on screen above the shops; the sheet scrolls to the shops below.
        assert page.get_by_role("button", name="开始寻访").is_visible()
        assert page.evaluate("(() => { const s = document.getElementById('alley-info');"
                             " return getComputedStyle(s).overflowY === 'auto'; })()")
        sheet.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"frontage-sheet-phone-{backend_of(app)}.png"))

        page.locator(f"[data-frontage-check='{world['noodles'].id}']").click()
        panel = page.locator("#frontage-check")
        panel.get_by_text("商户履行责任的情况如何？").wait_for()
        # Send with nothing chosen: told what is missing, nothing stored.
        panel.get_by_role("button", name="保存检查").click()
        panel.get_by_text("请至少为一项责任选择结果。").wait_for()
        panel.get_by_role("group", name="安全").get_by_role("button", name="守约").click()
        panel.get_by_role("group", name="卫生").get_by_role("button", name="违约").click()
        panel.get_by_role("group", name="秩序").get_by_role("button", name="劝导").click()
        panel.locator("[data-frontage-note]").fill("门前堆放纸箱，已劝导")
        panel.locator("[data-frontage-photo]").set_input_files(_photo(tmp_path / "shop.jpg"))
        panel.locator("[data-frontage-preview] img").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
        page.screenshot(path=str(ARTIFACTS / f"frontage-check-phone-{backend_of(app)}.png"))
        panel.get_by_role("button", name="保存检查").click()
        page.locator("#frontage-result", has_text="检查已保存：违约").wait_for()
        sheet.get_by_text("上次检查：违约").wait_for()
        page.screenshot(path=str(ARTIFACTS / f"frontage-saved-phone-{backend_of(app)}.png"))

        # During a patrol the sheet is hidden: the patrol panel offers the alley's shops.
        page.locator("#frontage-result [data-result-close]").click()
        page.get_by_role("button", name="开始寻访").click()
        page.get_by_role("button", name="检查商户").click()
        panel.get_by_role("button", name="便民超市").click()
        panel.get_by_role("group", name="卫生").get_by_role("button", name="守约").click()
        panel.get_by_role("button", name="保存检查").click()
        page.locator("#frontage-result", has_text="检查已保存：守约").wait_for()
        assert page.locator("#patrol").is_visible()  # back to the patrol
        page.screenshot(path=str(ARTIFACTS / f"frontage-patrol-phone-{backend_of(app)}.png"))
    finally:
        context.close()
    assert errors == []
    checks = db.session.scalars(db.select(FrontageCheck).order_by(FrontageCheck.id)).all()
    assert [(c.shop_id, c.outcome) for c in checks] == [(world["noodles"].id, CheckResult.BROKEN),
                                                         (world["market"].id, CheckResult.KEPT)]
    assert checks[0].photo_key and checks[0].note == "门前堆放纸箱，已劝导"


def test_a_check_sent_without_a_connection_waits_and_goes_once(app, live_server, browser, world):
    context, page, errors = signed_in(browser, live_server, world["steward"], "phone")
    try:
        page.goto(f"{live_server}/?street={world['street'].id}")
        page.locator(".alley-label", has_text=ALLEY).click()
        page.locator(f"[data-frontage-check='{world['market'].id}']").click()
        panel = page.locator("#frontage-check")
        panel.get_by_role("group", name="卫生").get_by_role("button", name="违约").click()
        context.set_offline(True)
        panel.get_by_role("button", name="保存检查").click()
        page.locator("#frontage-result", has_text="没有网络").wait_for()
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function("JSON.parse(localStorage.getItem('alleys.frontage.pending') || '[]').length === 0")
        page.locator("#frontage-result", has_text="检查已保存：违约").wait_for()
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing again
    finally:
        context.close()
    assert [c.outcome for c in db.session.scalars(db.select(FrontageCheck))] == [CheckResult.BROKEN]
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_the_chief_reads_the_repeat_breaches_on_a_tablet(app, live_server, browser, world):
    for results in ({"order": "broken"}, {"safety": "broken"}, {"sanitation": "warned"}):
        record_check(world["steward"], CheckInput(str(uuid.uuid4()), world["noodles"].id, results))
    record_check(world["steward"], CheckInput(str(uuid.uuid4()), world["market"].id, {"sanitation": "kept"}))
    context, page, errors = signed_in(browser, live_server, world["chief"], "tablet")
    try:
        page.goto(f"{live_server}/")
        page.get_by_role("link", name="门前三包").click()
        page.get_by_role("link", name="违约统计").click()
        rows = page.locator("[data-breaches=shops] tbody tr")
        rows.first.wait_for()
        assert "老北京炸酱面" in rows.nth(0).inner_text() and "多次" in rows.nth(0).inner_text()
        assert "便民超市" in rows.nth(1).inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"frontage-breaches-tablet-{backend_of(app)}.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="导出（xlsx）").first.click()
        assert download.value.suggested_filename.startswith("frontage-shops-")
        page.get_by_role("link", name="商户", exact=True).click()
        page.get_by_role("link", name="便民超市").wait_for()
        page.screenshot(path=str(ARTIFACTS / f"frontage-shops-tablet-{backend_of(app)}.png"), full_page=True)
        page.get_by_role("link", name="老北京炸酱面").click()
        page.get_by_role("heading", name="最近的检查").wait_for()
        assert page.locator("input[name=name]").input_value() == "老北京炸酱面"
        page.screenshot(path=str(ARTIFACTS / f"frontage-shop-tablet-{backend_of(app)}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []


def test_a_resident_names_the_shop_in_the_report_form(app, live_server, browser, world):
    from tests.browser.test_volunteer_flow import FAKE_GPS as FEEDABLE_GPS
    from webapp.models import Report

    resident = make_user(Role.RESIDENT, street=world["street"])
    context, page, errors = signed_in(browser, live_server, resident, "phone")
    context.add_init_script(FEEDABLE_GPS)
    try:
        page.goto(f"{live_server}/?street={world['street'].id}")
        page.locator("#report-open").click()
        page.wait_for_function("window.__gps.watching() > 0")
        lon, lat = on_alley(world["alley"], 0.0001)
        page.evaluate("([lon, lat]) => window.__gps.feed(lon, lat, Date.now())", [lon, lat])
        page.get_by_role("button", name="堆物堆料", exact=True).click()
        shop_choice = page.locator("[data-report-shop]")
        shop_choice.locator("option", has_text="老北京炸酱面").wait_for(state="attached")
        assert shop_choice.locator("option").all_inner_texts()[0] == "不涉及商户"
        shop_choice.select_option(str(world["noodles"].id))
        shop_choice.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"frontage-report-shop-phone-{backend_of(app)}.png"))
        page.locator("[data-report-send]").click()
        page.locator("#report-result").wait_for()
    finally:
        context.close()
    assert errors == []
    assert db.session.scalar(db.select(Report.shop_id)) == world["noodles"].id

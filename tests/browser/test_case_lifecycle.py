"""One case from report to confirmation at tablet size (吹哨报到, 一事一案): the steward escalates, the chief
accepts and whistles two departments, one reports on site in time and one late, both finish, the chief
resolves with a photo, the reporter is not satisfied, the case reopens, is resolved again and confirmed.
The clock is injected and moved, never slept."""
import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, VIEWPORTS, backend_of, sign_in
from tests.browser.test_report_flow import camera_photo
from tests.support.clock import Clock
from tests.factories import PASSWORD, alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from webapp.extensions import db
from webapp.models import Report, ReportStatus, Role
from webapp.services.places.claims import claim_alley
from webapp.services.volunteers.people import create_user
from webapp.storage import LocalPhotoStorage

pytestmark = pytest.mark.browser


@pytest.fixture
def people(app, tmp_path):
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    clock = app.extensions["clock"] = Clock()
    street, alley = demo_street(), alleys_of(demo_street())[0]
    steward = make_user(Role.STEWARD, name="管家老王")
    claim_alley(steward, alley.id)
    police = create_user(display_name="派出所小李", username="police1", password=PASSWORD, role=Role.OFFICER,
                         street_name=street.name, department_name="公安")
    return {"resident": make_user(Role.RESIDENT, name="居民张阿姨"), "steward": steward,
            "chief": make_user(Role.CHIEF, name="街巷长刘"), "urban": make_user(Role.OFFICER, name="城管小赵"),
            "police": police, "alley": alley, "clock": clock}


@pytest.fixture
def tablet(browser, live_server):
    """tablet(user) -> a signed-in page at 1024x768 in Chinese; fails the test on any JavaScript error."""
    contexts, errors = [], []

    def open_(user):
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["tablet"], has_touch=True,
                                      service_workers="block", permissions=["geolocation"],
                                      geolocation={"longitude": 116.4172, "latitude": 39.9362})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        sign_in(page, live_server, user)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


def shot(page, app, name):
    page.screenshot(path=str(ARTIFACTS / f"lifecycle-{name}-{backend_of(app)}.png"), full_page=False)


def pane_step(page, step: str, fill=None):
    """Submit one step's form in the triage screen's detail pane and wait for the pane to show the result."""
    form = page.locator(f"#triage-pane #step-{step}")
    form.wait_for()
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.locator("#triage-pane .case-flash-success").wait_for()


def open_in_triage(page, report_id: int):
    """The chief's screen, once its script runs (it shows the map), with one case opened in the pane."""
    page.locator("#triage-map").wait_for()
    page.locator(f".queue-link[data-id='{report_id}']").click()
    # The page may already be loading the case named in its URL: wait until the pane has settled.
    page.wait_for_function("!document.getElementById('triage-pane').hasAttribute('aria-busy')")


def test_a_case_from_report_to_confirmation(app, live_server, tablet, people, tmp_path):
    clock, base = people["clock"], live_server
    photo = camera_photo(tmp_path / "after.jpg")
    report, _ = file_report(people["resident"], report_at(*on_alley(people["alley"]), description="楼道口堆满纸箱"))
    case_url = f"{base}/reports/{report.id}"

    # The steward of the alley passes it to the street chief.
    steward = tablet(people["steward"])
    steward.goto(case_url)
    steward.locator("#step-escalate button[type=submit]").click()
    steward.locator(".case-flash-success").wait_for()

    # The chief takes it from the queue, accepts it and whistles 城管执法 (the default) and 公安.
    chief = tablet(people["chief"])
    chief.goto(f"{base}/triage")
    open_in_triage(chief, report.id)
    pane_step(chief, "accept")
    pane_step(chief, "whistle", lambda form: form.get_by_label("公安").check())
    shot(chief, app, "whistled")

    # 城管执法 reports on site in time; 公安 only after the deadline, and shows red until it does.
    urban, police = tablet(people["urban"]), tablet(people["police"])
    urban.goto(f"{base}/department")
    urban.locator("form[action$='/steps/report_on_site'] button[type=submit]").click()
    urban.locator(".case-flash-success").wait_for()
    clock.advance(minutes=31)
    chief.reload()
    chief.locator(f".queue-row.is-overdue[data-id='{report.id}']").wait_for()
    shot(chief, app, "overdue")
    police.goto(f"{base}/department")
    assert "超时" in police.locator("main").inner_text()
    police.locator("form[action$='/steps/report_on_site'] button[type=submit]").click()
    police.locator(".case-flash-success").wait_for()

    # Both finish their part (事不完、人不撤: their parts close when the chief resolves the case).
    for officer in (urban, police):
        officer.goto(f"{base}/department")
        officer.locator("form[action$='/steps/finish_part'] button[type=submit]").click()
        officer.locator(".case-flash-success").wait_for()

    # The chief resolves with a photo.
    chief.reload()
    open_in_triage(chief, report.id)
    pane_step(chief, "resolve", lambda form: (form.locator("textarea").fill("纸箱已清走，楼道畅通"),
                                              form.locator("input[type=file]").set_input_files(photo)))

    # The reporter is not satisfied: the case reopens to the chief.
    resident = tablet(people["resident"])
    resident.goto(case_url)
    resident.get_by_label("不满意").check()
    resident.locator("#step-verdict textarea").fill("楼道里还有两个纸箱")
    resident.locator("#step-verdict button[type=submit]").click()
    resident.locator(".status-badge.status-reopened").first.wait_for()

    # Resolved again; this time the reporter is satisfied.
    chief.reload()
    open_in_triage(chief, report.id)
    pane_step(chief, "resolve", lambda form: form.locator("textarea").fill("剩下的纸箱也已清走"))
    resident.goto(case_url)
    resident.get_by_label("满意", exact=True).check()
    resident.locator("#step-verdict button[type=submit]").click()
    resident.locator(".case-head .status-badge.status-confirmed").wait_for()
    shot(resident, app, "confirmed")

    # The case file shows every step, in order, with who took it.
    steps = resident.locator(".timeline-what").all_inner_texts()
    expected = ["已上报", "上报街巷长", "已受理", "吹哨", "部门报到", "部门报到", "部门完成", "部门完成", "已解决",
                "评价", "已解决", "评价"]
    assert len(steps) == len(expected), steps
    for text, start in zip(steps, expected):
        assert start in text, (steps, expected)
    assert "迟到" in steps[5]  # 公安 reported on site after its deadline
    db.session.expire_all()
    case = db.session.get(Report, report.id)
    assert case.status is ReportStatus.CONFIRMED and case.resolution_round == 2
    assert [v.satisfaction.value for v in case.verdicts] == ["unsatisfied", "satisfied"]
    assert CHROMIUM.exists()

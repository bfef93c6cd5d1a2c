"""An organizer's morning on a tablet (issue 7's acceptance): invite two Old Neighbours, put them in a team and a
post, schedule an activity; one checks in by the QR code's link on a phone and one does not; the roster's hours
and the Old Neighbour rule update; the roster exports to CSV and xlsx that open in csv and openpyxl."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of, signed_in
from tests.factories import demo_street, make_user
from webapp import clock
from webapp.models import Role

pytestmark = pytest.mark.browser

VOLUNTEERS = [("王秀英", "13912345671"), ("李建国", "13912345672")]


def register(browser, link, name, phone):
    """A volunteer opens the invitation on their phone and registers; returns their signed-in page."""
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                  service_workers="block")
    page = context.new_page()
    page.goto(link)
    page.get_by_role("link", name="Register with this invitation").click()
    page.fill("input[name=display_name]", name)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", "hutong-2026")
    page.fill("input[name=confirm]", "hutong-2026")
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url("**/")
    return context, page


def roster_row(page, name) -> list[str]:
    row = page.locator("#roster tbody tr", has_text=name)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_an_organizer_runs_a_team_and_an_activity_and_exports_the_roster(app, live_server, browser):
    street = demo_street()
    organizer = make_user(Role.ORGANIZER, street, "组织者")
    context, page, errors = signed_in(browser, live_server, organizer, "tablet")
    phones = []
    try:
        # Invite: one link for two people, shown with its QR code.
        page.goto(f"{live_server}/roster/invite?lang=en")
        page.select_option("select[name=role]", "old_neighbour")
        page.fill("input[name=max_uses]", "2")
        page.get_by_role("button", name="Make an invitation").click()
        page.locator(".qr svg").wait_for()
        link = page.input_value("#invite-link")
        page.screenshot(path=str(ARTIFACTS / f"roster-invite-tablet-{backend_of(app)}.png"))
        phones = [register(browser, link, name, phone) for name, phone in VOLUNTEERS]

        # A team with both, and a post each.
        page.goto(f"{live_server}/roster/teams")
        page.fill("input[name=name]", "一队")
        page.get_by_role("button", name="Create team").click()
        for name, _phone in VOLUNTEERS:
            page.select_option("select[name=user_id]", label=f"{name} · Old Neighbour")
            page.get_by_role("button", name="Add", exact=True).click()
            page.locator("#team-members", has_text=name).wait_for()
        page.screenshot(path=str(ARTIFACTS / f"roster-team-tablet-{backend_of(app)}.png"))
        page.goto(f"{live_server}/roster/posts")
        page.fill("input[name=name]", "宣传员")
        page.get_by_role("button", name="Create post").click()
        for name, _phone in VOLUNTEERS:
            page.locator("select[name=user_id]").first.select_option(label=name)
            page.get_by_role("button", name="Assign").first.click()
            page.locator("#posts-title").wait_for()

        # An activity for the team, starting in ten minutes (check-in is open), at a point picked on the map.
        starts = clock.now().astimezone(clock.BEIJING) + timedelta(minutes=10)
        page.goto(f"{live_server}/roster/activities")
        page.fill("input[name=title]", "清理楼道堆物")
        page.fill("input[name=place]", "演示头条胡同东口")
        page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=ends_at]", (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=capacity]", "10")
        page.select_option("select[name=team_id]", label="一队")
        page.locator("#place-picker").click()
        page.get_by_role("button", name="Schedule", exact=True).click()
        page.locator("#check-in-link").wait_for()
        assert page.locator("#qr-title").is_visible() and page.locator("section svg").count() >= 1
        check_in_link = page.input_value("#check-in-link")
        page.screenshot(path=str(ARTIFACTS / f"roster-activity-tablet-{backend_of(app)}.png"))

        # 王秀英 scans the code on her phone and checks in; 李建国 signs up and does not come.
        first, second = phones[0][1], phones[1][1]
        first.goto(check_in_link)
        first.get_by_role("button", name="Check in", exact=True).click()
        first.locator(".act-state.is-checked-in").wait_for()
        first.screenshot(path=str(ARTIFACTS / f"roster-check-in-phone-{backend_of(app)}.png"))
        second.goto(f"{live_server}/activities/")
        second.get_by_role("button", name="Sign up").first.click()
        second.locator(".status-message, [role=status]").first.wait_for()

        # The organizer sees who came and credits her two hours.
        page.goto(page.url)
        attendance = page.locator("#attendance")
        assert "王秀英" in attendance.inner_text() and "李建国" in attendance.inner_text()
        row = attendance.locator("tbody tr", has_text="王秀英")
        row.locator("input[name=hours]").fill("2")
        row.get_by_role("button", name="Credit").click()
        page.locator("#attendance").wait_for()

        # The roster: her hours and activities count, his do not; the rule says how far each is.
        page.goto(f"{live_server}/roster/")
        wang, li = roster_row(page, "王秀英"), roster_row(page, "李建国")
        assert wang[6:9] == ["2.0", "1", "at risk"], wang  # hours, activities, the rule (4 a year: not yet)
        assert li[6:9] == ["0.0", "0", "at risk"], li
        page.screenshot(path=str(ARTIFACTS / f"roster-list-tablet-{backend_of(app)}.png"), full_page=True)

        # Both exports open with the expected rows.
        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
        by_name = {row["Name"]: row for row in rows}
        assert by_name["王秀英"]["Activities attended"] == "1" and by_name["王秀英"]["Hours"] == "2.0"
        assert by_name["李建国"]["Activities attended"] == "0" and by_name["李建国"]["Teams"] == "一队"
        with page.expect_download() as download:
            page.get_by_role("link", name="Export Excel").click()
        sheet = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.values)
        header, named = sheet[0], {row[0]: row for row in sheet[1:]}
        assert named["王秀英"][header.index("Activities attended")] == 1
        assert named["王秀英"][header.index("Hours")] == 2.0
        assert named["李建国"][header.index("Posts")] == "宣传员"
    finally:
        for phone_context, _page in phones:
            phone_context.close()
        context.close()
    assert errors == []

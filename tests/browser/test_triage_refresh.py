"""The chief's queue on a tablet with a flaky connection: it says when it was last refreshed, keeps the last good
list when a refresh fails, retries sooner then later (back-off), says so plainly when offline, and catches up."""
import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from webapp.models import Role
from webapp.services.cases.transitions import Step, transition

pytestmark = pytest.mark.browser


def escalated(resident, alley, description):
    """A case in the chief's queue: a resident's report, passed up to the street chief."""
    report, _created = file_report(resident, report_at(*on_alley(alley), description=description))
    transition(resident, report.id, Step.ESCALATE)


class FlakyQueue:
    """Answers the queue's polls from a script of outcomes: 'fail' drops the connection, 'ok' lets it through."""

    def __init__(self, page):
        self.script, self.seen = [], []
        page.route("**/api/v1/triage/queue*", self.handle)

    def handle(self, route):
        outcome = self.script.pop(0) if self.script else "ok"
        self.seen.append(outcome)
        route.abort("connectionfailed") if outcome == "fail" else route.continue_()


def test_the_queue_keeps_its_list_and_says_how_old_it_is_on_a_flaky_connection(app, live_server, browser):
    alleys = alleys_of(demo_street())
    resident = make_user(Role.RESIDENT)
    escalated(resident, alleys[0], "纸箱堆在门口")
    context, page, errors = signed_in(browser, live_server, make_user(Role.CHIEF, name="街巷长刘"), "tablet")
    try:
        page.clock.install()
        flaky = FlakyQueue(page)
        page.goto(f"{live_server}/triage")
        status, rows = page.locator("#queue-updated"), page.locator("#queue-list > li")
        status.filter(has_text="更新").wait_for()
        assert rows.count() == 1

        flaky.script = ["fail", "fail"]
        page.clock.run_for(20_000)  # the poll fails: the list stays, with its age, and a retry soon
        status.filter(has_text="5 秒后重试").wait_for()
        assert "无法刷新" in status.inner_text() and "刚刚" in status.inner_text() and rows.count() == 1
        page.clock.run_for(5_000)  # fails again: waits longer
        status.filter(has_text="10 秒后重试").wait_for()
        page.clock.run_for(120_000)
        status.filter(has_text="分钟前").wait_for()  # the list's age counts on while it fails

        escalated(resident, alleys[1], "路灯不亮")
        page.clock.run_for(10_000)  # the connection is back: the new case arrives, and the time of the list
        rows.nth(1).wait_for()
        status.filter(has_text="更新").wait_for()
        assert "重试" not in status.inner_text() and "无法" not in status.inner_text()

        context.set_offline(True)
        page.clock.run_for(20_000)
        status.filter(has_text="离线").wait_for()
        assert rows.count() == 2
        page.screenshot(path=str(ARTIFACTS / f"triage-offline-tablet-{backend_of(app)}.png"))
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # refreshes at once, not after the back-off
        status.filter(has_text="更新").wait_for()
        assert flaky.seen.count("fail") == 2
    finally:
        context.close()
    assert [e for e in errors if "Failed to load resource" not in e] == []

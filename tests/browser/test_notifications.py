"""Notifications in the browser: a Web Push shown by the service worker opens its case when tapped, and the
inbox (the bell) tells the reporter their case is resolved even where push is off, kept live by polling."""
import re
import time

import pytest
from playwright.sync_api import expect
from py_vapid import Vapid

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from tests.factories import PASSWORD, alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from webapp.extensions import db
from webapp.models import Notification, NotificationKind, Role
from webapp.reports.blueprint import beijing_time
from webapp.services.cases.transitions import Step, transition
from webapp.services.notifications.delivery import payload as push_payload
from webapp.services.notifications.messages import message_for
from webapp.services.places.claims import claim_alley

pytestmark = pytest.mark.browser


@pytest.fixture
def people(app):
    alley = alleys_of(demo_street())[0]
    steward = make_user(Role.STEWARD, name="管家老王")
    claim_alley(steward, alley.id)
    return {"reporter": make_user(Role.RESIDENT, name="居民张阿姨"), "steward": steward,
            "chief": make_user(Role.CHIEF, name="街巷长刘"), "alley": alley}


@pytest.fixture
def resolve(people):
    """resolve() -> a new case of the reporter, passed up, accepted and resolved: the reporter is told."""
    made = []

    def resolve_():
        offset = 0.00002 * len(made)  # a few metres apart: separate cases, not "me too" to one another
        report, _ = file_report(people["reporter"], report_at(*on_alley(people["alley"], offset),
                                                              description=f"门口堆了纸箱 {len(made) + 1}"))
        transition(people["steward"], report.id, Step.ESCALATE)
        transition(people["chief"], report.id, Step.ACCEPT)
        transition(people["chief"], report.id, Step.RESOLVE, note="纸箱已清走")
        made.append(report.id)
        notification = db.session.scalar(db.select(Notification).where(
            Notification.report_id == report.id, Notification.user_id == people["reporter"].id))
        assert notification.kind is NotificationKind.VERDICT_REQUESTED
        return report.id, notification

    return resolve_


@pytest.fixture
def phone(browser):
    """phone(**context options) -> a page at 390x844 in Chinese; the test fails on any JavaScript error."""
    contexts, errors = [], []

    def open_(**options):
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True,
                                      **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        return context, page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


def sign_in(page, base, user):
    page.goto(f"{base}/login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/**")


def shots(page, app, name):
    """The page at phone and at tablet size, into tests/artifacts."""
    for size in ("phone", "tablet"):
        page.set_viewport_size(VIEWPORTS[size])
        page.screenshot(path=str(ARTIFACTS / f"notifications-{name}-{size}-{backend_of(app)}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"])


def wait_until(probe, timeout=10.0):
    """Polls probe() (a Playwright call, so the browser's events keep flowing) until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def registration_id(context, page, base):
    """(a DevTools session, the service worker registration's id): only the protocol's ServiceWorker domain tells
    the id, and it is what ServiceWorker.deliverPushMessage pushes to."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")

    def found():
        page.evaluate("1")  # let the session's events arrive
        return next((r["registrationId"] for r in registrations
                     if r["scopeURL"] == f"{base}/" and not r["isDeleted"]), None)

    reg_id = wait_until(found)
    assert reg_id, registrations
    return cdp, reg_id


def test_the_service_worker_shows_a_pushed_notification_whose_click_opens_the_case(app, live_server, phone, people,
                                                                                    resolve):
    base = live_server
    # A VAPID key, so the settings page offers to turn push on (webapp.channels.webpush reads it once per app).
    vapid = Vapid()
    vapid.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = vapid.private_pem().decode()
    app.extensions.pop("vapid", None)

    context, page = phone(permissions=["notifications"])  # service workers allowed, as on a phone
    sign_in(page, base, people["reporter"])
    page.goto(f"{base}/reports/mine")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")  # clients.claim() on activation
    worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    assert worker.url == f"{base}/sw.js"
    assert page.locator("[data-bell-count]").is_hidden()

    # The case is resolved; the push the worker would send for it comes through the browser's push path. The
    # DevTools protocol hands it to the registration directly: an incognito context (every new_context) has no
    # Push API to subscribe with, and a real profile's subscribe needs Google's push service, unreachable here.
    report_id, notification = resolve()
    payload, tag = push_payload(notification)
    message = message_for(notification)
    cdp, reg_id = registration_id(context, page, base)
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": base, "registrationId": reg_id, "data": payload})

    shown = wait_until(lambda: worker.evaluate(
        "self.registration.getNotifications()"
        ".then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"))
    assert shown == [{"title": message.title, "body": message.body, "tag": tag,
                      "data": {"url": f"/reports/{report_id}", "id": notification.id}}]
    # The open page was told by the worker and counts at once, without waiting for its next poll.
    expect(page.locator("[data-bell-count]")).to_have_text("1")
    expect(page.locator("#bell")).to_have_accessible_name(re.compile(r"\b1\b"))

    # A tap on the notification (a synthetic click: only the browser makes trusted ones) opens the case in the
    # window already open, through /notifications/<id>, which marks it read.
    worker.evaluate("self.registration.getNotifications()"
                    ".then(([n]) => self.dispatchEvent(new NotificationEvent('notificationclick', {notification: n})))")
    page.wait_for_url(f"{base}/reports/{report_id}")
    assert page.locator("[data-bell-count]").is_hidden()
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None
    assert wait_until(lambda: worker.evaluate("self.registration.getNotifications().then(ns => ns.length === 0)"))

    # The settings page offers push on this device (its permission is granted, it is not subscribed yet).
    page.goto(f"{base}/notifications/settings")
    page.locator("#push-enable").wait_for()
    assert page.locator("#push-disable").is_hidden()
    expect(page.locator("#push-status")).to_have_text(page.locator("#push-device").get_attribute("data-text-off"))
    shots(page, app, "settings")


def test_the_inbox_shows_the_notification_even_when_push_is_disabled(app, live_server, phone, people, resolve):
    base = live_server
    first_id, first = resolve()
    context, page = phone(service_workers="block")  # no worker, no push permission: the inbox alone
    page.clock.install()  # the bell's 30-second poll, moved on by the test instead of waited for
    sign_in(page, base, people["reporter"])
    page.goto(f"{base}/reports/mine")
    count = page.locator("[data-bell-count]")
    assert count.inner_text() == "1"

    # A second case is resolved while the page is open: the next poll shows it, without a reload.
    second_id, second = resolve()
    page.clock.fast_forward("00:31")
    page.wait_for_function("document.querySelector('[data-bell-count]').textContent === '2'")
    expect(page.locator("#bell")).to_have_accessible_name(re.compile(r"\b2\b"))

    # The inbox lists both, newest first, unread.
    page.locator("#bell").click()
    page.wait_for_url(f"{base}/notifications")
    items = page.locator("#inbox .inbox-item")
    assert items.count() == 2
    assert items.first.get_attribute("data-id") == str(second.id)
    assert message_for(second).title in items.first.inner_text()
    assert f"#{second_id}" in items.first.inner_text()
    assert page.locator("#inbox .inbox-item.is-unread").count() == 2

    # A third arrives while the inbox is open: the list follows the count, in the same markup.
    third_id, third = resolve()
    page.clock.fast_forward("00:31")
    page.wait_for_function("document.querySelectorAll('#inbox .inbox-item').length === 3")
    newest = items.first
    assert newest.get_attribute("data-id") == str(third.id)
    assert "is-unread" in newest.get_attribute("class")
    assert newest.locator(".inbox-link").get_attribute("href") == f"/notifications/{third.id}"
    assert f"#{third_id}" in newest.locator(".inbox-body").inner_text()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):  # the time as the server writes it
        assert newest.locator(".inbox-time").inner_text() == beijing_time(third.created_at, "short")
    assert count.inner_text() == "3"

    # Opening one goes to its case and counts it read.
    newest.locator(".inbox-link").click()
    page.wait_for_url(f"{base}/reports/{third_id}")
    assert count.inner_text() == "2"
    page.go_back()
    page.wait_for_url(f"{base}/notifications")
    opened = page.locator(f"#inbox .inbox-item[data-id='{third.id}']")
    expect(opened).not_to_have_class(re.compile(r"\bis-unread\b"))
    assert page.locator("#inbox .inbox-item.is-unread").count() == 2
    oldest = page.locator(f"#inbox .inbox-item[data-id='{first.id}']")
    assert oldest.locator(".inbox-title").inner_text() == message_for(first).title
    shots(page, app, "inbox")

"""Notifications end to end: a case's steps, the real pywebpush sender and the local push service, on both engines.

What is checked is what a person on the street sees: the message arrives on each of their devices, decrypted,
naming the case; a device the browser dropped is forgotten; a service hiccup is retried, once; and no device
ever shows the same notification twice, even when the worker is killed mid-send or two workers run at once.
"""
import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.push.push_service import PushService, b64encode
from tests.services.cases.test_reports import on_alley, report_at
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Delivery, DeliveryState, Notification, NotificationKind, PushSubscription, Role
from webapp.services.cases.reports import follow_report
from webapp.services.cases.transitions import Step, transition
from webapp.services.notifications import delivery
from webapp.services.notifications.outbox import notify
from webapp.services.notifications.subscriptions import subscribe

D = DeliveryState
FINAL = {D.SENT, D.GONE, D.FAILED, D.INTERRUPTED, D.SKIPPED}
ROOT = Path(__file__).resolve().parents[2]


# --- the key, the push service, the app set up to push to it ----------------------------------------------

@pytest.fixture(scope="module")
def vapid():
    key = Vapid()
    key.generate_keys()
    return key


def vapid_public(key: Vapid) -> str:
    return b64encode(key.public_key.public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint))


@pytest.fixture
def push(vapid):
    # Only messages signed with the app's key are accepted: a 403 would show up as a failed delivery.
    with PushService(expected_vapid_key=vapid_public(vapid)) as service:
        yield service


@pytest.fixture
def pushing(app, vapid, monkeypatch):
    """The app set to push with the fresh key to loopback http endpoints, SMS off."""
    monkeypatch.setattr("webapp.models.people.generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1"))
    app.config.update(VAPID_PRIVATE_KEY=vapid.private_pem().decode(), PUSH_REQUIRE_HTTPS=False, SMS_PROVIDER="off",
                      PUSH_TTL_SECONDS=1800, PUSH_TIMEOUT_SECONDS=5)
    app.extensions.pop("vapid", None)
    app.extensions.pop("sms", None)
    return app


def device_of(push, user, name: str):
    """A browser on one of the user's devices, subscribed the way the settings page does it."""
    device, info = push.new_device()
    subscribe(user, info, device=name)
    return device


def subscription_id(device) -> int:
    return db.session.scalar(db.select(PushSubscription.id).where(PushSubscription.endpoint == device.endpoint))


def payloads(push, device) -> list[dict]:
    return [json.loads(m.payload) for m in push.messages_for(device)]


def deliveries_of(notification_ids) -> dict:
    """{(notification id, address): (state, attempts, subscription id)} as the database has them now."""
    db.session.expire_all()
    rows = db.session.scalars(db.select(Delivery).where(Delivery.notification_id.in_(list(notification_ids))))
    return {(d.notification_id, d.address): (d.state, d.attempts, d.subscription_id) for d in rows}


def notifications(report_id: int, kind: NotificationKind) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(db.select(Notification).where(Notification.report_id == report_id,
                                                            Notification.kind == kind)
                              .order_by(Notification.id)).all()


def run_worker_once(app) -> None:
    """The worker's loop in this process, until nothing is due (run_worker opens its own app context)."""
    delivery.run_worker(app, once=True)
    db.session.expire_all()


def engine_name() -> str:
    return db.engine.dialect.name


# --- a) a case's steps reach the devices --------------------------------------------------------------------

def test_a_resolved_case_reaches_every_device_of_the_reporter_and_followers(pushing, push):
    app = pushing
    clock = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    app.extensions["clock"] = clock
    street = demo_street()
    alley = alleys_of(street)[0]
    reporter, follower = make_user(Role.RESIDENT), make_user(Role.RESIDENT)
    chief, officer = make_user(Role.CHIEF), make_user(Role.OFFICER)  # 城管执法: piled goods' department
    phone, tablet, old_phone = (device_of(push, reporter, n) for n in ("phone", "tablet", "old phone"))
    follower_phone, officer_phone = device_of(push, follower, "phone"), device_of(push, officer, "phone")
    phone_row, old_phone_row = subscription_id(phone), subscription_id(old_phone)

    report, _ = file_report(reporter, report_at(*on_alley(alley)))
    case = report.id
    follow_report(follower, case)
    transition(reporter, case, Step.ESCALATE)
    transition(chief, case, Step.ACCEPT)
    transition(chief, case, Step.WHISTLE)
    run_worker_once(app)

    # 吹哨: the officer is told at once, with high urgency; the chief has no device, the inbox has it.
    [whistled] = payloads(push, officer_phone)
    assert whistled["kind"] == "whistled" and f"#{case}" in whistled["body"]
    assert whistled["url"] == f"/reports/{case}"
    [message] = push.messages_for(officer_phone)
    assert (message.headers["urgency"], message.headers["topic"], message.headers["ttl"]) == ("high", f"case-{case}",
                                                                                              "1800")
    assert not any(push.messages_for(d) for d in (phone, tablet, old_phone, follower_phone))

    transition(officer, case, Step.REPORT_ON_SITE, lon=116.4, lat=39.9)
    transition(officer, case, Step.FINISH_PART)
    push.gone(old_phone)  # the reporter's old phone dropped its subscription: the service answers 410
    push.fail_next(1, status=500)  # and the service fails the first message once
    transition(chief, case, Step.RESOLVE, note="杂物已清理")
    [asked] = notifications(case, NotificationKind.VERDICT_REQUESTED)
    [resolved] = notifications(case, NotificationKind.RESOLVED)
    assert (asked.user_id, resolved.user_id) == (reporter.id, follower.id)
    run_worker_once(app)

    # The first message (to the reporter's phone: first notification, first device) met the 500 and waits.
    rows = deliveries_of([asked.id, resolved.id])
    assert rows[(asked.id, str(phone_row))] == (D.PENDING, 1, phone_row)
    assert not push.messages_for(phone)
    assert len(payloads(push, tablet)) == len(payloads(push, follower_phone)) == 1
    # The old phone answered 410: its delivery is GONE and its subscription is forgotten.
    assert rows[(asked.id, str(old_phone_row))] == (D.GONE, 1, None)
    assert db.session.get(PushSubscription, old_phone_row) is None
    assert not push.messages_for(old_phone)

    # Not due yet: the back-off holds it, a round of the worker finds nothing to do; past it, it goes, once.
    assert delivery.tick() == 0
    assert not push.messages_for(phone)
    clock.advance(seconds=20)  # backoff(1) is 15 s +- 20 %
    run_worker_once(app)
    run_worker_once(app)

    for device, notification in ((phone, asked), (tablet, asked), (follower_phone, resolved)):
        [payload] = payloads(push, device)
        assert payload["id"] == notification.id and payload["kind"] == notification.kind.value
        assert f"#{case}" in payload["body"] and payload["url"] == f"/reports/{case}"
        [message] = push.messages_for(device)
        assert (message.headers["urgency"], message.headers["topic"]) == ("normal", f"case-{case}")
        # What is left of the 30 minutes: the retried one waited 20 s on the clock.
        assert message.headers["ttl"] == ("1780" if device is phone else "1800")
    rows = deliveries_of([asked.id, resolved.id])
    assert Counter((state, attempts) for state, attempts, _ in rows.values()) == {
        (D.SENT, 2): 1, (D.SENT, 1): 2, (D.GONE, 1): 1}
    assert not push.messages_for(old_phone)
    assert len(push.messages_for(officer_phone)) == 1  # nothing of the resolution went to the officer
    devices = {s.endpoint: s for s in db.session.scalars(db.select(PushSubscription))}
    assert devices[phone.endpoint].failures == 0 and devices[phone.endpoint].last_sent_at is not None
    assert old_phone.endpoint not in devices


def test_a_push_answered_too_late_is_not_sent_again(pushing, push):
    app = pushing
    clock = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    app.extensions["clock"] = clock
    app.config["PUSH_TIMEOUT_SECONDS"] = 0.5
    user = make_user(Role.RESIDENT)
    phone = device_of(push, user, "phone")
    notify([user.id], NotificationKind.REJECTED, None)
    db.session.commit()
    push.delay = 1.5  # the service takes the message, but answers after the sender gave up waiting
    run_worker_once(app)
    wait_for(lambda: len(push.messages_for(phone)) == 1, 5, "the slow service to take the message")
    push.delay = 0
    clock.advance(minutes=5)  # past any back-off
    run_worker_once(app)
    assert len(push.messages_for(phone)) == 1  # the phone shows it once
    db.session.expire_all()
    assert db.session.scalar(db.select(Delivery.state)) is D.INTERRUPTED


# --- b) the worker killed mid-send, then restarted ------------------------------------------------------------

def worker_env(database_url: str, vapid: Vapid, instance: Path) -> dict:
    return dict(os.environ, DATABASE_URL=database_url, ALLEYS_INSTANCE_DIR=str(instance), SECRET_KEY="test-secret",
                VAPID_PRIVATE_KEY=vapid.private_pem().decode(), PUSH_REQUIRE_HTTPS="0", NOTIFY_LEASE_SECONDS="2",
                PUSH_TIMEOUT_SECONDS="2", SMS_PROVIDER="off", NOTIFY_WORKER_IN_PROCESS="0")


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "notify", "worker",
                             "--interval", "0.2"], cwd=ROOT, env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)


def wait_for(condition, timeout: float, what: str, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            assert worker.poll() is None, f"the worker exited ({worker.returncode}) while waiting for {what}"
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def states(notification_ids) -> Counter:
    db.session.expire_all()
    db.session.commit()  # a fresh snapshot on PostGIS
    return Counter(db.session.scalars(db.select(Delivery.state).where(
        Delivery.notification_id.in_(list(notification_ids)))))


def test_nothing_is_sent_twice_when_the_worker_is_killed_and_restarted_mid_batch(pushing, push, vapid,
                                                                                  database_url, tmp_path):
    street = demo_street()
    alley = alleys_of(street)[0]
    people = [make_user(Role.RESIDENT) for _ in range(3)]
    devices = {person.id: [device_of(push, person, f"device {i}") for i in range(2)] for person in people}
    report, _ = file_report(people[0], report_at(*on_alley(alley)))
    for n in range(10):  # 30 notifications, 60 deliveries: more than one batch of 50
        notify([p.id for p in people], NotificationKind.RESOLVED, report)
    db.session.commit()
    ids = db.session.scalars(db.select(Notification.id)).all()
    assert len(ids) == 30
    sub_token = {s.id: d.token for person in people for d in devices[person.id]
                 for s in [db.session.scalar(db.select(PushSubscription).where(
                     PushSubscription.endpoint == d.endpoint))]}

    push.delay = 0.03  # slow enough to stop the worker in the middle of the batch
    env, log = worker_env(database_url, vapid, tmp_path / "instance"), tmp_path / "worker.log"
    workers = [start_worker(env, log)]
    try:
        wait_for(lambda: len(push.received) >= 10, 15, "the first deliveries", workers)
        push.hold()
        held_at = push.arrived  # read after hold(): anything arriving from now on is parked
        wait_for(lambda: push.arrived > held_at, 5, "a request parked in the push service", workers)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(5)

        counts = states(ids)
        assert counts[D.SENDING] == 1, counts  # the one the service holds: handed over, not answered
        [held] = db.session.scalars(db.select(Delivery).where(Delivery.state == D.SENDING)).all()
        held_key = (held.notification_id, sub_token[held.subscription_id])
        assert counts[D.SENT] >= 10 and counts[D.PENDING] > 0, counts

        push.release()  # the service takes it after all: the device shows it although nobody heard the 201
        workers.append(start_worker(env, log))
        wait_for(lambda: sum(states(ids)[s] for s in FINAL) == 60, 18, "every delivery in a final state",
                 workers[1:])
    finally:
        push.release()
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(5)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(5)

    db.session.expire_all()
    rows = db.session.scalars(db.select(Delivery).where(Delivery.notification_id.in_(ids))).all()
    final = Counter(d.state for d in rows)
    assert final == {D.SENT: 59, D.INTERRUPTED: 1}, (final, log.read_text()[-3000:])
    [interrupted] = [d for d in rows if d.state is D.INTERRUPTED]
    assert (interrupted.notification_id, sub_token[interrupted.subscription_id]) == held_key

    received = Counter((json.loads(m.payload)["id"], m.device_token) for m in push.received)
    assert max(received.values()) == 1, [k for k, n in received.items() if n > 1]  # never twice on a device
    sent = {(d.notification_id, sub_token[d.subscription_id]) for d in rows if d.state is D.SENT}
    assert set(received) == sent | {held_key}  # everything arrived, the interrupted one exactly once
    assert push.arrived == 60


# --- c) two workers at once -----------------------------------------------------------------------------------

def many_deliveries(push, people: int = 5, per_person: int = 2, notices: int = 20) -> list[int]:
    """`people` x `notices` notifications, fanned out to `per_person` devices each; returns the delivery ids."""
    street = demo_street()
    persons = [make_user(Role.RESIDENT) for _ in range(people)]
    for person in persons:
        for i in range(per_person):
            device_of(push, person, f"device {i}")
    report, _ = file_report(persons[0], report_at(*on_alley(alleys_of(street)[0])))
    for _ in range(notices):
        notify([p.id for p in persons], NotificationKind.RESOLVED, report)
    db.session.commit()
    while delivery.fan_out():
        pass
    return db.session.scalars(db.select(Delivery.id).order_by(Delivery.id)).all()


def needs_skip_locked():
    if engine_name() != "postgresql":
        pytest.skip("SQLite has no FOR UPDATE SKIP LOCKED: it serialises writers, and the claim race is settled "
                    "by _start's conditional update instead; several workers are a PostGIS deployment")


def test_two_workers_claiming_at_once_never_take_the_same_delivery(pushing, push):
    """While one worker holds its claim open (rows locked, not committed), a second one claims at once,
    without waiting, and takes other rows: FOR UPDATE SKIP LOCKED."""
    app = pushing
    needs_skip_locked()
    ids = many_deliveries(push)
    first_locked, second_done = threading.Event(), threading.Event()
    claimed, waited = {}, {}

    def pause_first_claim(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread().name == "first" and "SKIP LOCKED" in statement:
            first_locked.set()
            waited["first"] = second_done.wait(10)  # hold the row locks until the second worker has claimed

    def worker(name):
        with app.app_context():
            try:
                claimed[name] = delivery.claim(limit=30)[1]
            finally:
                db.session.remove()
                if name == "second":
                    second_done.set()

    event.listen(db.engine, "after_cursor_execute", pause_first_claim)
    try:
        first = threading.Thread(target=worker, args=("first",), name="first")
        first.start()
        assert first_locked.wait(10)
        started = time.monotonic()
        second = threading.Thread(target=worker, args=("second",), name="second")
        second.start()
        second.join(15)
        second_took = time.monotonic() - started
        first.join(15)
    finally:
        event.remove(db.engine, "after_cursor_execute", pause_first_claim)
    assert waited["first"] and second_took < 5  # the second did not wait for the first's locks
    assert len(claimed["first"]) == len(claimed["second"]) == 30
    assert not set(claimed["first"]) & set(claimed["second"])
    assert set(claimed["first"]) | set(claimed["second"]) == set(ids[:60])


def test_two_workers_running_together_send_each_delivery_once(pushing, push):
    app = pushing
    needs_skip_locked()
    ids = many_deliveries(push, people=10, per_person=2, notices=15)  # 300 deliveries, six batches
    push.delay = 0.002
    errors = []

    def worker():
        try:
            delivery.run_worker(app, once=True)
        except Exception as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    db.session.expire_all()
    rows = db.session.scalars(db.select(Delivery).where(Delivery.id.in_(ids))).all()
    assert Counter(d.state for d in rows) == {D.SENT: len(ids)}
    assert all(d.attempts == 1 for d in rows)
    received = Counter((json.loads(m.payload)["id"], m.device_token) for m in push.received)
    assert len(received) == len(ids) and set(received.values()) == {1}
    assert push.arrived == len(ids)

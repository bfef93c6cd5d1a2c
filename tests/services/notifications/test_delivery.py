"""The notification worker with a recording channel: fan-out per device and SMS, retries with back-off,
gone subscriptions, at most once per device, interrupted sends never repeated."""
import json

import pytest
from py_vapid import Vapid

from tests.factories import make_user
from tests.support.clock import Clock
from webapp.channels import webpush
from webapp.channels import Outcome, Result
from webapp.extensions import db
from webapp.models import Channel, Delivery, DeliveryState, MutedKind, NotificationKind, PushSubscription, Role
from webapp.services.notifications import delivery
from webapp.services.notifications.outbox import notify
from webapp.services.notifications.subscriptions import subscribe

K, D = NotificationKind, DeliveryState


def browser_subscription(n: int) -> dict:
    """A subscription as a browser sends it (a real P-256 key and a 16-byte auth secret)."""
    key = Vapid()
    key.generate_keys()
    return {"endpoint": f"https://push.example.org/send/{n}",
            "keys": {"p256dh": webpush.public_key_of(key), "auth": webpush.b64url(bytes(range(n, n + 16)))}}


class Channel_:
    """Stands in for webpush.send: records each message and answers what the test says."""

    def __init__(self):
        self.sent, self.answers = [], []

    def __call__(self, info, payload, *, topic, urgent, ttl, app=None):
        self.sent.append((info["endpoint"], json.loads(payload), topic, urgent))
        return self.answers.pop(0) if self.answers else Outcome(Result.SENT)


@pytest.fixture
def push(app, monkeypatch):
    key = Vapid()
    key.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = key.private_pem().decode()
    app.extensions.pop("vapid", None)
    app.extensions["clock"] = Clock()
    channel = Channel_()
    monkeypatch.setattr(webpush, "send", channel)
    return channel


def states() -> list[tuple[str, str, str]]:
    return [(d.channel.value, d.address, d.state.value)
            for d in db.session.scalars(db.select(Delivery).order_by(Delivery.id))]


def run_once():
    while delivery.tick():
        pass


def test_a_notification_goes_once_to_each_of_the_users_devices(app, push):
    user = make_user(Role.RESIDENT)
    first, second = subscribe(user, browser_subscription(1)), subscribe(user, browser_subscription(2))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    run_once()
    assert states() == [("push", str(first.id), "sent"), ("push", str(second.id), "sent")]
    assert [s[0] for s in push.sent] == [first.endpoint, second.endpoint]
    run_once()
    assert len(push.sent) == 2  # never again


def test_the_payload_is_small_and_names_the_notification(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    note = notify([user.id], K.REJECTED, None)[0]
    db.session.commit()
    run_once()
    _, payload, topic, urgent = push.sent[0]
    assert payload["id"] == note.id and payload["kind"] == "rejected" and payload["title"]
    assert topic == f"note-{note.id}" and urgent is False
    assert len(json.dumps(payload, ensure_ascii=False).encode()) < 3000


def test_whistles_are_urgent_and_go_by_sms_as_well(app, push):
    officer = make_user(Role.OFFICER)
    officer.phone = "13800000001"
    subscribe(officer, browser_subscription(1))
    notify([officer.id], K.WHISTLED, None, departments=["urban_management"])
    db.session.commit()
    run_once()
    assert {s[0] for s in states()} == {"push", "sms"} and all(s[2] == "sent" for s in states())
    assert push.sent[0][3] is True
    phone, text = app.extensions["sms"].sent[-1]
    assert phone == "13800000001" and text.startswith("【小巷管家】")


def test_sms_stands_in_only_when_nobody_can_be_reached_by_push(app, push):
    reachable, unreachable, no_phone = (make_user(Role.RESIDENT) for _ in range(3))
    reachable.phone, unreachable.phone = "13800000002", "13800000003"
    device = subscribe(reachable, browser_subscription(1))
    notify([reachable.id, unreachable.id, no_phone.id], K.VERDICT_REQUESTED, None)
    db.session.commit()
    run_once()
    assert sorted(s[:2] for s in states()) == [("push", str(device.id)), ("sms", "13800000003")]


def test_a_muted_kind_stays_in_the_inbox_only(app, push):
    user = make_user(Role.RESIDENT)
    user.phone = "13800000004"
    subscribe(user, browser_subscription(1))
    db.session.add(MutedKind(user_id=user.id, kind=K.RESOLVED))
    notify([user.id], K.RESOLVED, None)
    db.session.commit()
    run_once()
    assert states() == [] and push.sent == []


def test_without_a_vapid_key_nothing_is_pushed(app, push):
    app.config["VAPID_PRIVATE_KEY"] = ""
    app.extensions["vapid"] = None
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    run_once()
    assert push.sent == []


def test_a_gone_subscription_is_deleted_with_what_was_waiting_for_it(app, push):
    user = make_user(Role.RESIDENT)
    gone = subscribe(user, browser_subscription(1))
    gone_id = gone.id
    push.answers = [Outcome(Result.GONE, "410")]
    notify([user.id], K.REJECTED, None)
    notify([user.id], K.RESOLVED, None)
    db.session.commit()
    run_once()
    assert db.session.get(PushSubscription, gone_id) is None
    assert [s[2] for s in states()] == ["gone", "gone"] and len(push.sent) == 1


def test_a_failed_send_is_retried_after_a_back_off_then_given_up(app, push):
    user = make_user(Role.RESIDENT)
    device = subscribe(user, browser_subscription(1))
    app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    push.answers = [Outcome(Result.RETRY, "503")] * 3
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    clock = app.extensions["clock"]
    run_once()
    row = db.session.scalar(db.select(Delivery))
    assert (row.state, row.attempts) == (D.PENDING, 1) and row.next_attempt_at is not None
    run_once()
    assert len(push.sent) == 1  # not before its time
    clock.advance(seconds=20)
    run_once()
    assert len(push.sent) == 2
    clock.advance(minutes=1)
    run_once()
    db.session.expire_all()
    row = db.session.scalar(db.select(Delivery))
    assert (row.state, row.attempts, len(push.sent)) == (D.FAILED, 3, 3)
    assert db.session.get(PushSubscription, device.id).failures == 3


def test_a_retry_that_succeeds_is_sent_once(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    push.answers = [Outcome(Result.RETRY, "timeout")]
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    run_once()
    app.extensions["clock"].advance(minutes=1)
    run_once()
    assert states()[0][2] == "sent" and len(push.sent) == 2


def test_a_push_older_than_its_ttl_is_skipped(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    delivery.fan_out()
    app.extensions["clock"].advance(seconds=app.config["PUSH_TTL_SECONDS"] + 1)
    run_once()
    assert states()[0][2] == "skipped" and push.sent == []


def test_a_send_interrupted_by_a_dead_worker_is_never_repeated(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    delivery.fan_out()
    token, ids = delivery.claim()
    assert delivery._start(ids[0], token)  # the worker dies here, before or after the message left
    db.session.expire_all()
    assert delivery.claim()[1] == [] and delivery.deliver_due() == 0  # still SENDING: nobody takes it
    app.extensions["clock"].advance(minutes=1)  # its lease runs out
    run_once()
    assert states()[0][2] == "interrupted" and push.sent == []


def test_a_worker_whose_lease_ran_out_does_not_send_what_another_took_over(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    delivery.fan_out()
    slow_token, ids = delivery.claim()
    app.extensions["clock"].advance(seconds=app.config["NOTIFY_LEASE_SECONDS"] + 1)
    fast_token, again = delivery.claim()
    assert again == ids
    assert delivery._start(ids[0], slow_token) is False
    assert delivery._start(ids[0], fast_token) is True


def test_a_second_fan_out_adds_nothing(app, push):
    user = make_user(Role.RESIDENT)
    subscribe(user, browser_subscription(1))
    notify([user.id], K.REJECTED, None)
    db.session.commit()
    assert delivery.fan_out() == 1
    assert delivery.fan_out() == 0
    assert len(states()) == 1 and states()[0][0] == Channel.PUSH.value


def test_a_browser_taken_over_by_another_person_gets_none_of_the_last_ones_pushes(app, push):
    first, second = make_user(Role.RESIDENT), make_user(Role.RESIDENT)
    sub = browser_subscription(1)
    subscribe(first, sub)
    notify([first.id], K.REJECTED, None)
    db.session.commit()
    delivery.fan_out()
    subscribe(second, sub)  # the first person signed out, the second signed in on the same phone
    run_once()
    assert states()[0][2] == "gone" and push.sent == []


def test_pushes_and_sms_speak_the_language_the_person_last_used(app, push, client):
    english, chinese = make_user(Role.OFFICER), make_user(Role.OFFICER)
    english.locale, english.phone, chinese.phone = "en", "13800000005", "13800000006"
    subscribe(english, browser_subscription(1))
    subscribe(chinese, browser_subscription(2))
    notify([english.id, chinese.id], K.WHISTLED, None, departments=["urban_management"])
    db.session.commit()
    run_once()
    (_, first, _, _), (_, second, _, _) = push.sent
    assert first["lang"] == "en" and first["title"].startswith("Whistle")
    assert second["lang"] == "zh-Hans" and second["title"].startswith("吹哨")
    texts = dict(app.extensions["sms"].sent)
    assert texts["13800000005"].startswith("[Alley Stewards]") and texts["13800000006"].startswith("【小巷管家】")


def test_the_app_remembers_the_language_a_person_switches_to(app):
    from flask_login import FlaskLoginClient

    user = make_user(Role.RESIDENT)
    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=user)
    client.get("/notifications", headers={"Accept-Language": "zh-CN"})
    assert db.session.get(type(user), user.id).locale == "zh_Hans"
    client.get("/notifications?lang=en")
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "en"

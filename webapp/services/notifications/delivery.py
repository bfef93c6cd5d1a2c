"""The notification worker: fans each new notification out to deliveries (one per device, SMS) and sends them.

At most once per device: a delivery is marked SENDING and committed before it leaves, so a worker
killed mid-send leaves it SENDING, and the next worker marks it INTERRUPTED instead of sending it
again (the inbox holds the notification either way). Rows are claimed with a lease; on PostGIS with
FOR UPDATE SKIP LOCKED, so several workers share the work without waiting for each other.
"""
import json
import logging
import random
import secrets
import threading
import time
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.channels import Outcome, Result, sms, webpush
from webapp.extensions import db
from webapp.models import (Channel, Delivery, DeliveryState, MutedKind, Notification, PushSubscription, Report,
                           User)
from webapp.models.reports import as_utc
from webapp.services.notifications import reminders
from webapp.services.notifications.messages import message_for
from webapp.services.notifications.outbox import warn_silent_whistles

log = logging.getLogger("webapp.notify")
BATCH = 50
WORKING_FAILURES = 3  # a subscription that failed this many times in a row no longer counts as a way to reach someone
D = DeliveryState


def backoff(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, ... up to 30 min, with a little jitter so retries do not arrive together."""
    seconds = min(15 * 2 ** (attempts - 1), 1800)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


# Fan-out: which devices and numbers a notification goes to, decided when the worker takes it.

def fan_out(limit: int = 200) -> int:
    """Deliveries for notifications not yet fanned out; returns how many notifications were taken."""
    taken = db.session.scalars(db.select(Notification).where(Notification.fanned_out_at.is_(None))
                               .order_by(Notification.id).limit(limit).with_for_update(skip_locked=True)).all()
    if not taken:
        db.session.rollback()
        return 0
    user_ids = {n.user_id for n in taken}
    subscriptions = db.session.scalars(db.select(PushSubscription).where(PushSubscription.user_id.in_(user_ids))
                                       .order_by(PushSubscription.id)).all()
    muted = {(uid, kind) for uid, kind in db.session.execute(db.select(MutedKind.user_id, MutedKind.kind)
                                                             .where(MutedKind.user_id.in_(user_ids))).all()}
    phones = {uid: phone for uid, phone in db.session.execute(db.select(User.id, User.phone)
                                                              .where(User.id.in_(user_ids))).all()}
    sms_on = sms.provider_for(current_app) is not None
    push_on = webpush.vapid_key() is not None
    now = clock.now()
    for notification in taken:
        notification.fanned_out_at = now
        if (notification.user_id, notification.kind) in muted:
            continue
        devices = [s for s in subscriptions if s.user_id == notification.user_id] if push_on else []
        for device in devices:
            db.session.add(Delivery(notification_id=notification.id, channel=Channel.PUSH, address=str(device.id),
                                    subscription_id=device.id, next_attempt_at=now, created_at=now))
        reachable = any(d.failures < WORKING_FAILURES for d in devices)
        phone = phones.get(notification.user_id)
        if sms_on and phone and (notification.kind.is_urgent or not reachable):
            db.session.add(Delivery(notification_id=notification.id, channel=Channel.SMS, address=phone,
                                    next_attempt_at=now, created_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # SQLite has no SKIP LOCKED: another worker fanned these out first
        db.session.rollback()
        return 0
    return len(taken)


# Delivery.

def claim(limit: int = BATCH) -> tuple[str, list[int]]:
    """Leases up to `limit` due deliveries to this worker; returns the lease token and their ids.
    The UPDATE repeats the conditions: SQLite takes no lock on SELECT, so another worker may have
    leased (or started) a row in between; only rows still free get this worker's token."""
    now, token = clock.now(), secrets.token_hex(8)
    free = (Delivery.state == D.PENDING, Delivery.next_attempt_at <= now,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
    ids = db.session.scalars(db.select(Delivery.id).where(*free).order_by(Delivery.id).limit(limit)
                             .with_for_update(skip_locked=True)).all()
    if ids:
        lease = now + timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
        db.session.execute(update(Delivery).where(Delivery.id.in_(ids), *free)
                           .values(lease_token=token, lease_until=lease))
        ids = db.session.scalars(db.select(Delivery.id).where(Delivery.lease_token == token)
                                 .order_by(Delivery.id)).all()
    db.session.commit()
    return token, list(ids)


def _start(delivery_id: int, token: str) -> bool:
    """The point of no return: once SENDING is committed, this delivery is never sent a second time.
    Its lease now covers one send; past it, the worker is taken for dead (see mark_interrupted)."""
    lease = clock.now() + timedelta(seconds=2 * current_app.config["PUSH_TIMEOUT_SECONDS"] + 5)
    started = db.session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.lease_token == token,
                                                        Delivery.state == D.PENDING)
                                 .values(state=D.SENDING, attempts=Delivery.attempts + 1, lease_until=lease))
    db.session.commit()
    return started.rowcount == 1


def _message(notification: Notification):
    """The message in the recipient's language (the one they last used in the app)."""
    locale = notification.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return message_for(notification), locale


def payload(notification: Notification) -> tuple[str, str]:
    """The push payload (JSON, far below 3 KB) and its topic: one per case, so a newer one replaces it."""
    message, locale = _message(notification)
    data = {"id": notification.id, "kind": notification.kind.value, "title": message.title, "body": message.body,
            "url": message.url, "tag": message.tag, "lang": "en" if locale.startswith("en") else "zh-Hans"}
    return json.dumps(data, ensure_ascii=False), message.tag


def _sms_text(notification: Notification) -> str:
    message, locale = _message(notification)
    brand = "[Alley Stewards]" if locale.startswith("en") else "【小巷管家】"
    return f"{brand}{message.title} {message.body} {current_app.config['PUBLIC_URL']}{message.url}"


def _send(delivery: Delivery) -> Outcome:
    notification = delivery.notification
    if delivery.channel is Channel.SMS:
        try:
            sms.provider_for(current_app).send(delivery.address, _sms_text(notification))
        except sms.SmsError as err:
            return Outcome(Result.RETRY, str(err)[:300])
        return Outcome(Result.SENT)
    if delivery.subscription is None:
        return Outcome(Result.GONE, "unsubscribed")
    # The push service keeps it for what is left of the TTL: a whistle is not shown an hour late.
    ttl_left = current_app.config["PUSH_TTL_SECONDS"] - (clock.now() - as_utc(notification.created_at)).total_seconds()
    if ttl_left <= 0:
        return Outcome(Result.EXPIRED, "older than the push TTL")
    data, tag = payload(notification)
    return webpush.send(delivery.subscription.as_webpush_info(), data, topic=tag,
                        urgent=notification.kind.is_urgent, ttl=int(ttl_left))


def _record(delivery: Delivery, outcome: Outcome) -> None:
    now = clock.now()
    delivery.lease_token = delivery.lease_until = None
    delivery.last_error = outcome.detail or None
    device = delivery.subscription
    if outcome.result is Result.SENT:
        delivery.state, delivery.sent_at = D.SENT, now
        if device is not None:
            device.last_sent_at, device.failures = now, 0
    elif outcome.result is Result.GONE:
        delivery.state = D.GONE
        if device is not None:
            forget_subscription(device)
    elif outcome.result is Result.UNKNOWN:
        delivery.state = D.INTERRUPTED
    elif outcome.result is Result.EXPIRED:
        delivery.state = D.SKIPPED
    elif outcome.result is Result.RETRY and delivery.attempts < current_app.config["NOTIFY_MAX_ATTEMPTS"]:
        delivery.state, delivery.next_attempt_at = D.PENDING, now + backoff(delivery.attempts)
    else:
        delivery.state = D.FAILED
    if outcome.result is Result.RETRY and device is not None:
        device.failures += 1
    db.session.commit()


def drop_waiting(device: PushSubscription) -> None:
    """Deliveries still waiting for this browser will not go to it (it is gone, or someone else's now)."""
    db.session.execute(update(Delivery).where(Delivery.subscription_id == device.id, Delivery.state == D.PENDING)
                       .values(state=D.GONE))


def forget_subscription(device: PushSubscription) -> None:
    """The push service no longer knows this browser: drop it, and what was still waiting for it."""
    drop_waiting(device)
    db.session.execute(update(Delivery).where(Delivery.subscription_id == device.id).values(subscription_id=None))
    db.session.delete(device)


def deliver_due(limit: int = BATCH) -> int:
    """Sends one leased batch; returns how many deliveries were attempted."""
    token, ids = claim(limit)
    if not ids:
        return 0
    rows = db.session.scalars(
        db.select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)
        .options(db.joinedload(Delivery.subscription), db.joinedload(Delivery.notification).joinedload(Notification.user),
                 db.joinedload(Delivery.notification).joinedload(Notification.report).joinedload(Report.category),
                 db.joinedload(Delivery.notification).joinedload(Notification.report).joinedload(Report.alley))).all()
    attempted = 0
    for delivery in rows:
        if not _start(delivery.id, token):
            continue  # another worker took it over after our lease ran out
        attempted += 1
        try:
            outcome = _send(delivery)
        except Exception as err:  # a bug in a channel: recorded on this delivery, the batch goes on
            log.exception("delivery %s failed", delivery.id)
            db.session.rollback()
            outcome = Outcome(Result.REFUSED, f"{type(err).__name__}: {err}"[:300])
        _record(delivery, outcome)
    return attempted


def mark_interrupted() -> int:
    """Deliveries a dead worker left SENDING (its lease ran out): maybe delivered, so never sent again."""
    now = clock.now()
    count = db.session.execute(update(Delivery).where(Delivery.state == D.SENDING, Delivery.lease_until < now)
                               .values(state=D.INTERRUPTED, lease_token=None, lease_until=None)).rowcount
    db.session.commit()
    return count


def tick() -> int:
    """One round of the worker; returns how much it did (0: nothing waiting)."""
    return warn_silent_whistles() + mark_interrupted() + fan_out() + deliver_due()


def run_worker(app, interval: float = 2.0, stop: threading.Event | None = None, once: bool = False) -> None:
    """The loop behind `flask notify worker` (and the in-process worker of `make run`). Every
    reminders.EVERY_SECONDS it also writes the reminders due (each is sent once, whatever the number of workers)."""
    stop = stop or threading.Event()
    reminders_due = 0.0  # time.monotonic() of the next look for reminders
    with app.app_context():
        while not stop.is_set():
            try:
                done = 0
                if time.monotonic() >= reminders_due:
                    reminders_due = time.monotonic() + reminders.EVERY_SECONDS  # a failing pass waits its turn too
                    done += reminders.send_reminders(clock.now())
                done += tick()
            except Exception:  # a bad round is logged and retried; the worker stays up
                db.session.rollback()
                log.exception("notification worker round failed")
                done = 0
            finally:
                db.session.remove()
            if once and not done:
                return
            if not done:
                stop.wait(interval)

"""Reminders to volunteers, through the notification outbox: an activity tomorrow (to those signed up) and an alley
not patrolled for PATROL_GAP_DAYS (to its stewards).

Each reminder goes once, however often the job runs and on however many workers: a Reminder row is inserted
with ON CONFLICT DO NOTHING in the same transaction as its notification, and its unique key (the attendance;
the claim and the reminder's number) lets only one run write it. A run that finds the row already there writes
no notification either. Reminders go out only between REMINDER_FROM_HOUR and REMINDER_UNTIL_HOUR, Beijing time.
"""
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.clock import BEIJING, beijing_day
from webapp.extensions import db
from webapp.models import Activity, Alley, Attendance, Claim, NotificationKind, Patrol, User
from webapp.models.notifications import Reminder
from webapp.models.reports import as_utc
from webapp.services.notifications.outbox import notify

K = NotificationKind
EVERY_SECONDS = 300  # how often the worker looks for reminders due (each is still sent only once)


def send_reminders(now: datetime, any_hour: bool = False) -> int:
    """Every reminder due now, each once; returns how many notifications were written. Nothing at night unless
    any_hour (the command line's choice)."""
    now = as_utc(now).astimezone(timezone.utc)
    if not (any_hour or within_hours(now)):
        return 0
    return remind_activities(now) + remind_unpatrolled(now)


def within_hours(now: datetime) -> bool:
    hour = as_utc(now).astimezone(BEIJING).hour
    return current_app.config["REMINDER_FROM_HOUR"] <= hour < current_app.config["REMINDER_UNTIL_HOUR"]


def _mark(**values) -> bool:
    """Inserts the reminder's row unless one with its key exists (or another run is inserting it: that run's
    transaction decides). True when this run wrote it and so must send the reminder."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Reminder)
    written = db.session.execute(insert.values(**values).on_conflict_do_nothing().returning(Reminder.id))
    return written.first() is not None


def remind_activities(now: datetime) -> int:
    """Everyone signed up (not cancelled) for an activity (not cancelled) that starts on the next Beijing
    calendar day: once per attendance."""
    start = datetime.combine(beijing_day(now) + timedelta(days=1), time(0), BEIJING).astimezone(timezone.utc)
    rows = db.session.execute(
        select(Attendance.id, Attendance.user_id, Activity.id.label("activity_id"), Activity.title, Activity.place,
               Activity.starts_at)
        .join(Activity, Activity.id == Attendance.activity_id).join(User, User.id == Attendance.user_id)
        .where(Attendance.cancelled_at.is_(None), Activity.cancelled_at.is_(None), User.active.is_(True),
               Activity.starts_at >= start, Activity.starts_at < start + timedelta(days=1),
               ~exists().where(Reminder.attendance_id == Attendance.id))
        .order_by(Activity.starts_at, Attendance.id)).all()
    written = 0
    for row in rows:
        if _mark(kind=K.ACTIVITY_TOMORROW, attendance_id=row.id, nth=1, sent_at=now):
            written += len(notify([row.user_id], K.ACTIVITY_TOMORROW, None, activity=row.title, place=row.place,
                                  starts_at=as_utc(row.starts_at).isoformat(), activity_id=row.activity_id))
    db.session.commit()
    return written


def remind_unpatrolled(now: datetime) -> int:
    """The steward of each open claim (held for PATROL_GAP_DAYS at least) on an alley with no covering patrol in
    PATROL_GAP_DAYS, by anyone: at most once per claim in that many days, again while nobody patrols it."""
    days = current_app.config["PATROL_GAP_DAYS"]
    since = now - timedelta(days=days)
    patrolled = select(Patrol.alley_id).where(Patrol.covered.is_(True), Patrol.finished_at >= since)
    sent = (select(Reminder.claim_id, func.max(Reminder.nth).label("nth"), func.max(Reminder.sent_at).label("at"))
            .where(Reminder.claim_id.is_not(None)).group_by(Reminder.claim_id).subquery())
    rows = db.session.execute(
        select(Claim.id, Claim.user_id, Alley.id.label("alley_id"), Alley.name, Alley.street_id, sent.c.nth)
        .join(Alley, Alley.id == Claim.alley_id).join(User, User.id == Claim.user_id)
        .outerjoin(sent, sent.c.claim_id == Claim.id)
        .where(Claim.left_at.is_(None), Claim.claimed_at <= since, Claim.alley_id.not_in(patrolled),
               User.active.is_(True), or_(sent.c.at.is_(None), sent.c.at <= since))
        .order_by(Claim.id)).all()
    written = 0
    for row in rows:
        # Two runs that read the same last number write the same next one: the unique key keeps one.
        if _mark(kind=K.ALLEY_UNPATROLLED, claim_id=row.id, nth=(row.nth or 0) + 1, sent_at=now):
            written += len(notify([row.user_id], K.ALLEY_UNPATROLLED, None, alley=row.name, alley_id=row.alley_id,
                                  street_id=row.street_id, days=days))
    db.session.commit()
    return written

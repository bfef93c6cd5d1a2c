"""Who is told of what: notifications written beside the change that caused them, and the inbox.

A notification is added to the caller's session, so it commits (or rolls back) with the case's own
change: the transactional outbox. The worker (webapp.services.notifications.delivery) takes it from there.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, update

from webapp import clock
from webapp.extensions import db
from webapp.models import (Department, Notification, NotificationKind, Report, ReportFollower, ReportStatus, Role,
                           RoleGrant, User, Whistle, WhistleStatus)

K = NotificationKind
INBOX_PAGE = 30


def notify(user_ids, kind: NotificationKind, report: Report | None, **params) -> list[Notification]:
    """One notification per user (each once, in order), added to the current transaction."""
    rows = [Notification(user_id=uid, kind=kind, report_id=report.id if report else None, params=params,
                         created_at=clock.now()) for uid in dict.fromkeys(user_ids) if uid is not None]
    db.session.add_all(rows)
    return rows


def chiefs_of(street_id: int) -> list[int]:
    return list(db.session.scalars(
        db.select(RoleGrant.user_id).join(User).where(RoleGrant.role == Role.CHIEF, RoleGrant.street_id == street_id,
                                                      User.active.is_(True)).order_by(RoleGrant.user_id)))


def community_workers_of(community_id: int) -> list[int]:
    """The active workers (社区专员 / 网格员) of a community."""
    return list(db.session.scalars(
        db.select(RoleGrant.user_id).join(User).where(RoleGrant.role == Role.COMMUNITY_WORKER,
                                                      RoleGrant.community_id == community_id, User.active.is_(True))
        .order_by(RoleGrant.user_id)))


def _case_holders(report: Report) -> list[int]:
    """Whose queue the case is in: its community's workers while the community holds it, else the chiefs."""
    if report.held_by_community_id is not None:
        return community_workers_of(report.held_by_community_id)
    return chiefs_of(report.street_id)


def officers_of(street_id: int, department_ids) -> list[int]:
    return list(db.session.scalars(
        db.select(RoleGrant.user_id).join(User)
        .where(RoleGrant.role == Role.OFFICER, RoleGrant.street_id == street_id,
               RoleGrant.department_id.in_(list(department_ids)), User.active.is_(True))
        .order_by(RoleGrant.user_id)))


def followers_of(report: Report) -> list[int]:
    return list(db.session.scalars(db.select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)
                                   .order_by(ReportFollower.user_id)))


def _person(user_id: int) -> list[int]:
    """[user_id], or [] for a partner system's account: 12345 follows its cases through Open311, not an inbox."""
    return [] if db.session.scalar(db.select(User.is_partner).where(User.id == user_id)) else [user_id]


def notify_step(step: str, report: Report, actor_id: int | None, target: ReportStatus, details: dict) -> None:
    """The notices a step of the case lifecycle sends (called by transition(), inside its transaction).
    Nobody is told of their own step."""
    def others(user_ids):
        return [uid for uid in user_ids if uid != actor_id]

    if step == "escalate" and report.held_by_community_id is not None:
        notify(others(community_workers_of(report.held_by_community_id)), K.COMMUNITY_CASE, report,
               community=details.get("community", ""))
    elif step in ("escalate", "pass_up"):
        notify(others(chiefs_of(report.street_id)), K.ESCALATED, report)
    elif step == "whistle":
        codes = details.get("departments", [])
        ids = db.session.scalars(db.select(Department.id).where(Department.code.in_(codes))).all()
        notify(others(officers_of(report.street_id, ids)), K.WHISTLED, report, departments=codes,
               whistle_kind=details.get("kind"), due_at=details.get("due_at"))
    elif step in ("resolve", "community_resolve"):
        notify(others(_person(report.reporter_id)), K.VERDICT_REQUESTED, report)
        notify(others(f for f in followers_of(report) if f != report.reporter_id), K.RESOLVED, report)
    elif step == "verdict" and target is ReportStatus.REOPENED:
        notify(others(_case_holders(report)), K.REOPENED, report, note=details.get("note", ""))
    elif step == "reject":
        notify(others(_person(report.reporter_id)), K.REJECTED, report)
    elif step == "partner_update":
        notify(others(chiefs_of(report.street_id)), K.PARTNER_UPDATE, report, partner=details.get("partner", ""))


def notify_opened(report: Report) -> None:
    """A new case that went to the chief at once (a safety hazard, a partner's case) is news for the chiefs.
    Called once the report has its id, inside the filing's transaction."""
    if report.status is ReportStatus.ESCALATED:
        notify(chiefs_of(report.street_id), K.ESCALATED, report)


def warn_silent_whistles() -> int:
    """Escalation of silence: the chief is told when a whistle nears its deadline without 报到 (once), and
    the chief and the department when the deadline passes (once). Returns the notices written."""
    now, warn = clock.now(), timedelta(minutes=current_app.config["WHISTLE_WARN_MINUTES"])
    written = 0
    for column, kind, horizon in ((Whistle.warned_at, K.WHISTLE_DUE_SOON, now + warn),
                                  (Whistle.overdue_told_at, K.WHISTLE_OVERDUE, now)):
        due = db.session.scalars(db.select(Whistle).where(Whistle.status == WhistleStatus.WHISTLED,
                                                          Whistle.closed_at.is_(None), column.is_(None),
                                                          Whistle.due_at <= horizon)).all()
        for whistle in due:
            # The conditional update makes a second worker's pass a no-op: each notice is written once.
            taken = db.session.execute(update(Whistle).where(Whistle.id == whistle.id, column.is_(None))
                                       .values({column.key: now}))
            if taken.rowcount != 1:
                continue
            report = whistle.report
            users = chiefs_of(report.street_id)
            if kind is K.WHISTLE_OVERDUE:
                users += officers_of(report.street_id, [whistle.department_id])
            written += len(notify(users, kind, report, departments=[whistle.department.code],
                                  due_at=whistle.due_at.isoformat()))
        db.session.commit()
    return written


# The inbox.

def inbox(user: User, before_id: int | None = None, limit: int = INBOX_PAGE) -> list[Notification]:
    query = (db.select(Notification).where(Notification.user_id == user.id)
             .options(db.joinedload(Notification.report).joinedload(Report.category),
                      db.joinedload(Notification.report).joinedload(Report.alley))
             .order_by(Notification.id.desc()).limit(limit))
    if before_id:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query).unique())


def unread_count(user: User) -> int:
    return db.session.scalar(db.select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_read(user: User, ids=None) -> int:
    """Marks the user's notifications read: the given ones, or all. Others' ids are ignored."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    count = db.session.execute(query.values(read_at=clock.now())).rowcount
    db.session.commit()
    return count

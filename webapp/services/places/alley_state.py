"""What an alley has now, as the rules of claims, patrols and cases read it: a volunteer's open claim, the last
patrol and the count of open cases. Reads only; the modules that change these build on it, so none of them
needs another."""
from datetime import datetime

from webapp.extensions import db
from webapp.models import OPEN_REPORT_STATUSES, Claim, Patrol, Report


def open_claim(user_id: int, alley_id: int) -> Claim | None:
    return db.session.scalar(db.select(Claim).where(
        Claim.user_id == user_id, Claim.alley_id == alley_id, Claim.left_at.is_(None)))


def last_patrol_at(alley_id: int) -> datetime | None:
    return db.session.scalar(db.select(db.func.max(Patrol.finished_at)).where(Patrol.alley_id == alley_id))


def count_open_reports(alley_id: int) -> int:
    return db.session.scalar(db.select(db.func.count(Report.id)).where(Report.alley_id == alley_id,
                                                                      Report.status.in_(OPEN_REPORT_STATUSES)))

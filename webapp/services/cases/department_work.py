"""A department officer's work: the whistles of their departments in their streets, most urgent first."""
import math
from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, selectinload

from webapp import clock
from webapp.extensions import db
from webapp.models import Alley, Report, Role, Street, Whistle, WhistleStatus
from webapp.models.reports import as_utc
from webapp.policies import officer_department_ids
from webapp.services.cases.transitions import Step, allowed_steps

CLOSED_LIMIT = 20  # resolved cases shown after the open ones: a short memory, not an archive
OFFICER_STEPS = (Step.REPORT_ON_SITE, Step.ADD_NOTE, Step.FINISH_PART)
# A department's part, in the order it needs the officer: still to report on site, on site, done.
_PART_ORDER = {WhistleStatus.WHISTLED: 0, WhistleStatus.ON_SITE: 1, WhistleStatus.DONE: 2}
# Whistle.report with what a card shows (category, alley, street name) and every whistle of the case, which
# the policies read to say what the officer may do: a handful of queries for the whole list.
_LOAD = (joinedload(Whistle.department),
         joinedload(Whistle.report).options(
             joinedload(Report.category), joinedload(Report.alley).load_only(Alley.id, Alley.name),
             joinedload(Report.street).load_only(Street.id, Street.name), selectinload(Report.whistles)))


def _officer_scope(user) -> dict[int, set[int]]:
    """street id -> the ids of the user's departments there (one officer grant per street and department)."""
    streets = {g.street_id for g in getattr(user, "grants", ()) if g.role is Role.OFFICER}
    return {street_id: ids for street_id in streets if (ids := officer_department_ids(user, street_id))}


def whistles_for_officer(user, include_closed: bool = False) -> list[Whistle]:
    """The whistles of the officer's departments in the streets they serve. Active ones first: overdue,
    then those still to report on site by deadline, then those on site, then those done; then, if asked,
    the latest ones whose case was resolved (newest first, at most CLOSED_LIMIT)."""
    scope = _officer_scope(user)
    if not scope:
        return []
    mine = or_(*(and_(Report.street_id == street_id, Whistle.department_id.in_(ids))
                 for street_id, ids in scope.items()))
    query = db.select(Whistle).join(Whistle.report).where(mine).options(*_LOAD)
    active = db.session.scalars(query.where(Whistle.closed_at.is_(None))).unique().all()
    now = clock.now()
    active = sorted(active, key=lambda w: (not w.is_overdue(now), _PART_ORDER[w.status], as_utc(w.due_at), w.id))
    if not include_closed:
        return active
    closed = db.session.scalars(query.where(Whistle.closed_at.is_not(None))
                                .order_by(Whistle.closed_at.desc(), Whistle.id.desc()).limit(CLOSED_LIMIT)).unique().all()
    return active + list(closed)


def minutes_left(whistle: Whistle, now: datetime) -> int | None:
    """Whole minutes until the deadline to report on site, negative once overdue (so -1 is "overdue by 1 min",
    matching Whistle.is_overdue); None when it no longer counts: on site, done, or the case resolved."""
    if not whistle.is_active or whistle.status is not WhistleStatus.WHISTLED:
        return None
    seconds = (as_utc(whistle.due_at) - now).total_seconds()
    return math.ceil(seconds / 60) if seconds >= 0 else -math.ceil(-seconds / 60)


def officer_steps(user, whistle: Whistle) -> list[Step]:
    """What the officer may do on this whistle now: the case's allowed steps, kept to this department's part
    (with two of the officer's departments on one case, 报到 shows on the card still waiting for it)."""
    if not whistle.is_active:
        return []
    allowed = set(allowed_steps(user, whistle.report, False))
    fits = {Step.REPORT_ON_SITE: whistle.status is WhistleStatus.WHISTLED,
            Step.FINISH_PART: whistle.status is WhistleStatus.ON_SITE, Step.ADD_NOTE: True}
    return [step for step in OFFICER_STEPS if step in allowed and fits[step]]

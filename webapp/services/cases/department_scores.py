"""The street rates its departments (评价权): the chief scores each whistled department's part of a resolved case.

One score per whistle (a unique index holds it under a second click or two tabs at once). Sending the same marks
again changes nothing; different marks are a correction: the score shows the latest, and every version stays in
DepartmentScoreRevision with who gave it and when. The monthly scorecard that counts these is in
webapp/services/performance/scorecard.py.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from webapp import clock
from webapp.errors import BadRequest, Conflict, Forbidden
from webapp.extensions import db
from webapp.models import DepartmentScore, DepartmentScoreRevision, Report, ReportStatus, Role, Whistle
from webapp.models.scores import HIGHEST, LOWEST, MARKS
from webapp.policies import can_score_department, officer_department_ids
from webapp.services.cases.transitions import get_report

S = ReportStatus
# Resolved, or later: the departments' parts are closed and the chief has seen the result.
SCORABLE = frozenset({S.RESOLVED, S.CONFIRMED, S.UNRATED})
MAX_COMMENT = 500
OFFICER_LIMIT = 50  # the officer's page shows their latest scores, not an archive


@dataclass(frozen=True)
class ScoreInput:
    """What the chief sends for one whistle: three marks from 1 to 5 and an optional comment."""
    whistle_id: int
    on_time: int
    attitude: int
    result: int
    comment: str = ""

    def marks(self) -> tuple[int, int, int]:
        return self.on_time, self.attitude, self.result


@dataclass(frozen=True)
class Scored:
    score: DepartmentScore
    changed: bool  # False: the same marks were sent again (a second click, a retry)


def parse_mark(value, field: str) -> int:
    """A mark from a form or JSON: a whole number from 1 to 5, else a clear error naming the field."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not LOWEST <= int(text) <= HIGHEST:
        raise BadRequest(_l("Please give each mark as a whole number from %(low)d to %(high)d.",
                            low=LOWEST, high=HIGHEST), field=field)
    return int(text)


def _check(data: ScoreInput) -> str:
    for mark in MARKS:
        value = getattr(data, mark)
        if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
            raise BadRequest(_l("Please give each mark as a whole number from %(low)d to %(high)d.",
                                low=LOWEST, high=HIGHEST), field=mark)
    comment = (data.comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise BadRequest(_l("A comment may have at most %(n)d characters.", n=MAX_COMMENT), field="comment")
    return comment


def _whistle_of(report: Report, whistle_id) -> Whistle:
    whistle = next((w for w in report.whistles if w.id == whistle_id), None)
    if whistle is None:
        raise BadRequest(_l("That department was not whistled on this case."), field="whistle")
    return whistle


def score_department(user, report_id: int, data: ScoreInput) -> Scored:
    """The chief's score of one whistled department's part: new, unchanged (the same marks again) or corrected."""
    report = get_report(report_id)
    if not can_score_department(user, report):
        raise Forbidden()
    if report.status not in SCORABLE:
        raise Conflict(_l("Departments are scored once the case is resolved."))
    whistle = _whistle_of(report, data.whistle_id)
    comment = _check(data)
    for attempt in (1, 2):  # the second only when someone else's first score landed between our read and write
        try:
            return _save(user, whistle, data, comment)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _save(user, whistle: Whistle, data: ScoreInput, comment: str) -> Scored:
    now = clock.now()
    score = db.session.scalar(select(DepartmentScore).where(DepartmentScore.whistle_id == whistle.id))
    if score is not None and (score.on_time, score.attitude, score.result, score.comment) == (*data.marks(), comment):
        return Scored(score, changed=False)
    if score is None:
        score = DepartmentScore(whistle_id=whistle.id, version=1)
        db.session.add(score)
    else:
        score.version += 1
    score.on_time, score.attitude, score.result, score.comment = *data.marks(), comment
    score.scored_by_id, score.scored_at = user.id, now
    db.session.flush()  # a second first score stops here, on uq_department_scores_whistle_id
    db.session.add(DepartmentScoreRevision(score_id=score.id, version=score.version, on_time=score.on_time,
                                           attitude=score.attitude, result=score.result, comment=comment,
                                           by_id=user.id, at=now))
    db.session.commit()
    return Scored(score, changed=True)


def scores_for_report(report: Report) -> dict[int, DepartmentScore]:
    """whistle id -> its score, for the case page (with who scored and the earlier versions)."""
    ids = [w.id for w in report.whistles]
    if not ids:
        return {}
    rows = db.session.scalars(select(DepartmentScore).where(DepartmentScore.whistle_id.in_(ids))
                              .options(joinedload(DepartmentScore.scored_by),
                                       selectinload(DepartmentScore.revisions))).all()
    return {score.whistle_id: score for score in rows}


def scores_for_officer(user, limit: int = OFFICER_LIMIT) -> list[DepartmentScore]:
    """The scores of the officer's own departments in the streets they serve, newest first; never another
    department's."""
    streets = {g.street_id for g in getattr(user, "grants", ()) if g.role is Role.OFFICER}
    scope = [and_(Report.street_id == street_id, Whistle.department_id.in_(ids))
             for street_id in streets if (ids := officer_department_ids(user, street_id))]
    if not scope:
        return []
    query = (select(DepartmentScore).join(Whistle, Whistle.id == DepartmentScore.whistle_id)
             .join(Report, Report.id == Whistle.report_id).where(or_(*scope))
             .options(joinedload(DepartmentScore.whistle).options(
                 joinedload(Whistle.department), joinedload(Whistle.report).joinedload(Report.category)))
             .order_by(DepartmentScore.scored_at.desc(), DepartmentScore.id.desc()).limit(limit))
    return list(db.session.scalars(query).unique())

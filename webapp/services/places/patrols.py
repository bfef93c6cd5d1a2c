"""Recording a finished patrol: checks the track, measures coverage in geo/, credits hours."""
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy.exc import IntegrityError

from geo.tracks import Fix, coverage_ratio, max_speed_ms, track_length_m, track_line
from webapp.clock import BEIJING
from webapp.errors import BadRequest, Forbidden, IdempotencyConflict, NotFound
from webapp.extensions import db
from webapp.models import CHECKLIST_ITEMS, Alley, Patrol, User
from webapp.models.places import WGS84
from webapp.policies import can_record_patrol
from webapp.services.places.alley_state import open_claim

# Phones' clocks drift and fixes can be stamped a little outside the patrol's start and end.
CLOCK_SLACK = timedelta(minutes=5)
MAX_FIXES = 5000  # ten hours at one fix every ten seconds, with room to spare


@dataclass(frozen=True)
class PatrolInput:
    client_id: str
    alley_id: int
    started_at: datetime
    finished_at: datetime
    fixes: list[Fix]
    checklist: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A hash of the content, to tell a replay from a different patrol reusing the key."""
        body = asdict(self)
        body["started_at"], body["finished_at"] = self.started_at.isoformat(), self.finished_at.isoformat()
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _check(data: PatrolInput) -> None:
    if len(data.fixes) < 2:
        raise BadRequest(_l("The patrol has no track: at least two positions are needed."))
    if len(data.fixes) > MAX_FIXES:
        raise BadRequest(_l("The patrol has too many positions."))
    if data.finished_at <= data.started_at:
        raise BadRequest(_l("A patrol must finish after it starts."))
    if data.finished_at > datetime.now(timezone.utc) + CLOCK_SLACK:
        raise BadRequest(_l("The patrol finishes in the future: check the phone's clock."))
    times = [f.t_ms for f in data.fixes]
    if times != sorted(times):
        raise BadRequest(_l("The positions are not in time order."))
    first = datetime.fromtimestamp(times[0] / 1000, timezone.utc)
    last = datetime.fromtimestamp(times[-1] / 1000, timezone.utc)
    if first < data.started_at - CLOCK_SLACK or last > data.finished_at + CLOCK_SLACK:
        raise BadRequest(_l("The positions do not fall within the patrol's time."))
    if max_speed_ms(data.fixes) > current_app.config["PATROL_MAX_SPEED_MS"]:
        raise BadRequest(_l("The track has impossible speeds: some positions are wrong. Please patrol again."))
    unknown = set(data.checklist) - set(CHECKLIST_ITEMS) or set(data.problems) - set(CHECKLIST_ITEMS)
    if unknown or not set(data.checklist.values()) <= {"ok", "problem"}:
        raise BadRequest(_l("The checklist has unknown items or answers."))


def _replay(user: User, data: PatrolInput, fingerprint: str) -> Patrol | None:
    existing = db.session.scalar(db.select(Patrol).where(Patrol.client_id == data.client_id))
    if existing is None:
        return None
    if existing.user_id != user.id or existing.payload_hash != fingerprint:
        raise IdempotencyConflict()
    return existing


def record_patrol(user: User, data: PatrolInput) -> tuple[Patrol, bool]:
    """Store a finished patrol once; (patrol, created). A replay of the same patrol returns it again."""
    fingerprint = data.fingerprint()
    if existing := _replay(user, data, fingerprint):
        return existing, False
    alley = db.session.get(Alley, data.alley_id)
    if alley is None:
        raise NotFound(_l("No such alley."))
    if not can_record_patrol(user, alley, holds_claim=open_claim(user.id, alley.id) is not None):
        raise Forbidden(_l("Patrols start from an alley you look after. Claim it first."))
    _check(data)

    settings = current_app.config
    track = track_line(data.fixes)
    ratio = coverage_ratio(to_shape(alley.geom), track, settings["PATROL_COVERAGE_BUFFER_M"])
    covered = ratio >= settings["PATROL_COVERAGE_SHARE"]
    duration_s = int((data.finished_at - data.started_at).total_seconds())
    patrol = Patrol(
        client_id=data.client_id, payload_hash=fingerprint, user_id=user.id, alley_id=alley.id,
        started_at=data.started_at, finished_at=data.finished_at, duration_s=duration_s,
        distance_m=round(track_length_m(data.fixes), 1), track=from_shape(track, srid=WGS84),
        fix_count=len(data.fixes), coverage_ratio=round(ratio, 3), covered=covered,
        hours=round(duration_s / 3600, 2) if covered else 0.0,
        checklist=dict(data.checklist), problems=dict(data.problems),
    )
    db.session.add(patrol)
    try:
        db.session.commit()
    except IntegrityError:  # the same patrol arrived twice at once: the other request stored it
        db.session.rollback()
        if existing := _replay(user, data, fingerprint):
            return existing, False
        raise
    return patrol, True


def patrol_hours(user_id: int, year: int) -> float:
    """Hours credited this calendar year (Beijing time) by patrols that covered their alley."""
    start = datetime(year, 1, 1, tzinfo=BEIJING)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING)
    total = db.session.scalar(db.select(db.func.coalesce(db.func.sum(Patrol.hours), 0.0)).where(
        Patrol.user_id == user_id, Patrol.covered.is_(True), Patrol.started_at >= start, Patrol.started_at < end))
    return round(float(total), 2)

"""The one way a case changes: a legal step, allowed for this user, written to the case file (一事一案).

MOVES is the whole state machine: for each Step, the statuses it starts from, the policy that says
who may take it, what it needs (a note, evidence), and what it does. `transition` applies a step in
one transaction: a conditional UPDATE locks the case and makes two people acting at once end with one
step; the step's effects (whistles, verdicts, merged followers) and its ReportEvent follow; a step
someone else took first, or one the case's status does not allow, is refused with 409.
"""
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from webapp import clock
from webapp.errors import BadRequest, Conflict, Forbidden, IllegalTransition, NotFound, PartsOpen
from webapp.extensions import db
from webapp.models import (COMMUNITY_QUEUE, OPEN_REPORT_STATUSES, Community, Department, Priority, Report, ReportEvent,
                           ReportFollower, ReportPhoto, ReportStatus, RequestKind, Satisfaction, User, Verdict, Whistle,
                           WhistleKind, WhistleStatus)
from webapp.models.reports import as_utc
from webapp.photos import clean_photo
from webapp.policies import (can_act_for_community, can_act_for_department, can_escalate_report, can_give_verdict,
                             can_handle_on_spot, can_post_partner_update, can_pull_up_report, can_triage_report,
                             is_system, officer_department_ids)
from webapp.services.notifications.outbox import community_workers_of, notify_step
from webapp.services.performance.rates import refresh_facts
from webapp.services.places.alley_state import open_claim
from webapp.storage import discard, storage_for

MAX_NOTE = 2000
MAX_PARTNER_TEXT = 4000  # what Open311 allows for a description
S = ReportStatus


class Step(enum.Enum):
    HANDLE_ON_SPOT = "handle_on_spot"  # 劝导, by a steward of the alley
    ESCALATE = "escalate"  # to the street chief
    ACCEPT = "accept"  # the chief takes the case
    REJECT = "reject"  # with a reason
    MERGE = "merge"  # a duplicate of another case: merged, followers carried over
    WHISTLE = "whistle"  # 吹哨: call one or more departments
    SET_PRIORITY = "set_priority"
    SET_REQUEST_KIND = "set_request_kind"  # 咨询 / 建议 / 举报 / 投诉, as the chief sees the case
    REPLY = "reply"  # the chief answers the reporter (response templates)
    REPORT_ON_SITE = "report_on_site"  # 报到, by an officer of a whistled department
    ADD_NOTE = "add_note"  # a department's note or evidence photo
    FINISH_PART = "finish_part"  # a department's work is done
    RESOLVE = "resolve"  # with evidence; the reporter is asked for a verdict
    VERDICT = "verdict"  # 满意 / 基本满意 / 不满意
    REOPEN = "reopen"  # the chief's decision
    CLOSE_UNRATED = "close_unrated"  # no verdict in time: the system closes it "not rated"
    PARTNER_UPDATE = "partner_update"  # a partner system (12345, ...) adds an update through Open311
    # The community tier (小事不出社区): a case held by its community's queue.
    COMMUNITY_RESOLVE = "community_resolve"  # the community worker resolves it, with evidence
    COMMUNITY_ON_SPOT = "community_on_spot"  # the community worker settled it there and then
    PASS_UP = "pass_up"  # the community worker passes it up to the street chief, with a note
    PULL_UP = "pull_up"  # the street chief takes it from the community's queue


class Needs(enum.Enum):
    NOTHING = "nothing"
    NOTE = "note"
    EVIDENCE = "evidence"  # a note or a photo


@dataclass(frozen=True)
class StepInput:
    note: str = ""
    photo: bytes | None = None
    departments: tuple[str, ...] = ()  # department codes (WHISTLE); empty: the category's defaults
    kind: str | None = None  # whistle kind (WHISTLE); None: the category's
    duplicate_of: int | None = None  # MERGE
    priority: str | None = None  # SET_PRIORITY
    request_kind: str | None = None  # SET_REQUEST_KIND
    satisfaction: str | None = None  # VERDICT
    lon: float | None = None  # REPORT_ON_SITE: where the officer was
    lat: float | None = None
    partner: dict | None = None  # PARTNER_UPDATE: what the partner said beside its note (its status, a photo link)


@dataclass
class Applied:
    """What a step's effect decided: the new status (None: unchanged) and what the case file records."""
    target: ReportStatus | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    sources: frozenset[ReportStatus]
    allowed: Callable[[User | None, Report, bool], bool]  # (user, report, holds a claim on its alley)
    role: str  # as whom the actor takes the step, for the case file
    target: ReportStatus | None = None  # fixed target; steps with an effect may decide it instead
    needs: Needs = Needs.NOTHING
    effect: Callable[["Context"], Applied] | None = None
    max_note: int = MAX_NOTE


@dataclass
class Context:
    user: User | None
    report: Report
    data: StepInput
    now: datetime
    holds_claim: bool  # the user holds a claim on the report's alley


def holds_alley(user, report: Report) -> bool:
    """Whether the user is one of the report's alley stewards (holds an open claim on it)."""
    return bool(getattr(user, "is_authenticated", False) and report.alley_id is not None
                and open_claim(user.id, report.alley_id) is not None)


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_l("No such report."))
    return report


def open_case(report: Report, actor_id: int, is_safety: bool, partner: str | None = None) -> None:
    """A new report's first entries in the case file. Safety hazards (安全隐患) go to the chief at once, and
    so do cases from a partner system (12345 has already taken the call: no steward walks it first)."""
    report.status = S.SUBMITTED
    opened = {"role": "partner", "partner": partner} if partner else {"role": "reporter"}
    report.events.append(ReportEvent(actor_id=actor_id, at=report.created_at, from_status=None,
                                     to_status=S.SUBMITTED, details=opened))
    if is_safety or partner:
        report.status = S.ESCALATED
        report.events.append(ReportEvent(actor_id=actor_id, at=report.created_at, from_status=S.SUBMITTED,
                                         to_status=S.ESCALATED, details={"step": Step.ESCALATE.value,
                                                                         "automatic": True, "role": "system",
                                                                         "reason": "partner" if partner else "safety"}))


# --- what the steps do ------------------------------------------------------------------------------

def whistle_minutes(kind: WhistleKind) -> int:
    """Minutes a department has to report on site (报到) after a whistle of this kind."""
    return int(current_app.config["WHISTLE_MINUTES"][kind.value])


def _escalate(ctx: Context) -> Applied:
    """A reporter who holds no claim on the alley passes the case up as its reporter, not as a steward. It goes
    to the queue of the community it lies in when that community has a worker and its category is not one for
    the street first; else to the street chief."""
    as_reporter = not ctx.holds_claim and ctx.report.reporter_id == ctx.user.id
    details = {"role": "reporter"} if as_reporter else {}
    community = community_for(ctx.report)
    if community is not None:
        ctx.report.held_by_community_id = community.id
        details |= {"community_id": community.id, "community": community.name}
    return Applied(S.ESCALATED, details)


def community_for(report: Report) -> Community | None:
    """The community whose queue a passed-up case goes to first, if any."""
    if report.community_id is None or report.category.street_first:
        return None
    if not community_workers_of(report.community_id):
        return None
    return db.session.get(Community, report.community_id)


def _leave_community(ctx: Context) -> Applied:
    """The case goes from its community's queue to the street chief's (passed up, or pulled up by the chief)."""
    details = _held_by(ctx)
    ctx.report.held_by_community_id = None
    return Applied(None, details)


def _community_resolve(ctx: Context) -> Applied:
    applied = _resolve(ctx)
    applied.details |= _held_by(ctx)
    return applied


def _community_on_spot(ctx: Context) -> Applied:
    return Applied(S.HANDLED_ON_SPOT, _held_by(ctx))


def _held_by(ctx: Context) -> dict:
    """Which community took the step, for the case file."""
    community = db.session.get(Community, ctx.report.held_by_community_id)
    return {"community_id": community.id, "community": community.name} if community else {}


def _whistle(ctx: Context) -> Applied:
    report, data = ctx.report, ctx.data
    try:
        kind = WhistleKind(data.kind) if data.kind else report.category.whistle_kind
    except ValueError:
        raise BadRequest(_l("Please choose the kind of whistle."), field="kind") from None
    codes = list(dict.fromkeys(data.departments or report.category.default_departments or []))
    if not codes:
        raise BadRequest(_l("Please choose at least one department."), field="departments")
    departments = db.session.scalars(db.select(Department).where(Department.code.in_(codes))).all()
    if len(departments) != len(codes):
        raise BadRequest(_l("Please choose departments from the list."), field="departments")
    busy = {w.department_id for w in report.whistles if w.is_active}
    called = [d for d in departments if d.id not in busy]
    if not called:
        raise Conflict(_l("These departments are already working on this case."))
    due = ctx.now + timedelta(minutes=whistle_minutes(kind))
    for department in called:
        db.session.add(Whistle(report_id=report.id, department_id=department.id, kind=kind,
                               whistled_by_id=ctx.user.id, whistled_at=ctx.now, due_at=due))
    return Applied(S.WHISTLED, {"kind": kind.value, "departments": [d.code for d in called],
                                "due_at": due.isoformat()})


def _my_whistle(ctx: Context, status: WhistleStatus) -> Whistle:
    """The officer's department's active whistle on this case, which must be in `status`."""
    mine = officer_department_ids(ctx.user, ctx.report.street_id)
    found = [w for w in ctx.report.whistles if w.is_active and w.department_id in mine]
    if not found:
        raise IllegalTransition()
    ready = [w for w in found if w.status is status]
    if not ready:
        raise IllegalTransition(_l("Your department has already done that for this case."))
    return ready[0]


def _report_on_site(ctx: Context) -> Applied:
    whistle = _my_whistle(ctx, WhistleStatus.WHISTLED)
    whistle.status, whistle.on_site_at = WhistleStatus.ON_SITE, ctx.now
    whistle.on_site_lon, whistle.on_site_lat = ctx.data.lon, ctx.data.lat
    late = ctx.now > as_utc(whistle.due_at)
    everyone_there = all(w.status is not WhistleStatus.WHISTLED for w in ctx.report.whistles if w.is_active)
    target = S.ON_SITE if everyone_there and ctx.report.status is S.WHISTLED else None
    details = {"department": whistle.department.code, "late": late}
    if ctx.data.lon is not None and ctx.data.lat is not None:
        details |= {"lon": round(ctx.data.lon, 6), "lat": round(ctx.data.lat, 6)}
    return Applied(target, details)


def _add_note(ctx: Context) -> Applied:
    mine = officer_department_ids(ctx.user, ctx.report.street_id)
    codes = [w.department.code for w in ctx.report.whistles if w.is_active and w.department_id in mine]
    return Applied(None, {"department": codes[0]} if codes else {})


def _finish_part(ctx: Context) -> Applied:
    whistle = _my_whistle(ctx, WhistleStatus.ON_SITE)
    whistle.status, whistle.done_at = WhistleStatus.DONE, ctx.now
    return Applied(None, {"department": whistle.department.code})


def _resolve(ctx: Context) -> Applied:
    """事不完、人不撤: resolving needs every whistled department's part done; then their parts close."""
    working = [w for w in ctx.report.whistles if w.is_active and w.status is not WhistleStatus.DONE]
    if working:
        names = "、".join(w.department.name for w in working)
        raise PartsOpen(_l("These departments have not finished their part yet: %(names)s", names=names))
    for whistle in ctx.report.whistles:
        if whistle.is_active:
            whistle.closed_at = ctx.now
    ctx.report.resolved_at = ctx.now
    ctx.report.resolution_round += 1
    return Applied(S.RESOLVED, {"round": ctx.report.resolution_round})


def _verdict(ctx: Context) -> Applied:
    """The reporter's verdict decides (不满意 reopens the case); followers' verdicts are recorded."""
    try:
        satisfaction = Satisfaction(ctx.data.satisfaction)
    except ValueError:
        raise BadRequest(_l("Please choose how satisfied you are."), field="satisfaction") from None
    report, is_reporter = ctx.report, ctx.report.reporter_id == ctx.user.id
    if _has_answered(ctx.user, report):
        raise Conflict(_l("You have already given your verdict on this resolution."))
    db.session.add(Verdict(report_id=report.id, user_id=ctx.user.id, round=report.resolution_round,
                           satisfaction=satisfaction, comment=ctx.data.note, is_reporter=is_reporter, at=ctx.now))
    target = None
    if is_reporter:
        target = S.REOPENED if satisfaction is Satisfaction.UNSATISFIED else S.CONFIRMED
    return Applied(target, {"satisfaction": satisfaction.value, "role": "reporter" if is_reporter else "follower"})


def _merge(ctx: Context) -> Applied:
    """This case is a duplicate of another: closed here, its reporter and followers follow the other."""
    report = ctx.report
    original = db.session.get(Report, ctx.data.duplicate_of) if ctx.data.duplicate_of else None
    if original is None or original.id == report.id or original.street_id != report.street_id:
        raise BadRequest(_l("Please give the number of another case in this street."), field="duplicate_of")
    if original.status not in OPEN_REPORT_STATUSES:  # closed, or resolved and waiting for its verdict
        raise Conflict(_l("That case is closed: merge into an open one."))
    following = set(db.session.scalars(db.select(ReportFollower.user_id)
                                       .where(ReportFollower.report_id == original.id)))
    carried = [report.reporter_id] + list(db.session.scalars(
        db.select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)))
    new = [uid for uid in dict.fromkeys(carried) if uid != original.reporter_id and uid not in following]
    db.session.add_all(ReportFollower(report_id=original.id, user_id=uid, created_at=ctx.now) for uid in new)
    db.session.execute(update(Report).where(Report.id == original.id)
                       .values(follower_count=Report.follower_count + len(new)))
    db.session.add(ReportEvent(report_id=original.id, actor_id=ctx.user.id, at=ctx.now, from_status=original.status,
                               to_status=original.status, note=ctx.data.note,
                               details={"step": "merged_in", "role": "chief", "merged": report.id}))
    report.duplicate_of_id = original.id
    return Applied(S.DUPLICATE, {"duplicate_of": original.id, "followers_carried": len(new)})


def _set_priority(ctx: Context) -> Applied:
    try:
        ctx.report.priority = Priority(ctx.data.priority)
    except ValueError:
        raise BadRequest(_l("Please choose a priority."), field="priority") from None
    return Applied(None, {"priority": ctx.report.priority.value})


def _set_request_kind(ctx: Context) -> Applied:
    try:
        kind = RequestKind(ctx.data.request_kind)
    except ValueError:
        raise BadRequest(_l("Please choose the kind of request."), field="request_kind") from None
    previous = ctx.report.request_kind
    if kind is previous:  # a second click: nothing to record
        raise Conflict(_l("The case is already marked as this kind of request."))
    ctx.report.request_kind = kind
    return Applied(None, {"request_kind": kind.value, "previous": previous.value if previous else None})


def _close_unrated(ctx: Context) -> Applied:
    days = current_app.config["VERDICT_DAYS"]
    if ctx.report.resolved_at is None or ctx.now < as_utc(ctx.report.resolved_at) + timedelta(days=days):
        raise IllegalTransition()
    return Applied(S.UNRATED, {"automatic": True})


def _partner_update(ctx: Context) -> Applied:
    """A partner's word on the case goes into the file for the chief; its status is recorded, not applied."""
    return Applied(None, (ctx.data.partner or {}) | {"partner": ctx.user.display_name})


CHIEF_WORKING = frozenset({S.ACCEPTED, S.WHISTLED, S.ON_SITE, S.REOPENED})
ON_THE_GROUND = frozenset({S.WHISTLED, S.ON_SITE})
COMMUNITY_WORKING = frozenset({S.ESCALATED, S.REOPENED})  # while its community holds the case


def at_street(policy):
    """The chief's steps wait while a community holds the case: the chief pulls it up first (PULL_UP)."""
    def allowed(user, report, holds_claim):
        return report.held_by_community_id is None and policy(user, report, holds_claim)
    allowed.__doc__ = policy.__doc__
    return allowed


street_chief = at_street(can_triage_report)

MOVES = {
    Step.HANDLE_ON_SPOT: Move(frozenset({S.SUBMITTED}), can_handle_on_spot, "steward", S.HANDLED_ON_SPOT,
                              needs=Needs.NOTE),
    Step.ESCALATE: Move(frozenset({S.SUBMITTED}), can_escalate_report, "steward", effect=_escalate),
    Step.ACCEPT: Move(frozenset({S.ESCALATED}), street_chief, "chief", S.ACCEPTED),
    Step.REJECT: Move(frozenset({S.SUBMITTED, S.ESCALATED, S.ACCEPTED, S.REOPENED}), street_chief, "chief",
                      S.REJECTED, needs=Needs.NOTE),
    Step.MERGE: Move(frozenset({S.SUBMITTED, S.ESCALATED, S.ACCEPTED, S.REOPENED}), street_chief, "chief",
                     effect=_merge),
    Step.WHISTLE: Move(CHIEF_WORKING, street_chief, "chief", effect=_whistle),
    Step.SET_PRIORITY: Move(OPEN_REPORT_STATUSES, street_chief, "chief", effect=_set_priority),
    Step.SET_REQUEST_KIND: Move(OPEN_REPORT_STATUSES | {S.RESOLVED}, street_chief, "chief",
                                effect=_set_request_kind),
    Step.REPLY: Move(OPEN_REPORT_STATUSES | {S.RESOLVED}, street_chief, "chief", needs=Needs.NOTE),
    Step.REPORT_ON_SITE: Move(ON_THE_GROUND, can_act_for_department, "officer", effect=_report_on_site),
    Step.ADD_NOTE: Move(ON_THE_GROUND, can_act_for_department, "officer", needs=Needs.EVIDENCE, effect=_add_note),
    Step.FINISH_PART: Move(ON_THE_GROUND, can_act_for_department, "officer", effect=_finish_part),
    Step.RESOLVE: Move(CHIEF_WORKING, street_chief, "chief", needs=Needs.EVIDENCE, effect=_resolve),
    Step.VERDICT: Move(frozenset({S.RESOLVED}), can_give_verdict, "reporter", effect=_verdict),
    Step.REOPEN: Move(frozenset({S.RESOLVED, S.CONFIRMED, S.UNRATED}), street_chief, "chief", S.REOPENED,
                      needs=Needs.NOTE),
    Step.CLOSE_UNRATED: Move(frozenset({S.RESOLVED}), is_system, "system", effect=_close_unrated),
    Step.PARTNER_UPDATE: Move(frozenset(S), can_post_partner_update, "partner", needs=Needs.NOTE,
                              effect=_partner_update, max_note=MAX_PARTNER_TEXT),
    Step.COMMUNITY_RESOLVE: Move(COMMUNITY_WORKING, can_act_for_community, "community", needs=Needs.EVIDENCE,
                                 effect=_community_resolve),
    Step.COMMUNITY_ON_SPOT: Move(frozenset({S.ESCALATED}), can_act_for_community, "community", needs=Needs.NOTE,
                                 effect=_community_on_spot),
    Step.PASS_UP: Move(COMMUNITY_WORKING, can_act_for_community, "community", needs=Needs.NOTE,
                       effect=_leave_community),
    Step.PULL_UP: Move(COMMUNITY_QUEUE, can_pull_up_report, "chief", effect=_leave_community),
}


# The steps people take in the app; the system's (closing unrated cases) and partners' (Open311) come by other doors.
APP_STEPS = tuple(step for step in MOVES if step not in (Step.CLOSE_UNRATED, Step.PARTNER_UPDATE))


def allowed_steps(user, report: Report, holds_claim: bool) -> list[Step]:
    """The steps this user may take on the case now (what the pages and the API offer)."""
    return [step for step, move in MOVES.items()
            if report.status in move.sources and move.allowed(user, report, holds_claim)
            and (move.role != "officer" or _has_whistle_for(step, user, report))
            and not (step is Step.VERDICT and _has_answered(user, report))]


def _has_answered(user, report: Report) -> bool:
    return any(v.user_id == user.id and v.round == report.resolution_round for v in report.verdicts)


def _has_whistle_for(step: Step, user, report: Report) -> bool:
    mine = officer_department_ids(user, report.street_id)
    wanted = {Step.REPORT_ON_SITE: {WhistleStatus.WHISTLED}, Step.FINISH_PART: {WhistleStatus.ON_SITE}}.get(
        step, set(WhistleStatus))
    return any(w.is_active and w.department_id in mine and w.status in wanted for w in report.whistles)


def _check_note(move: Move, data: StepInput) -> str:
    note = (data.note or "").strip()
    if move.needs is Needs.NOTE and not note:
        raise BadRequest(_l("Please write a short note."), field="note")
    if move.needs is Needs.EVIDENCE and not note and not data.photo:
        raise BadRequest(_l("Please add a note or a photo as evidence."), field="note")
    if len(note) > move.max_note:
        raise BadRequest(_l("A note may have at most %(n)d characters.", n=move.max_note), field="note")
    return note


def transition(user: User | None, report_id: int, step: Step, data: StepInput | None = None,
               on_event: Callable[[ReportEvent], None] | None = None, **fields) -> Report:
    """Apply one step (its input as a StepInput, or as its fields): the policy, the current status, the
    step's needs; then the status, the step's effect, the event and an evidence photo, in one transaction.
    `on_event` adds rows that belong with the new event (a partner's update id) to the same transaction."""
    data = data or StepInput(**fields)
    report, move = get_report(report_id), MOVES[step]
    holds = holds_alley(user, report)
    if not move.allowed(user, report, holds):
        raise Forbidden()
    if report.status not in move.sources:
        raise IllegalTransition()
    note = _check_note(move, data)
    cleaned = clean_photo(data.photo) if data.photo else None

    storage, stored, now = storage_for(current_app), [], clock.now()
    try:
        # Lock the case: whoever comes second finds the status moved on (409), never a second step.
        # Who holds it is part of where it stands: a pass up and a resolution at once end with one of them.
        held = Report.held_by_community_id
        holder = held.is_(None) if report.held_by_community_id is None else held == report.held_by_community_id
        locked = db.session.execute(update(Report).where(Report.id == report.id, Report.status.in_(move.sources),
                                                         holder).values(updated_at=now))
        if locked.rowcount != 1:
            raise IllegalTransition()
        db.session.expire(report)  # read whistles, verdicts and the status as they are now, under the lock
        source = report.status
        ctx = Context(user, report, StepInput(**{**data.__dict__, "note": note}), now, holds)
        applied = move.effect(ctx) if move.effect else Applied(move.target)
        target = applied.target or source
        report.status = target
        if target.is_closed:  # a closed case is in nobody's queue; reopened by the chief, it is theirs
            report.held_by_community_id = None
        # The step's role, unless its effect says in which role this actor took it (reporter, follower).
        event = ReportEvent(report_id=report.id, actor_id=user.id if user else None, at=now, from_status=source,
                            to_status=target, note=note,
                            details={"step": step.value, "role": move.role} | applied.details)
        db.session.add(event)
        if on_event:
            on_event(event)
        refresh_facts(report)
        if step is Step.MERGE:  # the original's file gained a step of the chief's too
            refresh_facts(get_report(report.duplicate_of_id))
        notify_step(step.value, report, event.actor_id, target, applied.details | {"note": note})
        if cleaned:
            stored = [storage.save(cleaned.image, ".jpg"), storage.save(cleaned.thumbnail, ".jpg")]
            position = 1 + max((p.position for p in report.photos), default=-1)
            db.session.add(ReportPhoto(report_id=report.id, event=event, position=position, storage_key=stored[0],
                                       thumb_key=stored[1], width=cleaned.width, height=cleaned.height))
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(storage, stored)
        raise
    db.session.refresh(report)
    return report


def close_unrated_cases() -> list[int]:
    """Resolved cases whose reporter has not answered within VERDICT_DAYS: closed as "not rated"."""
    deadline = clock.now() - timedelta(days=current_app.config["VERDICT_DAYS"])
    due = db.session.scalars(db.select(Report.id).where(Report.status == S.RESOLVED,
                                                        Report.resolved_at <= deadline)).all()
    closed = []
    for report_id in due:
        try:
            transition(None, report_id, Step.CLOSE_UNRATED)
            closed.append(report_id)
        except IllegalTransition:  # answered meanwhile
            pass
    return closed

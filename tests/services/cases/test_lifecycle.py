"""The case lifecycle as a specification: every step, from every status, by every kind of person.

A case (一事一案) changes only through `transition`. This file states who may take each step and where
it leads, written out by hand (not read from MOVES, which implements it):

* WHO: the people who may take a step. Anyone else is refused with 403 (Forbidden) and changes nothing.
* EXPECTED: the statuses a step starts from and where it leads from each, or the error the right person
  still meets there (a department that is not done: PartsOpen). From any other status the right person
  is refused with 409 (IllegalTransition). Who asks is checked before where the case stands.

test_every_step_from_every_status_by_everyone brings a case into each status through real steps and
tries every step as every person; the tests after it are the rules inside the steps: whistles and their
deadlines, parts to finish before resolving, verdicts and their rounds, closing cases nobody rated,
merging duplicates, priorities, notes and evidence.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import AnonymousUserMixin

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street, PASSWORD
from tests.services.cases.test_reports import jpeg, on_alley, report_at
from webapp.errors import BadRequest, Conflict, DomainError, Forbidden, IllegalTransition, PartsOpen
from webapp.extensions import db
from webapp.models import (Priority, Report, ReportEvent, ReportFollower, ReportStatus, Role, Satisfaction, Verdict,
                           WhistleKind, WhistleStatus)
from webapp.models.reports import as_utc
from webapp.services.cases.reports import follow_report
from webapp.services.partners.api_keys import create_api_key
from webapp.services.places.claims import claim_alley
from webapp.services.volunteers.people import create_user
from tests.support.clock import Clock
from webapp.services.cases.transitions import Step, allowed_steps, close_unrated_cases, holds_alley, transition
from webapp.storage import LocalPhotoStorage

S = ReportStatus
WHISTLE_MINUTES = 30  # a whistled department reports on site within 30 minutes, whatever the kind
VERDICT_DAYS = 3  # the reporter has 3 days to answer a resolution

# --- the people ------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"  # not signed in
REPORTER = "reporter"  # the resident who filed the case
RESIDENT = "another resident"
FOLLOWER = "follower"  # a resident who said "me too" on the case
STEWARD = "alley steward"  # holds the claim on the case's alley
OTHER_STEWARD = "steward of another alley"  # same street, no claim on this alley
CHIEF = "street chief"  # 街巷长 of the case's street
OTHER_CHIEF = "chief of another street"
OFFICER = "officer of the whistled department"  # 城管执法, the default department of 堆物堆料
OTHER_OFFICER = "officer of a department not whistled"  # 公安
ORGANIZER = "organizer"
ADMIN = "admin"
SYSTEM = "system"  # no user: the scheduled job
PARTNER = "partner system"  # 12345 through Open311, with its API key's account

EVERYONE = (ANONYMOUS, REPORTER, RESIDENT, FOLLOWER, STEWARD, OTHER_STEWARD, CHIEF, OTHER_CHIEF, OFFICER,
            OTHER_OFFICER, ORGANIZER, ADMIN, SYSTEM, PARTNER)

# --- the specification -----------------------------------------------------------------------------

CHIEFS = {CHIEF, ADMIN}  # the street chief's steps; an admin may stand in

WHO = {
    Step.HANDLE_ON_SPOT: {STEWARD},
    Step.ESCALATE: {STEWARD, REPORTER, ADMIN},
    Step.ACCEPT: CHIEFS,
    Step.REJECT: CHIEFS,
    Step.MERGE: CHIEFS,
    Step.WHISTLE: CHIEFS,
    Step.SET_PRIORITY: CHIEFS,
    Step.SET_REQUEST_KIND: CHIEFS,
    Step.REPLY: CHIEFS,
    Step.REPORT_ON_SITE: {OFFICER},
    Step.ADD_NOTE: {OFFICER},
    Step.FINISH_PART: {OFFICER},
    Step.RESOLVE: CHIEFS,
    Step.VERDICT: {REPORTER, FOLLOWER},
    Step.REOPEN: CHIEFS,
    Step.CLOSE_UNRATED: {SYSTEM},
    Step.PARTNER_UPDATE: {PARTNER},
    # The community tier's steps need a case a community holds: none here (tests/services/cases/test_communities.py).
    Step.COMMUNITY_RESOLVE: set(),
    Step.COMMUNITY_ON_SPOT: set(),
    Step.PASS_UP: set(),
    Step.PULL_UP: set(),
}
DEPARTMENT_STEPS = {Step.REPORT_ON_SITE, Step.ADD_NOTE, Step.FINISH_PART}
# An officer speaks for the department only while its whistle is active: from the whistle to the resolution.
WHISTLE_ACTIVE = {S.WHISTLED, S.ON_SITE}

OPEN = (S.SUBMITTED, S.ESCALATED, S.ACCEPTED, S.WHISTLED, S.ON_SITE, S.REOPENED)
CHIEF_DECIDES = (S.SUBMITTED, S.ESCALATED, S.ACCEPTED, S.REOPENED)  # reject or merge, before any department works

EXPECTED = {
    Step.HANDLE_ON_SPOT: {S.SUBMITTED: S.HANDLED_ON_SPOT},
    Step.ESCALATE: {S.SUBMITTED: S.ESCALATED},
    Step.ACCEPT: {S.ESCALATED: S.ACCEPTED},
    Step.REJECT: {status: S.REJECTED for status in CHIEF_DECIDES},
    Step.MERGE: {status: S.DUPLICATE for status in CHIEF_DECIDES},
    # Calling a further department while others work: back to WHISTLED until it reports on site too.
    Step.WHISTLE: {S.ACCEPTED: S.WHISTLED, S.WHISTLED: S.WHISTLED, S.ON_SITE: S.WHISTLED, S.REOPENED: S.WHISTLED},
    Step.SET_PRIORITY: {status: status for status in OPEN},
    Step.SET_REQUEST_KIND: {status: status for status in OPEN + (S.RESOLVED,)},
    Step.REPLY: {status: status for status in OPEN + (S.RESOLVED,)},
    # The department reports on site once: a second time is a step already taken.
    Step.REPORT_ON_SITE: {S.WHISTLED: S.ON_SITE, S.ON_SITE: IllegalTransition},
    Step.ADD_NOTE: {S.WHISTLED: S.WHISTLED, S.ON_SITE: S.ON_SITE},
    # A department finishes its part after reporting on site, not before.
    Step.FINISH_PART: {S.WHISTLED: IllegalTransition, S.ON_SITE: S.ON_SITE},
    # 事不完、人不撤: not resolved while a whistled department has not finished its part.
    Step.RESOLVE: {S.ACCEPTED: S.RESOLVED, S.WHISTLED: PartsOpen, S.ON_SITE: PartsOpen, S.REOPENED: S.RESOLVED},
    # The reporter's verdict decides; a follower's is recorded and the case stays where it is.
    Step.VERDICT: {S.RESOLVED: {REPORTER: S.CONFIRMED, FOLLOWER: S.RESOLVED}},
    Step.REOPEN: {S.RESOLVED: S.REOPENED, S.CONFIRMED: S.REOPENED, S.UNRATED: S.REOPENED},
    # Only once the reporter has had VERDICT_DAYS to answer (see the clock below).
    Step.CLOSE_UNRATED: {S.RESOLVED: S.UNRATED},
    # A partner's update is a note in the file, whatever the status: the chief decides what follows.
    Step.PARTNER_UPDATE: {status: status for status in S},
    Step.COMMUNITY_RESOLVE: {}, Step.COMMUNITY_ON_SPOT: {}, Step.PASS_UP: {}, Step.PULL_UP: {},
}

ORIGINAL = object()  # stands for the world's open original case, the one duplicates are merged into

# What each step is given when it is taken in the table: a valid input, so that a refusal is about who
# and where, never about what.
INPUT = {
    Step.HANDLE_ON_SPOT: {"note": "已劝导店主搬走"},
    Step.ESCALATE: {},
    Step.ACCEPT: {},
    Step.REJECT: {"note": "不在本街道管辖范围"},
    Step.MERGE: {"duplicate_of": ORIGINAL},
    Step.WHISTLE: {"departments": ("police",)},  # 公安: not yet called on any case of the table
    Step.SET_PRIORITY: {"priority": "urgent"},
    Step.SET_REQUEST_KIND: {"request_kind": "complaint"},
    Step.REPLY: {"note": "已收到，正在处理"},
    Step.REPORT_ON_SITE: {"lon": 116.4, "lat": 39.9},
    Step.ADD_NOTE: {"note": "已现场查看"},
    Step.FINISH_PART: {},
    Step.RESOLVE: {"note": "杂物已清理"},
    Step.VERDICT: {"satisfaction": "satisfied"},
    Step.REOPEN: {"note": "居民反映问题复发"},
    Step.CLOSE_UNRATED: {},
    Step.PARTNER_UPDATE: {"note": "市民来电催办", "partner": {"partner_status": "OPEN"}},
    Step.COMMUNITY_RESOLVE: {"note": "社区已清理"}, Step.COMMUNITY_ON_SPOT: {"note": "社区已劝导"},
    Step.PASS_UP: {"note": "需要街道协调"}, Step.PULL_UP: {},
}


def expected(step: Step, status: ReportStatus, actor: str):
    """Where the step leads when `actor` takes it on a case in `status`: a status, or an error's class."""
    may = actor in WHO[step] and (step not in DEPARTMENT_STEPS or status in WHISTLE_ACTIVE)
    if not may:
        return Forbidden
    if status not in EXPECTED[step]:
        return IllegalTransition
    outcome = EXPECTED[step][status]
    return outcome[actor] if isinstance(outcome, dict) else outcome


def recorded_role(step: Step, actor: str) -> str:
    """As whom the case file records the step. An admin stands in for the one the step belongs to."""
    if actor == ADMIN:
        return "steward" if step is Step.ESCALATE else "chief"
    return {REPORTER: "reporter", FOLLOWER: "follower", STEWARD: "steward", CHIEF: "chief", OFFICER: "officer",
            SYSTEM: "system", PARTNER: "partner"}[actor]


def offered(status: ReportStatus, actor: str) -> set[Step]:
    """The steps allowed_steps() offers: those not refused for who or where (PartsOpen is offered, then explained)."""
    return {step for step in Step if expected(step, status, actor) not in (Forbidden, IllegalTransition)}


# --- a street, its people, and cases brought into each status through real steps --------------------

# How a fresh case reaches each status: the status before it, and the steps from there.
ROUTE = {
    S.HANDLED_ON_SPOT: (S.SUBMITTED, [(Step.HANDLE_ON_SPOT, STEWARD, {"note": "已劝导"})]),
    S.ESCALATED: (S.SUBMITTED, [(Step.ESCALATE, REPORTER, {})]),
    S.ACCEPTED: (S.ESCALATED, [(Step.ACCEPT, CHIEF, {})]),
    S.WHISTLED: (S.ACCEPTED, [(Step.WHISTLE, CHIEF, {})]),  # the category's departments: 城管执法
    S.ON_SITE: (S.WHISTLED, [(Step.REPORT_ON_SITE, OFFICER, {})]),
    S.RESOLVED: (S.ON_SITE, [(Step.FINISH_PART, OFFICER, {}), (Step.RESOLVE, CHIEF, {"note": "已清理"})]),
    S.CONFIRMED: (S.RESOLVED, [(Step.VERDICT, REPORTER, {"satisfaction": "satisfied"})]),
    S.UNRATED: (S.RESOLVED, [(Step.CLOSE_UNRATED, SYSTEM, {})]),
    S.REJECTED: (S.SUBMITTED, [(Step.REJECT, CHIEF, {"note": "重复上报"})]),
    S.DUPLICATE: (S.SUBMITTED, [(Step.MERGE, CHIEF, {"duplicate_of": ORIGINAL})]),
    S.REOPENED: (S.RESOLVED, [(Step.VERDICT, REPORTER, {"satisfaction": "unsatisfied"})]),
}


@dataclass
class World:
    street: object
    alley: object
    elsewhere: object  # another street
    clock: Clock
    people: dict = field(default_factory=dict)
    original: Report | None = None

    def new_case(self, category="piled_goods", reporter=REPORTER, followers=(FOLLOWER,)) -> Report:
        """A report on the alley, filed by `reporter`, with its followers ("me too")."""
        report, _ = file_report(self.people[reporter], report_at(*on_alley(self.alley), category=category))
        for follower in followers:
            follow_report(self.people[follower], report.id)
        return report

    def case_in(self, status: ReportStatus, category="piled_goods") -> Report:
        report = self.new_case(category)
        for step, actor, data in self.route(status):
            self.take(step, actor, report, **data)
        assert report.status is status
        return report

    def route(self, status: ReportStatus) -> list:
        if status is S.SUBMITTED:
            return []
        before, steps = ROUTE[status]
        return self.route(before) + steps

    def take(self, step: Step, actor: str, report: Report, **data) -> Report:
        if data.get("duplicate_of") is ORIGINAL:
            data["duplicate_of"] = self.original.id
        if step is Step.CLOSE_UNRATED:  # the system closes a case only when the reporter had the days to answer
            self.clock.advance(days=VERDICT_DAYS, minutes=1)
        return transition(self.people[actor], report.id, step, **data)


@pytest.fixture
def world(app, tmp_path) -> World:
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    clock = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    app.extensions["clock"] = clock
    assert app.config["VERDICT_DAYS"] == VERDICT_DAYS
    assert app.config["WHISTLE_MINUTES"] == {kind.value: WHISTLE_MINUTES for kind in WhistleKind}

    street = demo_street()
    alley, another_alley = alleys_of(street)[:2]
    world = World(street, alley, other_street(), clock)
    world.people = {
        ANONYMOUS: AnonymousUserMixin(),
        REPORTER: make_user(Role.RESIDENT),
        RESIDENT: make_user(Role.RESIDENT),
        FOLLOWER: make_user(Role.RESIDENT),
        STEWARD: make_user(Role.STEWARD),
        OTHER_STEWARD: make_user(Role.STEWARD),
        CHIEF: make_user(Role.CHIEF),
        OTHER_CHIEF: make_user(Role.CHIEF, street=world.elsewhere),
        OFFICER: make_user(Role.OFFICER),  # 城管执法
        OTHER_OFFICER: create_user(display_name="公安民警", username="police_officer", password=PASSWORD,
                                   role=Role.OFFICER, street_name=street.name, department_name="公安"),
        ORGANIZER: make_user(Role.ORGANIZER),
        ADMIN: make_user(Role.ADMIN),
        SYSTEM: None,
        PARTNER: create_api_key("12345热线")[0].user,
    }
    claim_alley(world.people[STEWARD], alley.id)
    claim_alley(world.people[OTHER_STEWARD], another_alley.id)
    world.original = world.new_case()
    return world


def snapshot(report_id: int) -> dict:
    """What a refused step must leave as it was."""
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    return {"status": report.status, "events": len(report.events), "priority": report.priority,
            "round": report.resolution_round, "verdicts": len(report.verdicts),
            "whistles": [(w.department_id, w.status, w.closed_at) for w in report.whistles],
            "followers": report.follower_count}


def outcome(world: World, report: Report, step: Step, actor: str):
    """The status the step leads to, or the class of the error that refused it."""
    try:
        return world.take(step, actor, report, **INPUT[step]).status
    except DomainError as err:
        return type(err)


def name(outcome) -> str:
    return outcome.value if isinstance(outcome, ReportStatus) else outcome.__name__


# --- the table --------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", list(ReportStatus), ids=lambda status: status.value)
def test_every_step_from_every_status_by_everyone(world, status):
    """For a case in `status`: every step by every person ends as EXPECTED says; a step that is taken
    moves the case and writes one event (from, to, step, as whom, by whom) to its case file; a refusal
    changes nothing; and allowed_steps() offers each person exactly what they may do."""
    shared = world.case_in(status)  # refusals are tried on it: they must leave it as it was
    before = snapshot(shared.id)
    wrong = []

    for actor in EVERYONE:
        user = world.people[actor]
        offers = set(allowed_steps(user, shared, holds_alley(user, shared)))
        if offers != offered(status, actor):
            wrong.append(f"allowed_steps for {actor}: {sorted(s.value for s in offers)}, "
                         f"expected {sorted(s.value for s in offered(status, actor))}")

    for step in Step:
        for actor in EVERYONE:
            want = expected(step, status, actor)
            if not isinstance(want, ReportStatus):
                got = outcome(world, shared, step, actor)
                if got is not want:
                    wrong.append(f"{step.value} by {actor}: {name(got)}, expected {name(want)}")
                continue
            fresh = world.case_in(status)  # a step that is taken needs a case of its own
            events_before = len(fresh.events)
            got = outcome(world, fresh, step, actor)
            if got is not want:
                wrong.append(f"{step.value} by {actor}: {name(got)}, expected {name(want)}")
                continue
            db.session.expire_all()
            report = db.session.get(Report, fresh.id)
            last = report.events[-1]
            user = world.people[actor]
            written = (len(report.events) - events_before, report.status, last.from_status, last.to_status,
                       last.details.get("step"), last.details.get("role"), last.actor_id)
            should = (1, want, status, want, step.value, recorded_role(step, actor), user.id if user else None)
            if written != should:
                wrong.append(f"{step.value} by {actor}: case file {written}, expected {should}")

    assert not wrong, "\n".join(wrong)
    assert snapshot(shared.id) == before


# --- whistles (吹哨) and reporting on site (报到) ----------------------------------------------------

def whistles_by_code(report_id: int) -> dict:
    db.session.expire_all()
    return {w.department.code: w for w in db.session.get(Report, report_id).whistles}


def test_a_whistle_calls_the_categorys_departments_with_its_kind_and_30_minutes_to_report(world):
    chief = world.people[CHIEF]
    noise = world.case_in(S.ACCEPTED, category="noise")  # 噪音: 公安 and 城管执法, an enforcement whistle
    now = world.clock()

    done = transition(chief, noise.id, Step.WHISTLE)
    assert done.status is S.WHISTLED
    whistles = whistles_by_code(noise.id)
    assert set(whistles) == {"police", "urban_management"}
    for whistle in whistles.values():
        assert (whistle.kind, whistle.status, whistle.whistled_by_id) == (WhistleKind.ENFORCEMENT,
                                                                          WhistleStatus.WHISTLED, chief.id)
        assert as_utc(whistle.whistled_at) == now
        assert as_utc(whistle.due_at) == now + timedelta(minutes=WHISTLE_MINUTES)
        assert whistle.is_active and whistle.closed_at is None
    details = done.events[-1].details
    assert details["kind"] == "enforcement" and set(details["departments"]) == {"police", "urban_management"}
    assert datetime.fromisoformat(details["due_at"]) == now + timedelta(minutes=WHISTLE_MINUTES)

    # The chief may choose the departments and the kind; a department already working is not called twice.
    chosen = world.case_in(S.ACCEPTED)
    transition(chief, chosen.id, Step.WHISTLE, departments=("fire", "fire"), kind="emergency")
    [(code, fire)] = whistles_by_code(chosen.id).items()
    assert (code, fire.kind, as_utc(fire.due_at)) == ("fire", WhistleKind.EMERGENCY,
                                                      now + timedelta(minutes=WHISTLE_MINUTES))
    with pytest.raises(Conflict):
        transition(chief, chosen.id, Step.WHISTLE, departments=("fire",))
    more = transition(chief, chosen.id, Step.WHISTLE, departments=("fire", "police"))
    assert more.events[-1].details["departments"] == ["police"]
    assert set(whistles_by_code(chosen.id)) == {"fire", "police"}

    # Another category, another default: 路灯 is a key-work whistle to 城管执法.
    light = world.case_in(S.ACCEPTED, category="street_light")
    transition(chief, light.id, Step.WHISTLE)
    assert [(code, w.kind) for code, w in whistles_by_code(light.id).items()] == [("urban_management",
                                                                                  WhistleKind.KEY_WORK)]


def test_a_whistle_needs_a_known_kind_and_departments(world):
    chief = world.people[CHIEF]
    piled, other = world.case_in(S.ACCEPTED), world.case_in(S.ACCEPTED, category="other")  # 其他: no departments
    before = snapshot(piled.id), snapshot(other.id)
    for report, bad in [(piled, {"kind": "loud"}), (piled, {"departments": ("no_such_department",)}),
                        (piled, {"departments": ("police", "no_such_department")}), (other, {})]:
        with pytest.raises(BadRequest):
            transition(chief, report.id, Step.WHISTLE, **bad)
    assert (snapshot(piled.id), snapshot(other.id)) == before
    assert transition(chief, other.id, Step.WHISTLE, departments=("housing",)).status is S.WHISTLED


def test_the_case_is_on_site_when_every_whistled_department_has_reported_and_late_ones_are_marked(world):
    chief, urban, police = world.people[CHIEF], world.people[OFFICER], world.people[OTHER_OFFICER]
    noise = world.case_in(S.ACCEPTED, category="noise")
    whistled_at = world.clock()
    transition(chief, noise.id, Step.WHISTLE)
    due = whistled_at + timedelta(minutes=WHISTLE_MINUTES)

    # An officer of the same department in another street has no say on this case.
    stranger = make_user(Role.OFFICER, street=world.elsewhere)
    with pytest.raises(Forbidden):
        transition(stranger, noise.id, Step.REPORT_ON_SITE)

    world.clock.advance(minutes=WHISTLE_MINUTES - 1)
    assert not any(w.is_overdue(world.clock()) for w in whistles_by_code(noise.id).values())
    first = transition(urban, noise.id, Step.REPORT_ON_SITE, lon=116.41, lat=39.95)
    assert first.status is S.WHISTLED  # 公安 is not there yet
    assert first.events[-1].details == {"step": "report_on_site", "role": "officer", "department": "urban_management",
                                        "late": False, "lon": 116.41, "lat": 39.95}

    world.clock.advance(minutes=2)  # one minute past the deadline
    whistles = whistles_by_code(noise.id)
    assert whistles["police"].is_overdue(world.clock()) and not whistles["urban_management"].is_overdue(world.clock())
    assert not whistles["police"].is_overdue(due)  # at the deadline itself it is not yet overdue
    assert not whistles["urban_management"].reported_late()

    there = transition(police, noise.id, Step.REPORT_ON_SITE)
    assert there.status is S.ON_SITE
    assert there.events[-1].details["late"] is True
    police_whistle = whistles_by_code(noise.id)["police"]
    assert police_whistle.reported_late() and not police_whistle.is_overdue(world.clock())
    assert as_utc(police_whistle.on_site_at) == world.clock()


# --- resolving ---------------------------------------------------------------------------------------

def test_resolving_waits_for_every_department_needs_evidence_and_closes_the_whistles(world):
    chief, urban, police = world.people[CHIEF], world.people[OFFICER], world.people[OTHER_OFFICER]
    noise = world.case_in(S.ACCEPTED, category="noise")
    transition(chief, noise.id, Step.WHISTLE)
    for officer in (urban, police):
        transition(officer, noise.id, Step.REPORT_ON_SITE)
    transition(urban, noise.id, Step.FINISH_PART)
    with pytest.raises(IllegalTransition):  # its part is finished already
        transition(urban, noise.id, Step.FINISH_PART)
    assert transition(urban, noise.id, Step.ADD_NOTE, note="已复查").status is S.ON_SITE  # done, still answerable

    before = snapshot(noise.id)
    with pytest.raises(PartsOpen) as refused:
        transition(chief, noise.id, Step.RESOLVE, note="已处理")
    assert "公安" in str(refused.value) and "城管执法" not in str(refused.value)
    assert snapshot(noise.id) == before
    assert db.session.get(Report, noise.id).resolved_at is None

    transition(police, noise.id, Step.FINISH_PART)
    for no_evidence in ({}, {"note": "   "}):
        with pytest.raises(BadRequest):
            transition(chief, noise.id, Step.RESOLVE, **no_evidence)
    world.clock.advance(hours=2)
    resolved = transition(chief, noise.id, Step.RESOLVE, photo=jpeg())  # a photo alone is evidence
    assert resolved.status is S.RESOLVED and resolved.resolution_round == 1
    assert as_utc(resolved.resolved_at) == world.clock()
    assert resolved.events[-1].details == {"step": "resolve", "role": "chief", "round": 1}
    assert [p.event_id for p in resolved.photos] == [resolved.events[-1].id]
    whistles = whistles_by_code(noise.id)
    assert all(as_utc(w.closed_at) == world.clock() and not w.is_active for w in whistles.values())
    assert {w.status for w in whistles.values()} == {WhistleStatus.DONE}
    with pytest.raises(Forbidden):  # the departments' part in the case is over
        transition(urban, noise.id, Step.ADD_NOTE, note="补充")


def test_a_case_nobody_whistled_is_resolved_by_the_chief_alone(world):
    report = world.case_in(S.ACCEPTED)
    resolved = transition(world.people[CHIEF], report.id, Step.RESOLVE, note="街巷长协调解决")
    assert resolved.status is S.RESOLVED and resolved.whistles == []


# --- verdicts --------------------------------------------------------------------------------------

def verdicts(report_id: int) -> list[tuple]:
    db.session.expire_all()
    return [(v.user_id, v.round, v.satisfaction, v.is_reporter)
            for v in db.session.scalars(db.select(Verdict).where(Verdict.report_id == report_id).order_by(Verdict.id))]


@pytest.mark.parametrize("answer, status", [("satisfied", S.CONFIRMED), ("basically", S.CONFIRMED),
                                            ("unsatisfied", S.REOPENED)])
def test_the_reporters_verdict_decides_and_a_followers_verdict_is_only_recorded(world, answer, status):
    reporter, follower = world.people[REPORTER], world.people[FOLLOWER]
    report = world.case_in(S.RESOLVED)

    with pytest.raises(BadRequest):
        transition(reporter, report.id, Step.VERDICT, satisfaction="so-so")
    heard = transition(follower, report.id, Step.VERDICT, satisfaction="unsatisfied", note="还有一点没清")
    assert heard.status is S.RESOLVED
    assert heard.events[-1].details == {"step": "verdict", "role": "follower", "satisfaction": "unsatisfied"}
    with pytest.raises(Conflict) as again:  # one verdict a person a resolution
        transition(follower, report.id, Step.VERDICT, satisfaction="satisfied")
    assert type(again.value) is Conflict

    decided = transition(reporter, report.id, Step.VERDICT, satisfaction=answer)
    assert decided.status is status
    assert decided.events[-1].details == {"step": "verdict", "role": "reporter", "satisfaction": answer}
    assert verdicts(report.id) == [(follower.id, 1, Satisfaction.UNSATISFIED, False),
                                   (reporter.id, 1, Satisfaction(answer), True)]
    with pytest.raises(IllegalTransition):  # the case has moved on
        transition(reporter, report.id, Step.VERDICT, satisfaction="satisfied")


def test_after_a_reopening_and_a_second_resolution_everyone_answers_again(world):
    chief, urban = world.people[CHIEF], world.people[OFFICER]
    reporter, follower = world.people[REPORTER], world.people[FOLLOWER]
    report = world.case_in(S.RESOLVED)
    transition(follower, report.id, Step.VERDICT, satisfaction="unsatisfied")
    assert transition(reporter, report.id, Step.VERDICT, satisfaction="unsatisfied").status is S.REOPENED

    # Round 2: the department is called again (its first whistle was closed at the resolution).
    transition(chief, report.id, Step.WHISTLE)
    assert [w.is_active for w in db.session.get(Report, report.id).whistles] == [False, True]
    transition(urban, report.id, Step.REPORT_ON_SITE)
    transition(urban, report.id, Step.FINISH_PART)
    again = transition(chief, report.id, Step.RESOLVE, note="再次清理")
    assert (again.status, again.resolution_round) == (S.RESOLVED, 2)

    transition(follower, report.id, Step.VERDICT, satisfaction="basically")
    assert transition(reporter, report.id, Step.VERDICT, satisfaction="satisfied").status is S.CONFIRMED
    assert verdicts(report.id) == [(follower.id, 1, Satisfaction.UNSATISFIED, False),
                                   (reporter.id, 1, Satisfaction.UNSATISFIED, True),
                                   (follower.id, 2, Satisfaction.BASICALLY_SATISFIED, False),
                                   (reporter.id, 2, Satisfaction.SATISFIED, True)]


# --- cases nobody rated --------------------------------------------------------------------------------

def test_cases_nobody_rated_in_time_close_as_unrated_never_as_satisfied(world):
    follower = world.people[FOLLOWER]
    resolved_at = world.clock()
    silent = world.case_in(S.RESOLVED)
    followed = world.case_in(S.RESOLVED)  # only a follower answered: the reporter's silence still counts
    transition(follower, followed.id, Step.VERDICT, satisfaction="satisfied")
    confirmed = world.case_in(S.CONFIRMED)
    world.clock.advance(days=1)
    later = world.case_in(S.RESOLVED)

    world.clock.now = resolved_at + timedelta(days=VERDICT_DAYS, minutes=-1)
    assert close_unrated_cases() == []
    with pytest.raises(IllegalTransition):  # the system too waits for the days to pass
        transition(None, silent.id, Step.CLOSE_UNRATED)

    world.clock.now = resolved_at + timedelta(days=VERDICT_DAYS, minutes=1)
    assert sorted(close_unrated_cases()) == [silent.id, followed.id]
    db.session.expire_all()
    statuses = [db.session.get(Report, r.id).status for r in (silent, followed, confirmed, later)]
    assert statuses == [S.UNRATED, S.UNRATED, S.CONFIRMED, S.RESOLVED]
    assert verdicts(silent.id) == []  # "not rated" is no verdict, least of all a satisfied one
    assert verdicts(followed.id) == [(follower.id, 1, Satisfaction.SATISFIED, False)]
    last = db.session.get(Report, silent.id).events[-1]
    assert (last.actor_id, last.from_status, last.to_status, last.details) == (
        None, S.RESOLVED, S.UNRATED, {"step": "close_unrated", "role": "system", "automatic": True})

    world.clock.advance(days=1)
    assert close_unrated_cases() == [later.id]
    assert close_unrated_cases() == []


# --- merging duplicates --------------------------------------------------------------------------------

def followers_of(report_id: int) -> set[int]:
    return set(db.session.scalars(db.select(ReportFollower.user_id).where(ReportFollower.report_id == report_id)))


def test_merging_carries_the_duplicates_reporter_and_followers_over_to_the_original(world):
    chief, people = world.people[CHIEF], world.people
    newcomer = make_user(Role.RESIDENT)
    world.people["newcomer"] = newcomer
    original = world.new_case(reporter=RESIDENT, followers=(FOLLOWER,))
    # The duplicate's followers: one who follows the original already, the original's reporter, a newcomer.
    duplicate = world.new_case(reporter=REPORTER, followers=(FOLLOWER, RESIDENT, "newcomer"))

    merged = transition(chief, duplicate.id, Step.MERGE, duplicate_of=original.id, note="同一处堆物")
    assert (merged.status, merged.duplicate_of_id) == (S.DUPLICATE, original.id)
    assert merged.events[-1].details == {"step": "merge", "role": "chief", "duplicate_of": original.id,
                                         "followers_carried": 2}
    db.session.expire_all()
    kept = db.session.get(Report, original.id)
    assert followers_of(original.id) == {people[FOLLOWER].id, people[REPORTER].id, newcomer.id}
    assert kept.follower_count == 3 and kept.status is S.SUBMITTED
    merged_in = kept.events[-1]
    assert (merged_in.actor_id, merged_in.from_status, merged_in.to_status, merged_in.note) == (
        chief.id, S.SUBMITTED, S.SUBMITTED, "同一处堆物")
    assert merged_in.details == {"step": "merged_in", "role": "chief", "merged": duplicate.id}


def test_a_case_merges_only_into_another_open_case_of_its_street(world):
    chief = world.people[CHIEF]
    duplicate = world.case_in(S.ESCALATED)
    rejected = world.case_in(S.REJECTED)
    neighbour = make_user(Role.RESIDENT, street=world.elsewhere)
    elsewhere, _ = file_report(neighbour, report_at(116.305, 39.805))
    before = snapshot(duplicate.id), snapshot(rejected.id), snapshot(elsewhere.id)

    for into, refusal in [(duplicate.id, BadRequest),  # itself
                          (elsewhere.id, BadRequest),  # a case of another street
                          (10 ** 6, BadRequest),  # no such case
                          (None, BadRequest),
                          (rejected.id, Conflict)]:  # a closed case
        with pytest.raises(refusal):
            transition(chief, duplicate.id, Step.MERGE, duplicate_of=into)
    assert (snapshot(duplicate.id), snapshot(rejected.id), snapshot(elsewhere.id)) == before
    assert [e for e in db.session.scalars(db.select(ReportEvent)) if e.details.get("step") == "merged_in"] == []


# --- priorities, notes and evidence --------------------------------------------------------------------

def test_priority_is_normal_high_or_urgent(world):
    chief = world.people[CHIEF]
    report = world.case_in(S.ESCALATED)
    assert report.priority is Priority.NORMAL
    high = transition(chief, report.id, Step.SET_PRIORITY, priority="high")
    assert high.priority is Priority.HIGH and high.events[-1].details["priority"] == "high"
    before = snapshot(report.id)
    for bad in ("very high", "", None, "HIGH"):
        with pytest.raises(BadRequest):
            transition(chief, report.id, Step.SET_PRIORITY, priority=bad)
    assert snapshot(report.id) == before


def test_the_steps_that_need_a_note_or_evidence(world):
    chief, urban = world.people[CHIEF], world.people[OFFICER]
    escalated, whistled = world.case_in(S.ESCALATED), world.case_in(S.WHISTLED)
    before = snapshot(escalated.id), snapshot(whistled.id)
    for report, step, actor in [(escalated, Step.REJECT, chief), (escalated, Step.REPLY, chief),
                                (whistled, Step.ADD_NOTE, urban)]:
        for bad in ({}, {"note": " \n "}, {"note": "长" * 2001}):
            with pytest.raises(BadRequest):
                transition(actor, report.id, step, **bad)
    with pytest.raises(BadRequest):  # a note, not a photo, is what a reply or a reason is
        transition(chief, escalated.id, Step.REJECT, photo=jpeg())
    assert (snapshot(escalated.id), snapshot(whistled.id)) == before

    noted = transition(urban, whistled.id, Step.ADD_NOTE, photo=jpeg())  # a photo alone is evidence
    assert noted.status is S.WHISTLED and noted.photos[-1].event_id == noted.events[-1].id
    assert noted.events[-1].details == {"step": "add_note", "role": "officer", "department": "urban_management"}
    reply = transition(chief, escalated.id, Step.REPLY, note="  已转城管  ")
    assert reply.status is S.ESCALATED and reply.events[-1].note == "已转城管"

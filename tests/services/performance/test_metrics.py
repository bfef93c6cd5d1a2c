"""The street rates (响应率 / 解决率 / 满意率) as a specification, counted on small sets of cases.

The rules are the docstring of webapp/services/performance/rates.py. Every case here is filed with file_report and moved
on with transition (the real lifecycle) under a test clock; performance.totals and breakdown count them, and
each test works the expected answer out by hand beside the assertion.

Reports are stamped with the wall clock (Report.created_at's default); the `world` fixture stamps them with the
test's clock instead, so that a case is received exactly when the test says (the clock starts on START).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.factories import PASSWORD, alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley, report_at
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import CaseFacts, Category, Department, Report, ReportStatus, Role
from webapp.services.cases.transitions import Step, close_unrated_cases, transition
from webapp.services.performance.dashboard import Period, Scope, breakdown, totals
from webapp.services.performance.rates import Rates, definitions
from webapp.services.places.claims import claim_alley
from webapp.services.volunteers.people import create_user

S = ReportStatus
START = datetime(2026, 11, 4, 1, 0, tzinfo=timezone.utc)  # Wednesday 4 November 2026, 09:00 in Beijing
DAY = date(2026, 11, 4)  # START's day in Beijing
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))  # every case here is received in it, unless a test says
ACKNOWLEDGE_HOURS, RESOLUTION_DAYS, VERDICT_DAYS = 2, 7, 3  # the settings' defaults (checked in `world`)
WHISTLE_MINUTES = 30  # a whistled department reports on site within 30 minutes
OUTSIDE_ALLEYS = (116.305, 39.805)  # in the other street, which has no alleys


# --- a street, its people, and cases moved through real steps -----------------------------------------------

@dataclass
class World:
    """The demo street (and another one), the people who act on cases, and the test's clock."""
    clock: Clock
    street: object
    elsewhere: object  # another street, without alleys
    alleys: list
    people: dict = field(default_factory=dict)

    def at(self, **since_start) -> datetime:
        """Set the clock to START plus this much (hours=2, days=7, ...)."""
        self.clock.now = START + timedelta(**since_start)
        return self.clock.now

    def file(self, category="piled_goods", alley=0, who="resident", lonlat=None) -> int:
        """A report filed now on the demo street's alley number `alley` (or at `lonlat`)."""
        report, _ = file_report(self.people[who], report_at(*(lonlat or on_alley(self.alleys[alley])),
                                                            category=category))
        return report.id

    def take(self, who: str, step: Step, report_id: int, **data) -> Report:
        return transition(self.people[who], report_id, step, **data)

    def escalated(self, category="piled_goods", alley=0) -> int:
        """Filed now and passed up to the chief by its reporter (a safety hazard goes up by itself)."""
        report_id = self.file(category, alley)
        if db.session.get(Report, report_id).status is S.SUBMITTED:
            self.take("resident", Step.ESCALATE, report_id)
        return report_id

    def accepted(self, category="piled_goods", alley=0) -> int:
        """Escalated and taken by the chief at once (acknowledged in time)."""
        report_id = self.escalated(category, alley)
        self.take("chief", Step.ACCEPT, report_id)
        return report_id

    def resolve(self, report_id: int) -> None:
        self.take("chief", Step.RESOLVE, report_id, note="已清理")

    def resolved(self, alley=0) -> int:
        """Accepted and resolved by the chief alone, now: waiting for the reporter's verdict."""
        report_id = self.accepted(alley=alley)
        self.resolve(report_id)
        return report_id

    def verdict(self, report_id: int, answer: str) -> None:
        self.take("resident", Step.VERDICT, report_id, satisfaction=answer)

    def rated(self, answer: str) -> int:
        """Resolved now and answered at once by its reporter."""
        report_id = self.resolved()
        self.verdict(report_id, answer)
        return report_id

    def whistle(self, report_id: int, *codes: str) -> None:
        self.take("chief", Step.WHISTLE, report_id, departments=codes)

    def rates(self, period: Period = NOVEMBER, now: datetime | None = None, **scope) -> Rates:
        """performance.totals for the cases of `scope` received in `period`, counted at `now` (the clock's)."""
        return totals(Scope(**scope), period, now or self.clock())


def department(code: str) -> int:
    return db.session.scalar(db.select(Department.id).where(Department.code == code))


def category(code: str) -> int:
    return db.session.scalar(db.select(Category.id).where(Category.code == code))


def expect(rates: Rates, **wanted) -> None:
    """The named counts and rates, as the dashboard shows them (rates rounded to 4 places, None if nothing due)."""
    shown = rates.as_dict()
    assert {name: shown[name] for name in wanted} == wanted


def department_response(world: World) -> dict:
    """Department name -> (its whistles due, those on site in time), counted now."""
    return {row.label: (row.rates.response_due, row.rates.response_on_time)
            for row in breakdown("department", Scope(), NOVEMBER, world.clock())}


def facts_of(report_id: int) -> dict:
    db.session.expire_all()
    row = db.session.get(CaseFacts, report_id)
    return {column.key: getattr(row, column.key) for column in CaseFacts.__table__.columns}


@pytest.fixture
def world(app):
    assert (app.config["ACKNOWLEDGE_HOURS"], app.config["RESOLUTION_DAYS"], app.config["VERDICT_DAYS"],
            app.config["BASICALLY_SATISFIED_WEIGHT"]) == (ACKNOWLEDGE_HOURS, RESOLUTION_DAYS, VERDICT_DAYS, 0.8)
    assert set(app.config["WHISTLE_MINUTES"].values()) == {WHISTLE_MINUTES}
    clock = Clock(START)
    app.extensions["clock"] = clock
    street = demo_street()
    world = World(clock, street, other_street(), alleys_of(street))
    world.people = {
        "resident": make_user(Role.RESIDENT),
        "steward": make_user(Role.STEWARD),  # holds alley 0
        "chief": make_user(Role.CHIEF),
        "urban": make_user(Role.OFFICER),  # 城管执法
        "police": create_user(display_name="公安民警", username="police_officer", password=PASSWORD,
                              role=Role.OFFICER, street_name=street.name, department_name="公安"),
        "neighbour": make_user(Role.RESIDENT, street=world.elsewhere),
    }
    claim_alley(world.people["steward"], world.alleys[0].id)
    yield world


# --- nothing to count ----------------------------------------------------------------------------------------

def test_no_cases_no_rates(world):
    """With no case received, every count is 0 and every rate is None (nothing is due: no 0 %, no 100 %)."""
    assert world.rates().as_dict() == {
        "cases": 0, "response_due": 0, "response_on_time": 0, "response_rate": None,
        "resolution_due": 0, "resolved": 0, "resolution_rate": None,
        "rated": 0, "satisfied": 0, "basically": 0, "unsatisfied": 0, "unrated": 0, "satisfaction_rate": None,
        "rejected": 0}
    for dimension in ("alley", "category", "department"):
        assert breakdown(dimension, Scope(), NOVEMBER, world.clock()) == []


# --- response (响应率) -----------------------------------------------------------------------------------------

def test_the_chief_acknowledges_an_escalated_case_within_acknowledge_hours(world):
    """Any step of the chief's within ACKNOWLEDGE_HOURS of the escalation is in time; the deadline itself too."""
    early, on_the_hour, late = world.escalated(), world.escalated(), world.escalated()  # escalated at 0:00
    world.at(hours=1, minutes=59)
    world.take("chief", Step.ACCEPT, early)
    world.at(hours=ACKNOWLEDGE_HOURS)
    world.take("chief", Step.SET_PRIORITY, on_the_hour, priority="high")  # any step of the chief's
    world.at(hours=2, minutes=1)
    world.take("chief", Step.ACCEPT, late)

    world.at(hours=3)
    # Due: all three (each deadline, 2:00, has passed). In time: early (1:59) and on_the_hour (2:00): 2 / 3.
    expect(world.rates(), cases=3, response_due=3, response_on_time=2, response_rate=round(2 / 3, 4))


def test_a_case_not_due_yet_becomes_due_as_the_clock_moves_on(world):
    """Nobody acts on an escalated case: it enters the response count when its acknowledgement deadline passes,
    and the resolution count RESOLUTION_DAYS after it was received. No step in between: the facts hold the
    deadlines and the count compares them with now."""
    silent = world.escalated()  # received and escalated at 0:00; nobody acknowledges it
    facts = facts_of(silent)

    world.at(hours=1, minutes=59)  # before the 2:00 deadline: in neither count
    expect(world.rates(), cases=1, response_due=0, response_rate=None, resolution_due=0, resolution_rate=None)

    world.at(hours=2, minutes=1)  # the acknowledgement is late: due, and missed
    expect(world.rates(), response_due=1, response_on_time=0, response_rate=0.0, resolution_due=0)

    world.at(days=RESOLUTION_DAYS, minutes=-1)  # still open, not yet RESOLUTION_DAYS old
    expect(world.rates(), resolution_due=0, resolution_rate=None)

    world.at(days=RESOLUTION_DAYS, minutes=1)  # open past RESOLUTION_DAYS: due, not resolved: 0 / 1
    expect(world.rates(), resolution_due=1, resolved=0, resolution_rate=0.0)
    assert facts_of(silent) == facts


def test_a_case_is_late_once_any_of_its_deadlines_is_missed(world):
    """A case whistled to two departments is on time while it has missed no deadline; one department late makes
    the case late. A department's own rate counts its whistles: one on time, one late."""
    noise = world.escalated("noise")  # 噪音: 公安 and 城管执法 by default; escalated at 0:00
    world.at(minutes=10)
    world.take("chief", Step.ACCEPT, noise)  # acknowledged at 0:10 (deadline 2:00)
    world.whistle(noise)  # both due on site at 0:40
    world.at(minutes=20)
    world.take("urban", Step.REPORT_ON_SITE, noise)  # 城管执法 on site at 0:20, in time

    # 0:30: the acknowledgement was met (the case is due since 0:10), no deadline missed yet: 1 / 1.
    world.at(minutes=30)
    expect(world.rates(), response_due=1, response_on_time=1, response_rate=1.0)
    # 城管执法's whistle is due (met); 公安's is neither met nor past its deadline: not due yet.
    assert department_response(world) == {"城管执法": (1, 1), "公安": (0, 0)}

    # 0:41: 公安 missed its 0:40 deadline: the case is late, 0 / 1.
    world.at(minutes=41)
    expect(world.rates(), response_due=1, response_on_time=0, response_rate=0.0)

    world.at(minutes=50)
    world.take("police", Step.REPORT_ON_SITE, noise)  # on site 10 minutes late: the case stays late
    world.at(hours=1)
    expect(world.rates(), response_due=1, response_on_time=0, response_rate=0.0)
    # Per department, its whistles: 城管执法 1 on time of 1 due (1.0), 公安 0 of 1 (0.0).
    rows = {row.label: row.rates for row in breakdown("department", Scope(), NOVEMBER, world.clock())}
    expect(rows["城管执法"], cases=1, response_due=1, response_on_time=1, response_rate=1.0)
    expect(rows["公安"], cases=1, response_due=1, response_on_time=0, response_rate=0.0)


def test_a_department_whistled_twice_to_one_case_counts_it_once_among_its_cases(world):
    """Reopened by 不满意 and whistled again: 城管执法 has one case and two whistles (the first on time, the
    second late), so its cases count 1 and its response 1 / 2."""
    piled = world.accepted()
    world.whistle(piled, "urban_management")  # due 0:30
    world.at(minutes=10)
    world.take("urban", Step.REPORT_ON_SITE, piled)
    world.take("urban", Step.FINISH_PART, piled, note="已清理")
    world.resolve(piled)
    world.verdict(piled, "unsatisfied")  # reopened
    world.at(minutes=20)
    world.whistle(piled, "urban_management")  # due 0:50; on site at 1:00
    world.at(hours=1)
    world.take("urban", Step.REPORT_ON_SITE, piled)

    rows = {row.label: row.rates for row in breakdown("department", Scope(), NOVEMBER, world.clock())}
    assert list(rows) == ["城管执法"]
    expect(rows["城管执法"], cases=1, response_due=2, response_on_time=1, response_rate=0.5)


def test_a_case_handled_on_the_spot_is_resolved_and_never_in_the_response_count(world):
    """劝导 on the spot: the case never reached the chief (no deadline to meet) and its resolution stands."""
    spot = world.file()
    world.at(minutes=30)
    world.take("steward", Step.HANDLE_ON_SPOT, spot, note="已劝导店主搬走")

    world.at(days=RESOLUTION_DAYS + 1)
    # Response: nothing due. Resolution: 1 / 1. Satisfaction: nobody was asked (neither rated nor "not rated").
    expect(world.rates(), cases=1, response_due=0, response_rate=None, resolution_due=1, resolved=1,
           resolution_rate=1.0, rated=0, unrated=0, satisfaction_rate=None)


# --- resolution (解决率) ---------------------------------------------------------------------------------------

def test_a_resolved_case_waiting_for_its_verdict_is_outside_the_resolution_count(world):
    """A resolution stands once the reporter confirms it (or is silent VERDICT_DAYS); until then the case counts
    neither as resolved nor as open, even past RESOLUTION_DAYS."""
    waiting, _forgotten = world.accepted(), world.accepted()  # received at 0:00
    world.at(days=RESOLUTION_DAYS - 1)
    world.resolve(waiting)  # resolved on day 6: the reporter has until day 9 to answer

    world.at(days=RESOLUTION_DAYS, hours=1)
    # Due: forgotten only (open, 7 days old); waiting is outside. 0 / 1.
    expect(world.rates(), cases=2, resolution_due=1, resolved=0, resolution_rate=0.0)

    world.verdict(waiting, "satisfied")
    # Due: forgotten and waiting (now confirmed). Resolved: waiting. 1 / 2.
    expect(world.rates(), resolution_due=2, resolved=1, resolution_rate=0.5)


def test_cases_closed_unrated_are_resolved_but_not_rated(world):
    """Silence for VERDICT_DAYS closes a case "not rated": its resolution stands; the satisfaction rate leaves
    it out and counts it apart."""
    world.resolved(), world.resolved()  # resolved at 0:00
    world.at(days=VERDICT_DAYS, minutes=1)
    assert len(close_unrated_cases()) == 2

    # Resolution: 2 / 2. Satisfaction: no answer at all, so no rate; 2 not rated.
    expect(world.rates(), cases=2, resolution_due=2, resolved=2, resolution_rate=1.0,
           rated=0, unrated=2, satisfaction_rate=None)


def test_a_reopened_case_counts_the_latest_answer_and_once(world):
    """不满意 reopens the case: the answer counts (unsatisfied) and the case is open again. A new resolution asks
    again; once the reporter is satisfied, the case is satisfied and resolved, counted once."""
    case = world.resolved()  # resolved at 0:00 (round 1)
    world.at(hours=1)
    world.verdict(case, "unsatisfied")
    assert db.session.get(Report, case).status is S.REOPENED
    # Satisfaction: 0 / 1. Resolution: open again, received 1 hour ago: not due.
    expect(world.rates(), cases=1, rated=1, unsatisfied=1, satisfaction_rate=0.0, resolution_due=0)

    world.at(days=1)
    world.resolve(case)  # round 2: nobody has answered it yet
    expect(world.rates(), rated=0, unsatisfied=0, satisfaction_rate=None, resolution_due=0)

    world.at(days=1, hours=1)
    world.verdict(case, "satisfied")
    # Satisfaction: 1 / 1, the old 不满意 forgotten. Resolution: 1 / 1 (one case, resolved twice).
    expect(world.rates(), cases=1, rated=1, satisfied=1, unsatisfied=0, satisfaction_rate=1.0,
           resolution_due=1, resolved=1, resolution_rate=1.0)


# --- satisfaction (满意率) -------------------------------------------------------------------------------------

def test_basically_satisfied_counts_basically_satisfied_weight(world, app):
    """满意 counts 1, 基本满意 BASICALLY_SATISFIED_WEIGHT, 不满意 0, over the cases rated; the weight is read when
    counting, so a new setting applies at once (and the definitions print it)."""
    for answer in ("satisfied", "basically", "unsatisfied"):
        world.rated(answer)

    # (1 + 0.8 + 0) / 3 = 0.6
    expect(world.rates(), rated=3, satisfied=1, basically=1, unsatisfied=1, satisfaction_rate=0.6)

    app.config["BASICALLY_SATISFIED_WEIGHT"] = 0.5
    # (1 + 0.5 + 0) / 3 = 0.5
    expect(world.rates(), satisfaction_rate=0.5)
    assert "0.5" in str(definitions()[2]["text"])


# --- what is not counted ------------------------------------------------------------------------------------

def test_rejected_and_duplicate_cases_count_only_in_volume(world):
    """A rejected case counts in the volume and the rejected count; a duplicate in the volume only (its original
    counts). Neither is in the response, resolution or satisfaction counts, whatever happened before."""
    original = world.accepted()  # acknowledged at 0:00
    duplicate = world.escalated()
    turned_away = world.file()  # rejected before it reached the chief
    refused = world.escalated()  # rejected by the chief after its escalation
    given_up = world.rated("unsatisfied")  # 不满意 reopened it; then the chief rejected it
    world.at(minutes=20)
    world.take("chief", Step.MERGE, duplicate, duplicate_of=original, note="同一处堆物")
    for report_id in (turned_away, refused, given_up):
        world.take("chief", Step.REJECT, report_id, note="不在本街道管辖范围")

    world.at(days=RESOLUTION_DAYS + 1)
    # Volume 5, of which 3 rejected. Response: the original only, acknowledged in time: 1 / 1.
    # Resolution: the original, open and 8 days old: 0 / 1. Satisfaction: nothing rated.
    wanted = dict(cases=5, rejected=3, response_due=1, response_on_time=1, resolution_due=1, resolved=0,
                  rated=0, unsatisfied=0)
    counted = {name: value for name, value in world.rates().as_dict().items() if name in wanted}
    assert counted == wanted, (
        "metrics.py says 'Rejected cases count only in volume and the rejected count', yet rate_columns() "
        "counts cases the chief rejected after their escalation in response_due/response_on_time, and a case "
        "rejected after 不满意 reopened it in `unsatisfied` (its `counted` condition leaves out duplicates "
        f"only, not rejected cases): got {counted}, expected {wanted}")


# --- periods and scopes ------------------------------------------------------------------------------------

def test_a_case_counts_on_its_beijing_day_of_receipt(world):
    """Periods are Beijing dates: 23:30 and 00:30 in Beijing are two days, though the same day in UTC. A case
    counts in the period it was received in, as it stands now."""
    world.clock.now = datetime(2026, 11, 4, 15, 30, tzinfo=timezone.utc)  # 23:30 on 4 November in Beijing
    evening = world.resolved()
    world.clock.now = datetime(2026, 11, 4, 16, 30, tzinfo=timezone.utc)  # 00:30 on 5 November in Beijing
    world.file()

    fourth, fifth = Period(date(2026, 11, 4), date(2026, 11, 4)), Period(date(2026, 11, 5), date(2026, 11, 5))
    assert (world.rates(fourth).cases, world.rates(fifth).cases) == (1, 1)
    assert Period.last(2, date(2026, 11, 5)) == Period(date(2026, 11, 4), date(2026, 11, 5))
    assert world.rates(Period.last(2, date(2026, 11, 5))).cases == 2
    assert fifth.previous() == fourth and Period.last(7, DAY).previous() == Period(date(2026, 10, 22),
                                                                                   date(2026, 10, 28))

    world.at(days=10)
    world.verdict(evening, "satisfied")  # confirmed ten days later: the 4th's case, resolved as it stands now
    expect(world.rates(fourth), cases=1, resolution_due=1, resolved=1, satisfied=1)


def test_scope_by_street_alley_category_and_department(world):
    """A Scope narrows the cases to streets, an alley, a category, a department (the cases whistled to it);
    breakdown() gives the rates per street, alley, category or department, most cases first."""
    first = world.accepted("piled_goods", alley=0)
    world.whistle(first, "urban_management")
    second = world.accepted("noise", alley=1)
    world.whistle(second, "police", "urban_management")
    world.file("piled_goods", alley=0)
    world.file("piled_goods", who="neighbour", lonlat=OUTSIDE_ALLEYS)  # the other street, on no alley
    demo, other = world.street.id, world.elsewhere.id
    alley0, alley1 = world.alleys[0].id, world.alleys[1].id

    assert world.rates().cases == 4
    assert world.rates(street_ids=(demo,)).cases == 3
    assert world.rates(street_ids=(other,)).cases == 1
    assert world.rates(street_ids=(demo, other)).cases == 4
    assert world.rates(alley_id=alley0).cases == 2
    assert world.rates(category_id=category("noise")).cases == 1
    assert world.rates(category_id=category("piled_goods")).cases == 3
    assert world.rates(department_id=department("urban_management")).cases == 2
    assert world.rates(department_id=department("police")).cases == 1
    assert world.rates(street_ids=(other,), alley_id=alley0).cases == 0

    def rows(dimension):
        return [(row.key, row.label, row.rates.cases) for row in breakdown(dimension, Scope(), NOVEMBER, world.clock())]

    assert rows("street") == [(demo, world.street.name, 3), (other, world.elsewhere.name, 1)]
    assert rows("alley") == [(alley0, world.alleys[0].name, 2), (alley1, world.alleys[1].name, 1)]  # none: no row
    assert rows("category") == [(category("piled_goods"), "堆物堆料", 3), (category("noise"), "噪音", 1)]
    assert rows("department") == [(department("urban_management"), "城管执法", 2), (department("police"), "公安", 1)]
    assert [row.rates.cases for row in breakdown("alley", Scope(street_ids=(other,)), NOVEMBER, world.clock())] == []

"""What stewards and teams achieved, counted from the case files: handled on the spot (劝导), passed up to the street
chief, and of those, resolved and confirmed by the reporter. Each figure counts on the Beijing day it happened, and
a team counts its members' work while they were in it, each case once."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from tests.factories import alleys_of, demo_street, make_user
from tests.services.cases.test_reports import on_alley, report_at
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Role, TeamMembership, User
from webapp.services.cases.reports import submit_report
from webapp.services.cases.transitions import Step, transition
from webapp.services.organizing.teams import add_to_team, create_team
from webapp.services.places.claims import claim_alley
from webapp.services.volunteers.achievements import (Achievements, Period, team_achievements, volunteer_achievements,
                                                    year_period)

MARCH = datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


@dataclass
class Street:
    clock: Clock
    alley: object
    wang: User  # a steward of the alley
    li: User  # another steward of the alley
    resident: User
    chief: User
    officer: User
    organizer: User

    def at(self, moment: datetime) -> None:
        self.clock.now = moment

    def reported(self, by: User | None = None, category: str = "piled_goods") -> int:
        return submit_report(by or self.resident, report_at(*on_alley(self.alley), category=category)).id

    def handled_on_the_spot(self, steward: User) -> int:
        case = self.reported()
        transition(steward, case, Step.HANDLE_ON_SPOT, note="劝导店主把纸箱搬回店里")
        return case

    def passed_up(self, steward: User, by: User | None = None) -> int:
        case = self.reported(by)
        transition(steward, case, Step.ESCALATE)
        return case

    def resolved(self, case: int, verdict: str | None = "satisfied", by: User | None = None) -> None:
        """The chief accepts and whistles, the department reports on site and finishes, the chief resolves, and
        the reporter answers (unless verdict is None)."""
        transition(self.chief, case, Step.ACCEPT)
        transition(self.chief, case, Step.WHISTLE, departments=("urban_management",))  # the officer's (城管执法)
        transition(self.officer, case, Step.REPORT_ON_SITE)
        transition(self.officer, case, Step.FINISH_PART)
        transition(self.chief, case, Step.RESOLVE, note="已清理")
        if verdict:
            transition(by or self.resident, case, Step.VERDICT, satisfaction=verdict)


@pytest.fixture
def street(app):
    clock = Clock(MARCH)
    app.extensions["clock"] = clock
    alley = alleys_of(demo_street())[0]
    people = {name: make_user(role, name=name) for name, role in (
        ("王师傅", Role.STEWARD), ("李阿姨", Role.STEWARD), ("居民", Role.RESIDENT), ("街巷长", Role.CHIEF),
        ("城管", Role.OFFICER), ("组织者", Role.ORGANIZER))}
    wang, li, resident, chief, officer, organizer = people.values()
    claim_alley(wang, alley.id)
    claim_alley(li, alley.id)
    return Street(clock, alley, wang, li, resident, chief, officer, organizer)


def a_year_of_work(s: Street) -> dict[str, int]:
    """The cases behind the figures the tests expect; returns when the team below changed."""
    s.at(datetime(2024, 12, 31, 15, 0, tzinfo=timezone.utc))  # 23:00 on 31 December in Beijing: 2024
    s.handled_on_the_spot(s.wang)
    s.at(datetime(2024, 12, 31, 17, 0, tzinfo=timezone.utc))  # 01:00 on 1 January in Beijing: 2025
    s.handled_on_the_spot(s.wang)
    s.at(MARCH)
    s.resolved(s.passed_up(s.wang))  # passed up, resolved, confirmed: both count
    s.at(MARCH + timedelta(hours=1))
    hazard = s.reported(by=s.li, category="fire_hazard")  # a safety hazard goes up at once: Li passed it up
    s.resolved(hazard, "unsatisfied", by=s.li)  # 不满意: reopened, not confirmed
    s.at(MARCH + timedelta(hours=3))
    reopened = s.passed_up(s.li)
    s.resolved(reopened)
    transition(s.chief, reopened, Step.REOPEN, note="又堆上了")  # confirmed once, reopened since: not confirmed
    s.at(MARCH + timedelta(hours=4))
    late = s.passed_up(s.wang)
    s.at(datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc))
    s.resolved(late)  # passed up in 2025, confirmed in 2026
    s.at(MARCH + timedelta(days=1))
    s.reported()  # a resident's report nobody has touched: counts for nobody
    return {"li joined": MARCH + timedelta(hours=2), "li left": MARCH + timedelta(days=30)}


def test_each_figure_counts_in_the_beijing_year_it_happened(street):
    a_year_of_work(street)
    wang, li = street.wang.id, street.li.id
    by_year = {year: volunteer_achievements([wang, li, street.resident.id], year_period(year))
               for year in (2024, 2025, 2026)}
    assert by_year[2024][wang] == Achievements(on_the_spot=1)
    assert by_year[2025][wang] == Achievements(on_the_spot=1, escalated=2, confirmed=1)
    assert by_year[2025][li] == Achievements(escalated=2, confirmed=0)
    assert by_year[2026][wang] == Achievements(confirmed=1)
    assert all(by_year[y][street.resident.id] == Achievements() for y in by_year)  # reporting alone is no figure


def test_a_chosen_period_counts_its_days_only(street):
    a_year_of_work(street)
    first_of_january = volunteer_achievements([street.wang.id], Period(date(2025, 1, 1), date(2025, 1, 1)))
    assert first_of_january[street.wang.id] == Achievements(on_the_spot=1)
    march = volunteer_achievements([street.wang.id, street.li.id], Period(date(2025, 3, 1), date(2025, 3, 31)))
    assert march == {street.wang.id: Achievements(escalated=2, confirmed=1), street.li.id: Achievements(escalated=2)}


def test_a_team_counts_its_members_work_while_they_were_in_it_and_each_case_once(street):
    changed = a_year_of_work(street)
    team = create_team(street.organizer, street.alley.street_id, "南锣老街坊")
    for steward in (street.wang, street.li):
        add_to_team(street.organizer, team.id, steward.id)
    # Wang has been in the team all along; Li joined after passing up the hazard, and has left since.
    db.session.execute(db.update(TeamMembership).where(TeamMembership.user_id == street.wang.id)
                       .values(joined_at=datetime(2024, 1, 1, tzinfo=timezone.utc)))
    db.session.execute(db.update(TeamMembership).where(TeamMembership.user_id == street.li.id)
                       .values(joined_at=changed["li joined"], left_at=changed["li left"]))
    db.session.commit()
    got = team_achievements(team.id, year_period(2025))
    assert got.of(street.wang.id) == Achievements(on_the_spot=1, escalated=2, confirmed=1)
    assert got.of(street.li.id) == Achievements(escalated=1)  # the reopened case, not the hazard
    assert got.total == Achievements(on_the_spot=1, escalated=3, confirmed=1)
    assert team_achievements(team.id, year_period(2024)).total == Achievements(on_the_spot=1)


def test_counting_takes_one_query_whatever_the_number_of_volunteers(street):
    a_year_of_work(street)
    few = [street.wang.id, street.li.id]
    many = few + [make_user(Role.STEWARD).id for _ in range(20)]
    counts = []
    for ids in (few, many):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = volunteer_achievements(ids, year_period(2025))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
        assert found[street.wang.id].escalated == 2 and len(found) == len(ids)
    assert counts == [1, 1]

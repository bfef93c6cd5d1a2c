"""The monthly scorecard of a street's departments: the chief's scores beside the measured on-site and resolution
rates, worked out by hand on a small history of November cases (and one of October, which must not count)."""
from datetime import date, timedelta

from tests.services.cases.test_department_scores import whistle_of
from tests.services.performance.test_metrics import NOVEMBER, World, world  # noqa: F401  (world: the fixture)
from webapp.extensions import db
from webapp.models import Report
from webapp.services.cases.department_scores import ScoreInput, score_department
from webapp.services.cases.transitions import Step
from webapp.services.performance.dashboard import Scope, breakdown
from webapp.services.performance.scorecard import month_period, scorecard

OFFICERS = {"urban_management": "urban", "police": "police"}


def case(world: World, on_site_after: dict, then=None) -> Report:
    """Accepted and whistled now; each department reports on site that many minutes after the whistle (the
    deadline is 30), finishes, and the chief resolves the case an hour later."""
    report_id = world.accepted()
    start = world.clock.now
    world.whistle(report_id, *on_site_after)
    for code, minutes in sorted(on_site_after.items(), key=lambda item: item[1]):
        world.clock.now = start + timedelta(minutes=minutes)
        world.take(OFFICERS[code], Step.REPORT_ON_SITE, report_id)
    for code in on_site_after:
        world.take(OFFICERS[code], Step.FINISH_PART, report_id)
    world.clock.now = start + timedelta(hours=1)
    world.resolve(report_id)
    return db.session.get(Report, report_id)


def score(world: World, report: Report, code: str, *marks: int) -> None:
    score_department(world.people["chief"], report.id, ScoreInput(whistle_of(report, code).id, *marks))


def test_the_scorecard_of_a_small_month_worked_out_by_hand(world):
    world.at(days=-10)  # 25 October: not November's
    october = case(world, {"urban_management": 5})
    score(world, october, "urban_management", 1, 1, 1)

    world.at(days=1)
    a = case(world, {"urban_management": 10, "police": 45})  # urban in time, police late
    score(world, a, "urban_management", 5, 4, 5)
    score(world, a, "police", 3, 2, 4)
    world.verdict(a.id, "satisfied")  # confirmed: resolved, stands

    world.at(days=2)
    b = case(world, {"urban_management": 20})  # in time; resolved, no verdict yet: waits outside the count
    score(world, b, "urban_management", 1, 1, 1)
    score(world, b, "urban_management", 4, 4, 3)  # corrected: only this version counts

    world.at(days=3)
    c = case(world, {"urban_management": 31})  # late
    score(world, c, "urban_management", 2, 3, 1)
    world.verdict(c.id, "unsatisfied")  # reopened: open again, due for resolution once 7 days old

    now = world.at(days=11)  # C is 8 days old; B's verdict window (3 days) ran out but nobody closed it: awaiting
    card = scorecard(world.street.id, date(2026, 11, 17), now)
    assert card["period"] == NOVEMBER
    rows = {row.name: row.as_dict() for row in card["rows"]}
    assert list(rows) == ["城管执法", "公安"]  # most cases first

    # 城管执法: whistles A (10 min), B (20), C (31 > 30): 2 of 3 on site in time. Cases A (confirmed: resolved),
    # B (awaiting its verdict: not counted), C (reopened, 8 days old: due, not resolved): 1 of 2.
    # Scores A (5,4,5), B (4,4,3, the correction), C (2,3,1): on time 11/3, attitude 11/3, result 9/3;
    # average of the three (11/3 + 11/3 + 3) / 3 = 31/9.
    urban = rows["城管执法"]
    assert {k: v for k, v in urban.items() if k != "department_id"} == {
        "name": "城管执法", "whistles_due": 3, "on_site_in_time": 2, "on_site_rate": 0.6667, "cases": 3,
        "resolution_due": 2, "resolved": 1, "resolution_rate": 0.5, "scored": 3, "avg_on_time": 3.67,
        "avg_attitude": 3.67, "avg_result": 3.0, "avg_score": round(31 / 9, 2)}

    # 公安: whistle A at 45 min: 0 of 1. Case A resolved: 1 of 1. One score (3,2,4).
    police = rows["公安"]
    assert (police["whistles_due"], police["on_site_in_time"], police["on_site_rate"]) == (1, 0, 0.0)
    assert (police["cases"], police["resolution_due"], police["resolved"], police["resolution_rate"]) == (1, 1, 1, 1.0)
    assert (police["scored"], police["avg_on_time"], police["avg_attitude"], police["avg_result"],
            police["avg_score"]) == (1, 3.0, 2.0, 4.0, 3.0)

    # The street: 4 whistles, 2 in time; its 3 whistled cases counted once each (A resolved, C due): 1 of 2;
    # 4 scores: on time (5+4+2+3)/4, attitude (4+4+3+2)/4, result (5+3+1+4)/4, average (3.5+3.25+3.25)/3.
    total = card["total"].as_dict()
    assert (total["whistles_due"], total["on_site_in_time"], total["on_site_rate"]) == (4, 2, 0.5)
    assert (total["cases"], total["resolution_due"], total["resolved"], total["resolution_rate"]) == (3, 2, 1, 0.5)
    assert (total["scored"], total["avg_on_time"], total["avg_attitude"], total["avg_result"],
            total["avg_score"]) == (4, 3.5, 3.25, 3.25, 3.33)


def test_the_rates_are_the_dashboards_own(world):
    """One place for each rule: the scorecard's rates are the dashboard's per-department breakdown, unchanged."""
    world.at(days=1)
    a = case(world, {"urban_management": 10, "police": 40})
    world.verdict(a.id, "basically")
    now = world.at(days=2)
    card = scorecard(world.street.id, date(2026, 11, 1), now)
    dashboard = {row.key: row.rates for row in breakdown("department", Scope(street_ids=(world.street.id,)),
                                                        NOVEMBER, now)}
    assert {row.department_id: row.rates for row in card["rows"]} == dashboard


def test_a_month_without_whistles_and_another_streets_cases(world):
    world.at(days=1)
    a = case(world, {"urban_management": 10})
    score(world, a, "urban_management", 5, 5, 5)
    now = world.at(days=2)
    empty = scorecard(world.elsewhere.id, date(2026, 11, 1), now)  # the other street: nothing of this one's
    assert empty["rows"] == [] and empty["total"].as_dict()["scored"] == 0
    assert empty["total"].as_dict()["avg_score"] is None and empty["total"].as_dict()["on_site_rate"] is None
    assert scorecard(world.street.id, date(2026, 12, 1), now)["rows"] == []


def test_a_month_is_its_first_to_last_day():
    assert (month_period(date(2026, 2, 14)).start, month_period(date(2026, 2, 14)).end) == (date(2026, 2, 1),
                                                                                           date(2026, 2, 28))
    assert month_period(date(2028, 2, 1)).end == date(2028, 2, 29)

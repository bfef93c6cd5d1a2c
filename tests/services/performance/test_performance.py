"""Street performance beyond the rates: series over time, the street ranking, hotspots, the heat grid, overdue
whistles, coverage, the dashboard's JSON, and the facts `flask metrics rebuild` writes.

The cases come from the `world` of test_metrics.py: real steps under a test clock that also stamps new reports.
"""
import json
from datetime import date, datetime, time, timedelta, timezone

from geoalchemy2.shape import from_shape
from shapely.geometry import MultiLineString

from tests.factories import make_user
from tests.services.performance.test_metrics import (DAY, NOVEMBER, OUTSIDE_ALLEYS, START, WHISTLE_MINUTES, World, expect,
                                         facts_of, world)  # noqa: F401  (world: the fixture)
from tests.services.places.test_patrols import patrol_of, walk_along
from tests.services.cases.test_reports import on_alley
from webapp.clock import BEIJING
from webapp.extensions import db
from webapp.models import Alley, CaseFacts, Role
from webapp.models.reports import as_utc
from webapp.services.places.claims import claim_alley, leave_alley
from webapp.services.places.patrols import record_patrol
from webapp.services.performance.dashboard import (Period, Scope, breakdown, coverage, dashboard, district_ranking, heat,
                                         hotspots, overdue_whistles, series, totals)
from webapp.services.cases.transitions import Step, close_unrated_cases

RATES = {"cases", "response_due", "response_on_time", "response_rate", "resolution_due", "resolved",
         "resolution_rate", "rated", "satisfied", "basically", "unsatisfied", "unrated", "satisfaction_rate",
         "rejected"}


def beijing(day: date, hour: int = 12) -> datetime:
    """That hour of that day in Beijing, as the UTC moment the clock holds."""
    return datetime.combine(day, time(hour), BEIJING).astimezone(timezone.utc)


def file_on(world: World, *days: date) -> None:
    """One case filed at noon (Beijing) on each of the days."""
    for day in days:
        world.clock.now = beijing(day)
        world.file()


def counts(buckets) -> list[tuple[date, int]]:
    return [(start, rates.cases) for start, rates in buckets]


def the_other_streets_alleys(world: World, count: int) -> list[Alley]:
    """`count` east-west alleys across the other street (it has none of its own), 111 m apart."""
    alleys = [Alley(street_id=world.elsewhere.id, name=f"测试{i + 1}条", length_m=680.0,
                    geom=from_shape(MultiLineString([[(116.301, 39.801 + 0.001 * i), (116.309, 39.801 + 0.001 * i)]]),
                                    srid=4326))
              for i in range(count)]
    db.session.add_all(alleys)
    db.session.commit()
    return alleys


# --- over time --------------------------------------------------------------------------------------------

def test_series_by_day_week_and_month_lists_every_bucket_empty_ones_too(world):
    """series() gives the rates per day, week or month of receipt, for every bucket of the period even without
    cases; a week is named by its Monday, a month by its first day; a bucket counts only the period's days."""
    file_on(world, date(2026, 10, 30), date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 4), date(2026, 11, 10))
    now = world.at(days=30)

    week_of_2nd = Period(date(2026, 11, 2), date(2026, 11, 8))  # Monday to Sunday
    assert counts(series(Scope(), week_of_2nd, "day", now)) == [
        (date(2026, 11, 2), 1), (date(2026, 11, 3), 0), (date(2026, 11, 4), 2), (date(2026, 11, 5), 0),
        (date(2026, 11, 6), 0), (date(2026, 11, 7), 0), (date(2026, 11, 8), 0)]

    # From Wednesday the 4th: the first week is Monday the 2nd's, holding only the 4th's two cases.
    assert counts(series(Scope(), Period(date(2026, 11, 4), date(2026, 11, 15)), "week", now)) == [
        (date(2026, 11, 2), 2), (date(2026, 11, 9), 1)]

    buckets = series(Scope(), Period(date(2026, 9, 15), date(2026, 11, 30)), "month", now)
    assert counts(buckets) == [(date(2026, 9, 1), 0), (date(2026, 10, 1), 1), (date(2026, 11, 1), 4)]
    september = buckets[0][1].as_dict()
    assert september["cases"] == 0 and september["resolution_rate"] is None and september["response_rate"] is None


# --- the street ranking --------------------------------------------------------------------------------------

def test_the_street_ranking_lists_quiet_streets_too(world):
    """breakdown('street') ranks every street of the district (of the scope's streets), those without a case
    in the period too, with zero counts and no rates."""
    world.resolved(), world.file()
    rows = breakdown("street", Scope(), NOVEMBER, world.clock())
    assert [(row.key, row.rates.cases) for row in rows] == [(world.street.id, 2), (world.elsewhere.id, 0)]
    quiet = rows[1].rates.as_dict()
    assert quiet["resolution_rate"] is None and quiet["satisfaction_rate"] is None

    only_quiet = breakdown("street", Scope(street_ids=(world.elsewhere.id,)), NOVEMBER, world.clock())
    assert [(row.key, row.label, row.rates.cases) for row in only_quiet] == [(world.elsewhere.id, "别的街道", 0)]


def test_the_district_ranking_is_counted_once_a_minute_and_shared(world, app):
    """district_ranking(): the same for every viewer, so counted at most once per RANKING_CACHE_SECONDS and
    kept with the time it was counted; a later clock counts it again; 0 counts it every time."""
    world.file()
    now = world.at(hours=1)
    first = district_ranking(NOVEMBER, now)
    assert first["as_of"] == now.isoformat() and first["rows"][0]["cases"] == 1

    world.file()  # a second case, within the minute: the ranking shown is the one counted at `now`
    assert district_ranking(NOVEMBER, now + timedelta(seconds=59)) == first
    later = now + timedelta(seconds=60)
    assert district_ranking(NOVEMBER, later) == {"rows": breakdown_json(world, later), "as_of": later.isoformat()}
    assert district_ranking(NOVEMBER, later)["rows"][0]["cases"] == 2
    assert district_ranking(Period(date(2026, 11, 2), date(2026, 11, 30)), later)["as_of"] == later.isoformat()

    app.config["RANKING_CACHE_SECONDS"] = 0
    world.file()
    assert district_ranking(NOVEMBER, later)["rows"][0]["cases"] == 3


def breakdown_json(world: World, now: datetime) -> list[dict]:
    return [{"id": row.key, "name": row.label, **row.rates.as_dict()} for row in breakdown("street", Scope(), NOVEMBER, now)]


# --- hotspots and the heat map ---------------------------------------------------------------------------------

def test_hotspots_are_the_top_ten_alleys_by_new_cases_with_the_previous_periods_count(world):
    """hotspots(): at most 10 alleys, most new cases first, each with its count in the period before (the same
    number of days just before) and the change."""
    extra = the_other_streets_alleys(world, 5)  # 7 demo alleys + 5 = 12 alleys
    period = Period(date(2026, 11, 5), date(2026, 11, 11))  # previous: 29 October to 4 November
    world.clock.now = beijing(date(2026, 11, 1))  # the previous period: alley 0 once, alley 1 three times
    for alley in (0, 1, 1, 1):
        world.file(alley=alley)
    world.clock.now = beijing(date(2026, 11, 6))  # this period: alley 0 three times, every other alley once
    for alley in (0, 0, 0, 1, 2, 3, 4, 5, 6):
        world.file(alley=alley)
    for alley in extra:
        world.file(who="neighbour", lonlat=on_alley(alley))

    found = hotspots(Scope(), period)
    assert len(found) == 10
    busiest, second = found[0], found[1]
    assert busiest == {"alley_id": world.alleys[0].id, "name": world.alleys[0].name, "street": world.street.name,
                       "cases": 3, "previous": 1, "change": 2}  # 3 - 1
    assert (second["alley_id"], second["cases"], second["previous"], second["change"]) == (
        world.alleys[1].id, 1, 3, -2)  # 1 - 3; ties (one case each) in the order of the alleys
    assert [spot["cases"] for spot in found] == [3] + [1] * 9

    theirs = hotspots(Scope(street_ids=(world.elsewhere.id,)), period)
    assert [(spot["alley_id"], spot["street"], spot["change"]) for spot in theirs] == [
        (alley.id, "别的街道", 1) for alley in extra]
    assert hotspots(Scope(), Period(date(2026, 12, 1), date(2026, 12, 7))) == []


def test_the_heat_grid_counts_every_case_once(world):
    """heat(): cases counted on a grid of about 100 m; the counts add up to the cases of the period."""
    for alley in (0, 0, 0, 3):
        world.file(alley=alley)
    world.file(who="neighbour", lonlat=OUTSIDE_ALLEYS)
    world.take("chief", Step.REJECT, world.file(alley=3), note="重复")  # rejected: still a case received

    grid = heat(Scope(), NOVEMBER)
    assert grid["cell_m"] == 100 and grid["max"] == 3
    assert sum(count for _, _, count in grid["points"]) == totals(Scope(), NOVEMBER, world.clock()).cases == 6
    lat, lon, count = max(grid["points"], key=lambda point: point[2])
    lon0, lat0 = on_alley(world.alleys[0])  # where the three cases of alley 0 are: within half a cell
    assert count == 3 and abs(lat - lat0) <= 0.0005 and abs(lon - lon0) <= 0.0005
    assert heat(Scope(street_ids=(world.elsewhere.id,)), NOVEMBER)["points"] == [[39.805, 116.305, 1]]
    assert heat(Scope(), Period(date(2026, 12, 1), date(2026, 12, 1))) == {"cell_m": 100, "max": 0, "points": []}


# --- overdue whistles ----------------------------------------------------------------------------------------

def test_overdue_whistles_are_those_not_on_site_past_their_deadline(world):
    """overdue_whistles(): each whistle not reported on site past its deadline, now, the longest overdue first;
    not one whose department is on site (even late), nor one not yet due."""
    forgotten = world.accepted()  # whistled at 0:00, due 0:30, nobody comes
    world.whistle(forgotten, "urban_management")
    noise = world.accepted("noise", alley=1)  # whistled at 0:00: 城管执法 comes at 0:10, 公安 does not
    world.whistle(noise)
    late = world.accepted()  # whistled at 0:00, on site at 0:40: late, but there
    world.whistle(late, "urban_management")
    world.at(minutes=10)
    world.take("urban", Step.REPORT_ON_SITE, noise)
    world.at(minutes=40)
    world.take("urban", Step.REPORT_ON_SITE, late)
    world.at(minutes=45)
    fresh = world.accepted()  # whistled at 0:45, due 1:15
    world.whistle(fresh, "urban_management")

    now = world.at(hours=1)
    overdue = overdue_whistles(Scope(), now)
    assert [(row["report_id"], row["department"], row["minutes_overdue"]) for row in overdue] == [
        (forgotten, "城管执法", 30), (noise, "公安", 30)]  # 1:00 - 0:30
    police = overdue[1]
    assert (police["category"], police["alley"], police["street"]) == ("噪音", world.alleys[1].name, world.street.name)
    assert overdue_whistles(Scope(street_ids=(world.elsewhere.id,)), now) == []
    assert [row["report_id"] for row in overdue_whistles(Scope(), now + timedelta(hours=1))] == [
        forgotten, noise, fresh]  # at 2:00, fresh is late too

    # The deadline as JSON: the same moment, with its offset, on both engines.
    due = START + timedelta(minutes=WHISTLE_MINUTES)
    stated = datetime.fromisoformat(police["due_at"])
    assert stated.tzinfo is not None and stated == due, (
        f"due_at is {police['due_at']!r}: overdue_whistles() writes whistle.due_at.isoformat() as the engine gives "
        "it back; SQLite gives naive datetimes, so the JSON loses its offset there (a browser reads a time "
        "without offset as local time, 8 hours off in Beijing). as_utc(whistle.due_at).isoformat() gives "
        f"{due.isoformat()!r} on both engines")


# --- coverage --------------------------------------------------------------------------------------------

def test_coverage_counts_claimed_alleys_and_alleys_patrolled_in_the_last_patrol_gap_days(world, app):
    """coverage(): per street, its alleys, those a steward holds (open claims) and those a patrol covered in the
    last PATROL_GAP_DAYS. Patrols are recorded through the patrols service, as stewards walk them."""
    steward, alleys = world.people["steward"], world.alleys  # holds alley 0 (the world's claim)
    claim_alley(steward, alleys[1].id)
    walked, _ = record_patrol(steward, patrol_of(alleys[0], walk_along(alleys[0])))  # covers alley 0
    halfway, _ = record_patrol(steward, patrol_of(alleys[1], walk_along(alleys[1], share=0.5)))  # does not
    assert walked.covered and not halfway.covered
    gone = make_user(Role.STEWARD)  # held alley 2 for a while: no longer claimed
    claim_alley(gone, alleys[2].id)
    leave_alley(gone, alleys[2].id)

    finished = as_utc(walked.finished_at)
    days = app.config["PATROL_GAP_DAYS"]
    row = {"street_id": world.street.id, "name": world.street.name, "alleys": 7, "claimed": 2, "patrolled": 1,
           "claimed_share": round(2 / 7, 4), "patrolled_share": round(1 / 7, 4)}
    assert coverage((world.street.id,), finished + timedelta(hours=1)) == [row]
    assert coverage((world.street.id,), finished + timedelta(days=days)) == [row]  # the last day of the gap
    assert coverage((world.street.id,), finished + timedelta(days=days, minutes=1)) == [
        row | {"patrolled": 0, "patrolled_share": 0.0}]
    quiet = [r for r in coverage(None, finished) if r["street_id"] != world.street.id]
    assert [(r["alleys"], r["claimed_share"]) for r in quiet] == [(0, None)]  # a street without alleys shows as such


# --- the dashboard ------------------------------------------------------------------------------------------

def test_the_dashboard_holds_every_key_of_the_contract(world):
    """dashboard() returns the JSON of /work/notes/perf_contract.md: every key, every list's items, JSON-ready;
    its ranking of streets covers the district whatever street the scope is."""
    noise = world.accepted("noise")
    world.whistle(noise)  # nobody comes: overdue
    world.rated("basically")
    world.file(who="neighbour", lonlat=OUTSIDE_ALLEYS)
    now = world.at(hours=2)
    viewable = [{"id": world.street.id, "name": world.street.name}]
    period = Period.last(30, DAY)

    data = json.loads(json.dumps(dashboard(Scope(street_ids=(world.street.id,)), period, "week", now, viewable)))
    assert set(data) == {"scope", "period", "settings", "definitions", "totals", "previous_totals", "series",
                         "categories", "departments", "alleys", "communities", "streets", "hotspots", "overdue", "coverage",
                         "streets_as_of", "generated_at"}
    assert data["scope"] == {"street": viewable[0], "streets": viewable}
    assert data["period"] == {"from": "2026-10-06", "to": "2026-11-04", "days": 30, "bucket": "week",
                              "previous": {"from": "2026-09-06", "to": "2026-10-05"}}
    assert data["settings"] == {"acknowledge_hours": 2, "resolution_days": 7, "basically_weight": 0.8,
                                "verdict_days": 3, "patrol_days": 7}
    assert [d["key"] for d in data["definitions"]] == ["response", "resolution", "satisfaction"]
    assert all(set(d) == {"key", "title", "text"} and d["text"] for d in data["definitions"])
    assert set(data["totals"]) == set(data["previous_totals"]) == RATES
    assert data["totals"]["cases"] == 2 and data["previous_totals"]["cases"] == 0  # the demo street's only
    assert all(set(bucket) == RATES | {"start"} for bucket in data["series"])
    assert data["series"][0]["start"] == "2026-10-05"  # the Monday of the period's first week
    for key, extra in (("categories", {"id", "code", "name"}), ("departments", {"id", "code", "name"}),
                       ("alleys", {"id", "name"}), ("streets", {"id", "name"})):
        assert data[key] and all(set(item) == RATES | extra for item in data[key]), key
    assert [s["id"] for s in data["streets"]] == [world.street.id, world.elsewhere.id]
    assert data["streets_as_of"] == data["generated_at"] == now.isoformat()
    assert all(set(spot) == {"alley_id", "name", "street", "cases", "previous", "change"} for spot in data["hotspots"])
    assert data["hotspots"] and data["overdue"] and data["coverage"]
    assert all(set(item) == {"report_id", "department", "category", "alley", "street", "due_at", "minutes_overdue"}
               for item in data["overdue"])
    assert all(set(item) == {"street_id", "name", "alleys", "claimed", "patrolled", "claimed_share",
                             "patrolled_share"} for item in data["coverage"])
    assert datetime.fromisoformat(data["generated_at"]) == now

    everywhere = dashboard(Scope(), period, "day", now, viewable)
    assert everywhere["scope"]["street"] is None and everywhere["totals"]["cases"] == 3


# --- the facts, rebuilt ----------------------------------------------------------------------------------------

def every_fact() -> dict:
    db.session.expire_all()
    return {row.report_id: facts_of(row.report_id) for row in db.session.scalars(db.select(CaseFacts))}


def rebuild(app) -> str:
    result = app.test_cli_runner().invoke(args=["metrics", "rebuild"])
    assert result.exit_code == 0, result.output
    return result.output


def a_case_of_every_kind(world: World) -> None:
    """Cases through every step the facts record: on the spot, whistles on site in time and late, verdicts of
    each kind, reopened, closed unrated, rejected, merged, a safety hazard nobody acknowledged."""
    world.take("steward", Step.HANDLE_ON_SPOT, world.file(), note="已劝导")
    noise = world.accepted("noise")
    world.whistle(noise)
    world.at(minutes=10)
    world.take("urban", Step.REPORT_ON_SITE, noise)
    world.at(minutes=50)
    world.take("police", Step.REPORT_ON_SITE, noise)
    for officer in ("urban", "police"):
        world.take(officer, Step.FINISH_PART, noise)
    world.resolve(noise)
    world.verdict(noise, "basically")
    world.rated("satisfied")
    world.rated("unsatisfied")  # reopened
    silent = world.resolved()
    original = world.accepted()
    world.take("chief", Step.MERGE, world.escalated(), duplicate_of=original, note="同一处")
    world.take("chief", Step.REJECT, world.file(), note="不归本街道")
    world.file("gas_hazard")
    world.at(days=3, hours=1)
    assert close_unrated_cases() == [silent]


def test_flask_metrics_rebuild_writes_the_facts_the_steps_wrote(world, app):
    """`flask metrics rebuild` writes every case's facts anew: the same as each step wrote them."""
    a_case_of_every_kind(world)
    written = every_fact()
    assert len(written) == 9

    db.session.execute(db.delete(CaseFacts))
    db.session.commit()
    assert "case facts written for 9 cases" in rebuild(app)
    assert every_fact() == written


def test_a_rebuild_applies_changed_settings(world, app):
    """After ACKNOWLEDGE_HOURS or RESOLUTION_DAYS change, a rebuild moves the stored deadlines."""
    slow = world.escalated()
    world.at(hours=2, minutes=30)
    world.take("chief", Step.ACCEPT, slow)  # 2 h 30 after the escalation: late under 2 hours
    world.at(days=6)
    # Late (acknowledged 2:30 > 2:00); open 6 days of 7: not due.
    expect(world.rates(), response_due=1, response_on_time=0, resolution_due=0)

    app.config["ACKNOWLEDGE_HOURS"], app.config["RESOLUTION_DAYS"] = 3, 5
    expect(world.rates(), response_on_time=0, resolution_due=0)  # the stored deadlines hold until the rebuild
    rebuild(app)
    # In time (2:30 <= 3:00); open past 5 days: due.
    expect(world.rates(), response_due=1, response_on_time=1, resolution_due=1)


def test_merging_into_an_escalated_case_keeps_its_facts_as_a_rebuild_would_write_them(world, app):
    """The merge writes the chief's 'merged_in' event into the original's file. The facts of the original must
    be the same whether the steps wrote them or a rebuild did."""
    original, duplicate = world.escalated(), world.escalated()  # escalated at 0:00, nobody acknowledges
    world.at(minutes=30)
    world.take("chief", Step.MERGE, duplicate, duplicate_of=original, note="同一处堆物")
    written = facts_of(original)

    rebuild(app)
    rebuilt = facts_of(original)
    changed = {key: (written[key], rebuilt[key]) for key in written if written[key] != rebuilt[key]}
    assert not changed, (
        "the merge adds an event with role 'chief' to the original's case file, which response_times() takes "
        "as the chief's acknowledgement, but the merge refreshes only the duplicate's facts: the stored facts "
        "of the original (written at its escalation) and the rebuilt ones differ, (step-written, rebuilt): "
        f"{changed}. Either the merge refreshes the original's facts too, or 'merged_in' is no acknowledgement")

"""Acceptance: the street rates of real case histories. 1,000 NYC 311 requests are replayed as cases of one
Dongcheng street through the real services (bench/nyc311.py), and the three rates the dashboard shows
(performance.totals) must equal the ones counted here straight from the CSV, with a plain reading of the rules in
webapp/services/performance/rates.py and of the replay's rules in bench/nyc311.py's docstring.

Slow by nature (about 6,000 steps through the services per engine): see the module's timings in bench/nyc311.py.
"""
import csv
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import BACKENDS, config_for, new_database, shared_data
from webapp import create_app
from webapp.extensions import db
from webapp.models import Department

BEIJING = ZoneInfo("Asia/Shanghai")
STREET = "交道口街道"
NOW = datetime(2019, 9, 10, 12, 0, tzinfo=BEIJING)  # two days after the last request in the file
# The rules' settings, fixed here so that the environment cannot move the expected figures.
ACKNOWLEDGE = timedelta(hours=2)
RESOLUTION = timedelta(days=7)
VERDICT = timedelta(days=3)
WHISTLE = timedelta(minutes=30)  # every kind: the deadline of a whistle whose row has no Due Date
SETTINGS = {"ACKNOWLEDGE_HOURS": 2, "RESOLUTION_DAYS": 7, "VERDICT_DAYS": 3, "BASICALLY_SATISFIED_WEIGHT": 0.8,
            "WHISTLE_MINUTES": {"enforcement": 30, "emergency": 30, "key_work": 30}}
DEPARTMENTS = {"NYPD": "police", "DSNY": "urban_management", "DEP": "urban_management", "DOT": "traffic",
               "TLC": "traffic", "HPD": "housing", "DOF": "housing", "DOB": "planning", "EDC": "planning",
               "DPR": "parks", "DOHMH": "market_regulation", "DCA": "market_regulation", "FDNY": "fire"}


def when(text: str) -> datetime | None:
    """A CSV time, NYC wall clock read as Beijing wall clock."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=BEIJING)


def csv_cases(path) -> tuple[list[dict], Counter]:
    """What each usable row is as a case at NOW, and the rows left out by reason."""
    cases, left_out = [], Counter()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                lon, lat = float(row["Longitude"]), float(row["Latitude"])
            except ValueError:
                left_out["no_location"] += 1
                continue
            received = when(row["Created Date"])
            closing = when(row["Closed Date"]) if row["Status"] == "Closed" else None
            if received is None:
                left_out["no_created_date"] += 1
                continue
            if row["Status"] == "Closed" and closing is None:
                left_out["closed_without_date"] += 1
                continue
            if closing is not None and closing < received:
                left_out["closed_before_created"] += 1
                continue
            assert (lon, lat) != (0, 0) and received <= NOW
            due = when(row["Due Date"])
            deadline = due if due is not None and due > received else received + WHISTLE
            action = when(row["Resolution Action Updated Date"])
            on_site = action if action is not None and action >= received else None
            if closing is not None:
                on_site = closing if on_site is None else min(on_site, closing)
            cases.append({"received": received, "deadline": deadline,
                          "on_site": on_site if on_site is not None and on_site <= NOW else None,
                          "resolved": closing if closing is not None and closing <= NOW else None,
                          "department": DEPARTMENTS.get(row["Agency"].strip(), "urban_management")})
    return cases, left_out


def expected_totals(cases: list[dict]) -> dict:
    """The rates of metrics.py's docstring, counted case by case."""
    response_due = response_on_time = resolution_due = resolved = 0
    for case in cases:
        # Response: the chief's acknowledgement (at receipt, within ACKNOWLEDGE) and the whistle's 报到.
        deadlines = [(case["received"] + ACKNOWLEDGE, case["received"]), (case["deadline"], case["on_site"])]
        if any((met is not None and met <= NOW) or due <= NOW for due, met in deadlines):
            response_due += 1
            # A deadline not met is missed only once it is past (its last instant is still in time).
            missed = any((met is None and due < NOW) or (met is not None and met > due) for due, met in deadlines)
            response_on_time += not missed
        # Resolution: closed "not rated" VERDICT after resolving stands; resolved and waiting is left out;
        # open ones count once RESOLUTION has passed since receipt.
        if case["resolved"] is not None and case["resolved"] + VERDICT <= NOW:
            resolution_due += 1
            resolved += 1
        elif case["resolved"] is None and case["received"] + RESOLUTION <= NOW:
            resolution_due += 1
    rate = lambda part, whole: round(part / whole, 4) if whole else None  # noqa: E731
    return {"cases": len(cases), "response_due": response_due, "response_on_time": response_on_time,
            "response_rate": rate(response_on_time, response_due), "resolution_due": resolution_due,
            "resolved": resolved, "resolution_rate": rate(resolved, resolution_due),
            # NYC has no satisfaction answers: nothing rated, every closed case "not rated".
            "rated": 0, "satisfied": 0, "basically": 0, "unsatisfied": 0, "unrated": resolved,
            "satisfaction_rate": None, "rejected": 0}


def expected_departments(cases: list[dict]) -> dict[str, tuple[int, int]]:
    """Per department: (whistles due, whistles on site by their deadline)."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        mine = counts.setdefault(case["department"], [0, 0, 0])
        mine[0] += 1
        mine[1] += case["on_site"] is not None or case["deadline"] <= NOW
        # On site by the deadline; or not on site, due, and not missed yet: only at the deadline's last instant.
        mine[2] += (case["on_site"] <= case["deadline"] if case["on_site"] is not None
                    else case["deadline"] == NOW)
    return {code: (due, on_time) for code, (_, due, on_time) in counts.items()}


@pytest.fixture(scope="module", params=BACKENDS)
def replayed(request):
    """A fresh database with the Dongcheng streets and the alleys of one street, the CSV replayed into it."""
    path = shared_data("311/nyc311_1000.csv")
    shared_data("dongcheng/roads_gcj02.geojson")
    from bench.nyc311 import import_dongcheng, load_nyc311

    url = new_database(request, request.param, "alleys_nyc311")
    app = create_app(config_for(url) | SETTINGS)
    with app.app_context():
        import_dongcheng(STREET)
        summary = load_nyc311(path, STREET, NOW)
        print(f"\n{request.param}: {summary.loaded} cases replayed in {summary.seconds:.1f} s")
        yield app, summary, path
        db.session.remove()
        db.engine.dispose()


def test_rates_of_replayed_nyc_cases_match_the_csv(replayed):
    from webapp.services.performance.dashboard import Period, Scope, totals

    app, summary, path = replayed
    cases, left_out = csv_cases(path)
    assert summary.loaded == len(cases) and summary.skipped == dict(left_out)
    assert summary.loaded + sum(left_out.values()) == summary.rows == 1000
    days = sorted(c["received"].date() for c in cases)
    period = Period(days[0], days[-1])
    expected = expected_totals(cases)
    assert expected["response_due"] and expected["resolution_due"]  # the file gives the rates something to count

    for scope in (Scope((summary.street_id,)), Scope()):  # the street, and the district (only this street has cases)
        rates = totals(scope, period, NOW.astimezone(timezone.utc))
        assert rates.as_dict() == expected
        assert rates.response_rate == expected["response_on_time"] / expected["response_due"]
        assert rates.resolution_rate == expected["resolved"] / expected["resolution_due"]

    # Nothing was received before the period, and a period without cases has no rates.
    before = totals(Scope(), Period(date(2000, 1, 1), days[0] - timedelta(days=1)), NOW.astimezone(timezone.utc))
    assert before.cases == 0 and before.response_rate is before.resolution_rate is before.satisfaction_rate is None


def test_department_response_counts_its_whistles(replayed):
    from webapp.services.performance.dashboard import Period, Scope, breakdown

    app, summary, path = replayed
    cases, _ = csv_cases(path)
    days = sorted(c["received"].date() for c in cases)
    rows = breakdown("department", Scope((summary.street_id,)), Period(days[0], days[-1]),
                     NOW.astimezone(timezone.utc))
    codes = dict(db.session.execute(db.select(Department.id, Department.code)).all())
    found = {codes[row.key]: (row.rates.response_due, row.rates.response_on_time) for row in rows}
    assert found == expected_departments(cases)
    assert sum(row.rates.cases for row in rows) == len(cases)  # one department per case

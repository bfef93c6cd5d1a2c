"""Real case histories for the street rates: 1,000 NYC 311 requests replayed as cases of one Dongcheng street,
every step through the app's own services (submit_report, then transition()), so that each case's facts
(CaseFacts) are written by the real code (metrics.refresh_facts in each step's transaction).

Run: PYTHONPATH=. .venv/bin/python -m bench.nyc311   (needs ../shared/data and PostgreSQL + PostGIS)
Loads the file on both engines and prints the street's rates and the load time.

How a CSV row becomes a case (tests/services/performance/test_nyc311_rates.py recomputes the rates from these rules):

- Time. NYC local time is read as Beijing local time (06/26/2018 10:58:54 AM is 2018-06-26 10:58:54 in
  Beijing, 02:58:54 UTC), so a case is received on the row's own calendar date. A Clock (tests/support/clock.py)
  in app.extensions["clock"] is moved to each step's time; only steps at or before `now` are replayed (the
  rest of a row's history is still in the future, and the case stands as it stood at `now`).
- Place. The bounding box of the file's coordinates is scaled linearly, axis by axis, onto the bounding box of
  the street; a point that falls outside the street's polygon is pulled to the nearest point of the polygon
  shrunk by INSET_DEG (about 10 m), so it lies inside, away from the boundary, and is located in this street
  (counted as "moved_inside"). The report then snaps to its nearest alley like any report (or none).
- Received. Each row is filed (submit_report, with the clock at Created Date) by a partner account (an Open311
  key's account, like 12345): a partner's case goes to the street chief at once (transitions.open_case), so
  its first response deadline, the chief's acknowledgement, runs from Created Date.
- Chief. The street chief acknowledges at once: ACCEPT at Created Date (the acknowledgement is on time).
- Department. The chief whistles the department of the row's Agency at Created Date (AGENCY_DEPARTMENTS:
  NYPD 公安, DSNY and DEP 城管执法, DOT and TLC 交通, HPD and DOF 房管, DOB and EDC 规划, DPR 园林, DOHMH and
  DCA 市场监管, FDNY 消防; any other agency 城管执法, the street's catch-all). The whistle's deadline is the
  row's Due Date when it has one after Created Date; it is set on the new whistle in the WHISTLE step's own
  transaction, through transition()'s on_event hook, before the facts are refreshed (WHISTLE_MINUTES is per
  kind and in whole minutes, and 47 of the 486 Due Dates are not whole minutes after Created Date; the
  notification sent to the officers keeps the configured deadline). A row without one keeps the configured
  deadline: Created Date + WHISTLE_MINUTES[kind of the category].
- On site. The department's officer reports on site (报到) at Resolution Action Updated Date when the row has one
  not before Created Date, and no later than the case's closing (the earlier of the two); a closed row without
  a usable Resolution Action Updated Date is on site at its Closed Date. Other rows are not on site.
- Closed. Status "Closed" with a Closed Date: the officer finishes the part and the chief resolves the case at
  Closed Date; VERDICT_DAYS later the system closes it "not rated" (close_unrated). NYC has no satisfaction
  answers, so no case is ever rated. Every other status (Pending, Open, In Progress, Assigned, Email Sent)
  stays open whatever its Closed Date says.
- Category. From the Complaint Type (category_for): noise, parking, street lights, roads, sewers, graffiti,
  vending, buildings, gas, sanitation; the rest "other". It names the case; the whistle names the department.
- The summary counts the loaded rows a rule supplied something for ("bent": no Due Date, a Resolution Action
  Updated Date before Created Date or after the closing), and the rows not loaded, by reason (never silently):
  no or unreadable coordinates ("no_location"), no or unreadable Created Date ("no_created_date"), Closed with
  no Closed Date or one before Created Date ("closed_without_date", "closed_before_created"), received after
  `now` ("after_now").
"""
import csv
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from shapely.ops import nearest_points

from tests.support.clock import Clock
from webapp.clock import BEIJING
from webapp.extensions import db
from webapp.models import ApiKey, Department, Role, Street, User, Whistle
from webapp.services.cases.reports import ReportInput, submit_report
from webapp.services.cases.transitions import Step, StepInput, transition

CSV_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "311" / "nyc311_1000.csv"
STREET = "交道口街道"  # 南锣鼓巷: a hutong street of 162 alley segments
NOW = datetime(2019, 9, 10, 12, 0, tzinfo=BEIJING)  # two days after the file's last request
PARTNER = "NYC 311 回放"
PASSWORD = "nyc311-replay"
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"
INSET_DEG = 0.0001  # about 10 m: how far inside the boundary an outside point is put

AGENCY_DEPARTMENTS = {
    "NYPD": "police", "DSNY": "urban_management", "DEP": "urban_management", "DOT": "traffic", "TLC": "traffic",
    "HPD": "housing", "DOF": "housing", "DOB": "planning", "EDC": "planning", "DPR": "parks",
    "DOHMH": "market_regulation", "DCA": "market_regulation", "FDNY": "fire",
}
DEFAULT_DEPARTMENT = "urban_management"

# (words in the Complaint Type, category code), first match wins.
COMPLAINT_CATEGORIES = [
    (("noise",), "noise"),
    (("parking", "blocked driveway", "derelict vehicle"), "illegal_parking"),
    (("street light",), "street_light"),
    (("street condition", "sidewalk condition", "curb condition", "broken muni meter"), "damaged_roads"),
    (("sewer",), "manhole_cover"),
    (("graffiti",), "damaged_facades"),
    (("vend",), "illegal_trading"),
    (("building", "construction"), "illegal_structures"),
    (("gas",), "gas_hazard"),
    (("sanitation", "dirty", "collection", "litter", "bulky", "unsanitary", "rodent", "dumping", "recycling"),
     "garbage"),
]


def parse_time(text: str) -> datetime | None:
    """A CSV time (NYC local) read as Beijing local time, in UTC; None when empty or unreadable."""
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=BEIJING).astimezone(timezone.utc)
    except ValueError:
        return None


def parse_point(row: dict) -> tuple[float, float] | None:
    try:
        lon, lat = float(row["Longitude"]), float(row["Latitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (lon == 0 and lat == 0):
        return None
    return lon, lat


def category_for(complaint: str) -> str:
    text = complaint.lower()
    return next((code for words, code in COMPLAINT_CATEGORIES if any(w in text for w in words)), "other")


@dataclass(frozen=True)
class Case:
    """One CSV row as the replay reads it (times in UTC)."""
    key: str
    lon: float
    lat: float
    created: datetime
    due: datetime | None  # the whistle's deadline when the row gives one
    on_site: datetime | None  # when the department reports on site, if ever
    closed: datetime | None  # resolved then (Status Closed only)
    department: str
    category: str
    description: str
    resolution: str


def read_cases(csv_path, now: datetime) -> tuple[list[Case], Counter, Counter]:
    """The rows that become cases, in order of receipt; the count of the others by reason; and of the rules
    that bent a loaded row (a deadline by default, an on-site time not taken from the row as it stands)."""
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cases, skipped, bent = [], Counter(), Counter()
    for row in rows:
        point, created = parse_point(row), parse_time(row.get("Created Date", ""))
        closed = parse_time(row.get("Closed Date", "")) if row.get("Status") == "Closed" else None
        if point is None:
            skipped["no_location"] += 1
        elif created is None:
            skipped["no_created_date"] += 1
        elif row.get("Status") == "Closed" and closed is None:
            skipped["closed_without_date"] += 1
        elif closed is not None and closed < created:
            skipped["closed_before_created"] += 1
        elif created > now:
            skipped["after_now"] += 1
        else:
            due = parse_time(row.get("Due Date", ""))
            action = parse_time(row.get("Resolution Action Updated Date", ""))
            on_site = action if action is not None and action >= created else None
            bent["action_before_created"] += action is not None and on_site is None
            bent["due_date_missing"] += due is None or due <= created
            if closed is not None:
                bent["action_after_closing"] += on_site is not None and on_site > closed
                on_site = min(on_site or closed, closed)
            complaint = row.get("Complaint Type", "").strip()
            cases.append(Case(
                key=row["Unique Key"].strip(), lon=point[0], lat=point[1], created=created,
                due=due if due is not None and due > created else None, on_site=on_site, closed=closed,
                department=AGENCY_DEPARTMENTS.get(row.get("Agency", "").strip(), DEFAULT_DEPARTMENT),
                category=category_for(complaint),
                description=" / ".join(p for p in (complaint, row.get("Descriptor", "").strip()) if p)[:2000],
                resolution=row.get("Resolution Description", "").strip()[:2000]))
    cases.sort(key=lambda c: (c.created, c.key))
    return cases, skipped, +bent


class Placement:
    """The file's bounding box scaled onto the street's, then pulled inside the street's polygon."""

    def __init__(self, points: list[tuple[float, float]], street_geom):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.source = (min(xs), min(ys), max(xs), max(ys))
        self.target = street_geom.bounds
        self.area = street_geom
        inner = street_geom.buffer(-INSET_DEG)
        self.inner = inner if not inner.is_empty else street_geom

    def place(self, lon: float, lat: float) -> tuple[float, float, bool]:
        (x0, y0, x1, y1), (u0, v0, u1, v1) = self.source, self.target
        x = u0 + (lon - x0) / ((x1 - x0) or 1) * (u1 - u0)
        y = v0 + (lat - y0) / ((y1 - y0) or 1) * (v1 - v0)
        point = Point(x, y)
        if self.inner.contains(point):
            return x, y, False
        moved = nearest_points(self.inner, point)[0]
        if not self.area.contains(moved):  # a sliver the inset removed: the street's own inside point
            moved = self.area.representative_point()
        return moved.x, moved.y, True


@dataclass
class Summary:
    street_id: int
    rows: int = 0
    loaded: int = 0
    skipped: dict = field(default_factory=dict)  # reason -> rows not loaded
    bent: dict = field(default_factory=dict)  # loaded rows whose deadline or on-site time a rule supplied
    moved_inside: int = 0  # points pulled inside the street's polygon
    snapped: int = 0  # reports that snapped to an alley
    steps: dict = field(default_factory=dict)  # step name -> times taken
    open: int = 0
    awaiting_verdict: int = 0
    closed_unrated: int = 0
    first_day: str | None = None  # the Beijing days received, for the period to count over
    last_day: str | None = None
    seconds: float = 0.0


def _account(username: str, make) -> User:
    return db.session.scalar(db.select(User).where(User.username == username)) or make()


def _people(street: Street, codes) -> tuple[User, User, dict[str, User]]:
    from webapp.services.partners.api_keys import create_api_key
    from webapp.services.volunteers.people import create_user

    key = db.session.scalar(db.select(ApiKey).where(ApiKey.name == PARTNER))
    partner = key.user if key else create_api_key(PARTNER)[0].user
    chief = _account(f"nyc.chief.{street.id}", lambda: create_user(
        display_name="街巷长·回放", username=f"nyc.chief.{street.id}", password=PASSWORD, role=Role.CHIEF,
        street_name=street.name))
    names = dict(db.session.execute(db.select(Department.code, Department.name)).all())
    officers = {code: _account(f"nyc.{code}.{street.id}", lambda code=code: create_user(
        display_name=f"{names[code]}·回放", username=f"nyc.{code}.{street.id}", password=PASSWORD,
        role=Role.OFFICER, street_name=street.name, department_name=names[code])) for code in sorted(codes)}
    return partner, chief, officers


def _deadline(report_id: int, due: datetime):
    """on_event for the WHISTLE step: the new whistle's deadline is the row's Due Date."""
    def set_due(event):
        for whistle in [o for o in db.session.new if isinstance(o, Whistle) and o.report_id == report_id]:
            whistle.due_at = due
        event.details = {**event.details, "due_at": due.isoformat()}
    return set_due


def load_nyc311(csv_path=CSV_PATH, street_name: str = STREET, now: datetime = NOW) -> Summary:
    """Replay the CSV as cases of `street_name` up to `now` (in an app context on a database holding the street
    and its alleys); returns what was loaded and what was not. See the module docstring for the rules."""
    from flask import current_app

    started = time.perf_counter()
    now = now.astimezone(timezone.utc)
    street = db.session.scalar(db.select(Street).where(Street.name == street_name))
    if street is None:
        raise LookupError(f"no street named {street_name}: import the Dongcheng streets first")
    cases, skipped, bent = read_cases(csv_path, now)
    with open(csv_path, newline="", encoding="utf-8") as f:
        every_point = [p for p in map(parse_point, csv.DictReader(f)) if p is not None]
    placement = Placement(every_point, to_shape(street.geom))
    summary = Summary(street_id=street.id, rows=len(cases) + sum(skipped.values()), skipped=dict(skipped),
                      bent=dict(bent))
    partner, chief, officers = _people(street, {c.department for c in cases})
    partner_id, chief_id, street_id = partner.id, chief.id, street.id
    verdict_days = timedelta(days=current_app.config["VERDICT_DAYS"])
    steps = Counter()

    app = current_app._get_current_object()
    before = app.extensions.get("clock")
    clock = app.extensions["clock"] = Clock(now)
    try:
        for case in cases:
            lon, lat, moved = placement.place(case.lon, case.lat)
            summary.moved_inside += moved
            clock.now = case.created
            user = db.session.get(User, partner_id)
            filed = submit_report(user, ReportInput(client_id=f"nyc311-{case.key}", category_code=case.category,
                                                    lon=lon, lat=lat, description=case.description))
            if filed.street_id != street_id:
                raise RuntimeError(f"row {case.key} landed in street {filed.street_id}, not {street_id}")
            summary.snapped += filed.alley_id is not None
            chief = db.session.get(User, chief_id)
            transition(chief, filed.id, Step.ACCEPT)
            transition(chief, filed.id, Step.WHISTLE, StepInput(departments=(case.department,)),
                       on_event=_deadline(filed.id, case.due) if case.due else None)
            steps.update(["accept", "whistle"])
            officer = officers[case.department]
            if case.on_site is not None and case.on_site <= now:
                clock.now = case.on_site
                transition(officer, filed.id, Step.REPORT_ON_SITE, StepInput(lon=lon, lat=lat))
                steps["report_on_site"] += 1
            if case.closed is not None and case.closed <= now:
                clock.now = case.closed
                transition(officer, filed.id, Step.FINISH_PART)
                transition(db.session.get(User, chief_id), filed.id, Step.RESOLVE,
                           StepInput(note=case.resolution or "已办结 (NYC 311: closed)"))
                steps.update(["finish_part", "resolve"])
                if case.closed + verdict_days <= now:
                    clock.now = case.closed + verdict_days
                    transition(None, filed.id, Step.CLOSE_UNRATED)
                    steps["close_unrated"] += 1
                    summary.closed_unrated += 1
                else:
                    summary.awaiting_verdict += 1
            else:
                summary.open += 1
            summary.loaded += 1
    finally:
        if before is None:
            app.extensions.pop("clock", None)
        else:
            app.extensions["clock"] = before
    summary.steps = dict(steps)
    if cases:
        summary.first_day = cases[0].created.astimezone(BEIJING).date().isoformat()
        summary.last_day = cases[-1].created.astimezone(BEIJING).date().isoformat()
    summary.seconds = time.perf_counter() - started
    return summary


def import_dongcheng(street_name: str | None = None) -> None:
    """The 17 Dongcheng streets and their named alleys (as tests/conftest.py's dongcheng_url); with a street
    name, only the road segments that touch that street (much faster; its alleys are the same)."""
    from shapely.prepared import prep

    from bench.common import ROADS, SUBDISTRICTS
    from geo.importers.geojson import read_segments, read_streets
    from webapp.services.places.alleys import import_alleys, import_streets

    streets = read_streets(SUBDISTRICTS, "gcj02")
    import_streets(streets)
    segments, skipped = read_segments(ROADS, "gcj02")
    if street_name is not None:
        area = prep(next(s.geom for s in streets if s.name == street_name))
        segments = [s for s in segments if area.intersects(s.geom)]
    import_alleys(segments, skipped)


def rates_line(rates) -> str:
    d = rates.as_dict()
    pct = {k: "-" if d[k] is None else f"{100 * d[k]:.1f}%" for k in ("response_rate", "resolution_rate",
                                                                      "satisfaction_rate")}
    return (f"cases {d['cases']}; response {pct['response_rate']} ({d['response_on_time']}/{d['response_due']}); "
            f"resolution {pct['resolution_rate']} ({d['resolved']}/{d['resolution_due']}); "
            f"satisfaction {pct['satisfaction_rate']} (rated {d['rated']}, not rated {d['unrated']})")


def main():
    from datetime import date

    from bench.common import databases, make_app, require_shared_data
    from webapp.services.performance import dashboard

    require_shared_data()
    with databases() as urls:
        for engine, url in urls.items():
            app = make_app(url)
            with app.app_context():
                started = time.perf_counter()
                import_dongcheng()
                imported = time.perf_counter() - started
                summary = load_nyc311(CSV_PATH, STREET, NOW)
                period = dashboard.Period(date.fromisoformat(summary.first_day),
                                            date.fromisoformat(summary.last_day))
                rates = dashboard.totals(dashboard.Scope((summary.street_id,)), period,
                                           NOW.astimezone(timezone.utc))  # as the app passes it: UTC
                print(f"{engine}: Dongcheng imported in {imported:.1f} s; {summary.loaded} of {summary.rows} rows "
                      f"loaded in {summary.seconds:.1f} s ({1000 * summary.seconds / max(summary.loaded, 1):.0f} "
                      f"ms a case, {sum(summary.steps.values()) + summary.loaded} service calls)")
                print(f"  skipped {summary.skipped}; rules supplied {summary.bent}")
                print(f"  {summary.moved_inside} points pulled inside {STREET}, {summary.snapped} snapped to an "
                      f"alley; open {summary.open}, awaiting a verdict {summary.awaiting_verdict}, closed not rated "
                      f"{summary.closed_unrated}")
                print(f"  {STREET} {period.start}..{period.end} at {NOW:%Y-%m-%d %H:%M} Beijing: {rates_line(rates)}")
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()

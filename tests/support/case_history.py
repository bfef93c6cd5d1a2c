"""A month of cases in a street, lived through the real steps on a test clock: late and prompt chiefs and
departments, resolutions with every kind of verdict and none, rejections; what the performance pages show."""
import random
import uuid
from datetime import timedelta

from tests.services.cases.test_reports import on_alley
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Role, Street
from webapp.services.cases.reports import ReportInput, submit_report
from webapp.services.cases.transitions import Step, close_unrated_cases, transition
from webapp.services.volunteers.people import create_user

CATEGORIES = ("piled_goods", "garbage", "illegal_parking", "lane_occupation", "noise", "street_light",
              "damaged_roads", "illegal_trading")
DEPARTMENTS = {"urban_management": "城管执法", "police": "公安", "traffic": "交通", "market_regulation": "市场监管"}


def _people(street: Street) -> dict:
    def user(key, role, name, department=None):
        return create_user(display_name=name, username=f"history-{key}", password="correct-horse-1", role=role,
                           street_name=street.name, department_name=department)
    people = {"resident": user("resident", Role.RESIDENT, "居民王"), "chief": user("chief", Role.CHIEF, "街巷长赵")}
    for code, name in DEPARTMENTS.items():
        people[code] = user(code, Role.OFFICER, f"{name}队员", name)
    return people


def build_history(app, street: Street, alleys: list, days: int = 30, seed: int = 8) -> Clock:
    """Cases over the last `days` days (busier on some alleys), each taken as far as its fate says. Returns the
    clock, left at the end: the app keeps it until the test ends (app.extensions["clock"])."""
    rng = random.Random(seed)
    end = Clock().now
    clock = Clock(end - timedelta(days=days))
    app.extensions["clock"] = clock
    people = _people(street)
    busy = alleys[:3] * 3 + alleys  # hotspots: the first alleys get more
    for day in range(days):
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            clock.now = end - timedelta(days=days - day, hours=-rng.randint(7, 20))
            if clock.now > end:
                continue
            _live_one_case(rng, clock, end, people, rng.choice(busy), rng.choice(CATEGORIES))
    clock.now = end
    close_unrated_cases()
    return clock


def _live_one_case(rng, clock: Clock, end, people: dict, alley, category: str) -> None:
    lon, lat = on_alley(alley, offset_lat=rng.uniform(-0.0002, 0.0002))
    report = submit_report(people["resident"], ReportInput(str(uuid.uuid4()), category, lon, lat,
                                                           description="演示：巷子里的问题"))
    steps = [(rng.randint(5, 30), people["resident"], Step.ESCALATE, {}),
             (rng.choice((10, 25, 40, 90, 150)), people["chief"], Step.ACCEPT, {})]
    fate = rng.random()
    if fate < 0.1:
        steps.append((5, people["chief"], Step.REJECT, {"note": "不属于本街道管辖"}))
    elif fate > 0.2:
        codes = rng.choice((("urban_management",), ("urban_management",), ("police", "urban_management"),
                            ("traffic",), ("market_regulation", "urban_management")))
        steps.append((5, people["chief"], Step.WHISTLE, {"departments": codes}))
        for code in codes:
            steps += [(rng.choice((8, 15, 20, 25, 45)), people[code], Step.REPORT_ON_SITE, {}),
                      (rng.randint(20, 180), people[code], Step.FINISH_PART, {})]
        if fate > 0.3:
            steps.append((rng.randint(30, 600), people["chief"], Step.RESOLVE, {"note": "已处理完毕"}))
            answer = rng.choice(("satisfied", "satisfied", "satisfied", "basically", "unsatisfied", None))
            if answer:
                steps.append((rng.randint(60, 1500), people["resident"], Step.VERDICT, {"satisfaction": answer}))
    for minutes, who, step, fields in steps:
        clock.now += timedelta(minutes=minutes)
        if clock.now > end:
            return
        transition(who, report.id, step, **fields)
    db.session.expire_all()

"""Coverage gaps of a street as a specification: alleys nobody claimed, claimed alleys nobody patrolled within
PATROL_GAP_DAYS, volunteers who did nothing for INACTIVE_DAYS; the map's GeoJSON names each alley's gap.
Every test runs on SpatiaLite and PostGIS."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import LineString
from sqlalchemy import event

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley, report_at
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Activity, Attendance, Claim, Patrol, Role, User
from webapp.services.organizing.coverage import coverage_gaps
from webapp.services.places.claims import claim_alley

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 on 2 March in Beijing


def claim(user, alley, days_ago: float) -> Claim:
    """claim_alley, dated `days_ago` before NOW (claims take the wall clock's time)."""
    held = claim_alley(user, alley.id)
    held.claimed_at = NOW - timedelta(days=days_ago)
    db.session.commit()
    return held


def patrol(user, alley, days_ago: float, covered: bool = True) -> Patrol:
    """A patrol of the alley that ended `days_ago` before NOW, covering it or not."""
    line = max(to_shape(alley.geom).geoms, key=lambda part: part.length)
    finished = NOW - timedelta(days=days_ago)
    row = Patrol(client_id=str(uuid.uuid4()), payload_hash="0" * 64, user_id=user.id, alley_id=alley.id,
                 started_at=finished - timedelta(minutes=20), finished_at=finished, duration_s=1200,
                 distance_m=alley.length_m, track=from_shape(LineString(line.coords), srid=4326), fix_count=30,
                 coverage_ratio=1.0 if covered else 0.2, covered=covered, hours=0.33 if covered else 0.0)
    db.session.add(row)
    db.session.commit()
    return row


def checked_in(user, street, days_ago: float) -> Attendance:
    starts = NOW - timedelta(days=days_ago)
    activity = Activity(street_id=street.id, title="清理楼道堆物", place="南锣鼓巷口", lon=116.4035, lat=39.9330,
                        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=10, signed_up=1,
                        check_in_code=uuid.uuid4().hex)
    db.session.add(activity)
    db.session.flush()
    row = Attendance(activity_id=activity.id, user_id=user.id, signed_up_at=starts - timedelta(days=1),
                     checked_in_at=starts)
    db.session.add(row)
    db.session.commit()
    return row


def reported(user, alley, days_ago: float):
    report, _ = file_report(user, report_at(*on_alley(alley)))
    report.created_at = NOW - timedelta(days=days_ago)
    db.session.commit()
    return report


@pytest.fixture
def street(app):
    app.extensions["clock"] = Clock(NOW)
    home = demo_street()
    alleys = alleys_of(home)
    people = {name: make_user(role, home, name) for name, role in (
        ("管家甲", Role.STEWARD), ("管家乙", Role.STEWARD), ("老街坊丙", Role.OLD_NEIGHBOUR),
        ("老街坊丁", Role.OLD_NEIGHBOUR), ("管家戊", Role.STEWARD))}
    return {"street": home, "alleys": alleys, **people}


def test_each_alley_is_unclaimed_unpatrolled_or_covered(street):
    a = street["alleys"]
    claim(street["管家甲"], a[0], days_ago=30)
    patrol(street["管家甲"], a[0], days_ago=2)  # covered
    claim(street["管家乙"], a[1], days_ago=30)
    claim(street["老街坊丙"], a[1], days_ago=20)
    patrol(street["管家乙"], a[1], days_ago=10)  # covered, but too long ago
    patrol(street["管家乙"], a[1], days_ago=1, covered=False)  # recent, but did not cover the alley
    claim(street["老街坊丙"], a[2], days_ago=3)  # never patrolled

    gaps = coverage_gaps(street["street"].id, NOW)

    assert gaps["counts"] == {"alleys": len(a), "unclaimed": len(a) - 3, "unpatrolled": 2, "covered": 1,
                              "volunteers": gaps["counts"]["volunteers"], "inactive": gaps["counts"]["inactive"],
                              "no_chief": len(a)}  # no alley chief assigned (街巷长 per alley)
    assert [x["id"] for x in gaps["unclaimed"]] == [x.id for x in sorted(a[3:], key=lambda x: x.name)]
    assert gaps["unclaimed"][0].keys() == {"id", "name", "length_m"}
    never, ten_days = gaps["unpatrolled"]  # never patrolled first, then the longest neglected
    assert (never["id"], never["stewards"], never["last_patrol_at"], never["days"]) == (a[2].id, ["老街坊丙"], None, None)
    assert ten_days["id"] == a[1].id and ten_days["stewards"] == ["管家乙", "老街坊丙"]
    assert datetime.fromisoformat(ten_days["last_patrol_at"]) == NOW - timedelta(days=10) and ten_days["days"] == 10
    assert [c["name"] for c in ten_days["contacts"]] == ["管家乙", "老街坊丙"] and "phone" in ten_days["contacts"][0]

    features = {f["id"]: f["properties"] for f in gaps["geojson"]["features"]}
    assert gaps["geojson"]["type"] == "FeatureCollection" and set(features) == {x.id for x in a}
    assert (features[a[0].id]["gap"], features[a[1].id]["gap"], features[a[2].id]["gap"]) == \
        ("covered", "unpatrolled", "unpatrolled")
    assert {features[x.id]["gap"] for x in a[3:]} == {"unclaimed"}
    assert features[a[1].id]["stewards"] == 2 and features[a[0].id]["name"] == a[0].name
    geometry = next(f for f in gaps["geojson"]["features"] if f["id"] == a[0].id)["geometry"]
    assert geometry["type"] == "MultiLineString" and len(geometry["coordinates"][0]) >= 2


def test_a_left_claim_leaves_the_alley_unclaimed_and_the_gap_follows_the_setting(app, street):
    a = street["alleys"]
    held = claim(street["管家甲"], a[0], days_ago=30)
    patrol(street["管家甲"], a[0], days_ago=5)
    assert {f["id"]: f["properties"]["gap"] for f in coverage_gaps(street["street"].id, NOW)["geojson"]["features"]}[
        a[0].id] == "covered"
    app.config["PATROL_GAP_DAYS"] = 3
    gaps = coverage_gaps(street["street"].id, NOW)
    assert [x["id"] for x in gaps["unpatrolled"]] == [a[0].id] and gaps["patrol_gap_days"] == 3
    held.left_at = NOW
    db.session.commit()
    assert a[0].id in [x["id"] for x in coverage_gaps(street["street"].id, NOW)["unclaimed"]]


def test_inactive_volunteers_did_nothing_for_inactive_days(app, street):
    a, home = street["alleys"], street["street"]
    claim(street["管家甲"], a[0], days_ago=60)
    patrol(street["管家甲"], a[0], days_ago=29)  # active: a patrol within 30 days
    reported(street["管家乙"], a[1], days_ago=3)  # active: a report
    checked_in(street["老街坊丙"], home, days_ago=10)  # active: an activity check-in
    checked_in(street["老街坊丁"], home, days_ago=45)  # inactive since 45 days
    patrol(street["管家戊"], a[2], days_ago=31)  # inactive since 31 days
    gone = make_user(Role.STEWARD, home, "已停用")
    db.session.get(User, gone.id).active = False  # deactivated accounts are not listed
    make_user(Role.RESIDENT, home, "居民")  # not a volunteer
    make_user(Role.STEWARD, other_street(), "别街管家")  # another street's
    db.session.commit()

    gaps = coverage_gaps(home.id, NOW)
    inactive = {v["name"]: v for v in gaps["inactive"]}
    assert {"老街坊丁", "管家戊"} <= set(inactive)
    assert not {"管家甲", "管家乙", "老街坊丙", "已停用", "居民", "别街管家"} & set(inactive)
    assert datetime.fromisoformat(inactive["老街坊丁"]["last_active_at"]) == NOW - timedelta(days=45)
    assert inactive["老街坊丁"]["days"] == 45 and inactive["管家戊"]["days"] == 31
    assert inactive["老街坊丁"].keys() >= {"id", "name", "phone", "last_active_at", "days", "joined_at"}
    # Those who never did anything come first (the demo street's own demo volunteers among them), then the longest idle.
    order = [v["name"] for v in gaps["inactive"]]
    assert all(v["last_active_at"] is None for v in gaps["inactive"][:order.index("老街坊丁")])
    assert order.index("老街坊丁") < order.index("管家戊")
    assert gaps["counts"]["inactive"] == len(gaps["inactive"]) and gaps["inactive_days"] == 30

    app.config["INACTIVE_DAYS"] = 60
    assert "管家戊" not in {v["name"] for v in coverage_gaps(home.id, NOW)["inactive"]}


def test_a_volunteer_with_both_roles_is_counted_once(street):
    from webapp.models import RoleGrant

    both = street["管家甲"]
    db.session.add(RoleGrant(user_id=both.id, role=Role.OLD_NEIGHBOUR, street_id=street["street"].id))
    db.session.commit()
    gaps = coverage_gaps(street["street"].id, NOW)
    assert [v["name"] for v in gaps["inactive"]].count("管家甲") == 1


def test_the_gaps_take_a_few_queries_whatever_the_number_of_alleys(street):
    a = street["alleys"]
    for i, alley in enumerate(a[:4]):
        claim(make_user(Role.STEWARD, street["street"]), alley, days_ago=30)
        patrol(street["管家甲"], alley, days_ago=i * 4)
    street_id, statements = street["street"].id, []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        coverage_gaps(street_id, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 6  # alleys, stewards, patrols, volunteers, their last activity, alleys without a chief

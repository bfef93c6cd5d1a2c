"""Migrations upgrade a database holding the previous version's data without loss, on SpatiaLite and PostGIS.

An empty database is migrated to PREVIOUS (the schema of the last release), filled through plain SQL with a street's
worth of that version's data (every table of that version gets rows: people and roles, claims and patrols, cases with
their events, photos, whistles and verdicts, notifications, partners, rosters), then upgraded to the heads. Every row
is still there with the same values, the columns added since hold their defaults (NULL where they have none), and
the app at head reads the old rows. The test knows nothing of the migrations after PREVIOUS: it keeps working as more
are chained on."""
import json
import re
import uuid

import flask_migrate
import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import inspect, text

from tests.conftest import BACKENDS, config_for
from webapp import create_app
from webapp.extensions import db

PREVIOUS = "0011"
T0 = "2026-11-20 08:00:00"
# Tables of SpatiaLite and PostGIS themselves, not ours.
SPATIAL = re.compile(r"^(alembic_version|spatial_ref_sys.*|geometry_columns.*|spatialite_history|sql_statements_log|"
                     r"views_geometry_columns.*|virts_geometry_columns.*|SpatialIndex|ElementaryGeometries|KNN2?|"
                     r"data_licenses|idx_.*|sqlite_.*|geom_cols_ref_sys|vector_layers.*|spatial_ref_sys_aux)$")
# Columns a later migration fills from the old rows' data (not from a default): "table.column" -> why. The check of
# defaults skips them; give each its own assertion below instead.
BACKFILLED: dict[str, str] = {"categories.street_first": "0013 marks the safety categories street first"}
STREET = "MULTIPOLYGON(((116.370 39.942, 116.380 39.942, 116.380 39.948, 116.370 39.948, 116.370 39.942)))"
ALLEY = "MULTILINESTRING((116.371 39.9432, 116.379 39.9432))"


def at(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"2026-11-20 {8 + hour:02d}:{minute:02d}:00"


@pytest.fixture(params=BACKENDS)
def previous_version(request, tmp_path):
    """An app whose database is at PREVIOUS, empty but for what the migrations seed."""
    if request.param == "postgis":
        url = request.getfixturevalue("postgis").create_database(f"upgrade_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade(revision=PREVIOUS)
        yield app
        db.session.remove()
        db.engine.dispose()


def fill(conn) -> None:
    """A street's worth of the previous version's data, written as its tables were (not through today's models)."""
    def insert(table: str, *rows: dict, geometry: dict | None = None):
        for row in rows:
            names = list(row) + list(geometry or {})
            values = [f":{n}" for n in row] + [f"ST_GeomFromText(:{n}, 4326)" for n in geometry or {}]
            conn.execute(text(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})"),
                         row | (geometry or {}))

    department = conn.execute(text("SELECT id FROM departments ORDER BY id")).scalars().first()
    category = conn.execute(text("SELECT id FROM categories ORDER BY id")).scalars().first()
    insert("streets", {"id": 1, "name": "交道口街道", "admin_code": "110101007", "source": "dongcheng.geojson",
                       "is_demo": False, "created_at": T0}, geometry={"geom": STREET})
    insert("communities", {"id": 1, "street_id": 1, "name": "菊儿社区"}, geometry={"geom": STREET})
    for n, name in enumerate(["菊儿胡同", "帽儿胡同", "雨儿胡同"], start=1):
        insert("alleys", {"id": n, "street_id": 1, "name": name, "length_m": 690.5 + n, "source_segment_ids": "[1, 2]",
                          "source": "osm", "updated_at": T0, "steward_count": 1 if n < 3 else 0},
               geometry={"geom": ALLEY})
    people = [(1, "王管家", "13800000001", None, True, False), (2, "李街巷长", None, "chief_li", True, False),
              (3, "张居民", "13800000003", None, True, False), (4, "赵组织者", None, "organizer", True, False),
              (5, "城管刘", None, "officer_liu", True, False), (6, "12345热线", None, "partner-1", True, True),
              (7, "老街坊孙", "13800000007", None, False, False)]
    for uid, name, phone, username, active, partner in people:
        insert("users", {"id": uid, "display_name": name, "phone": phone, "username": username,
                         "password_hash": "pbkdf2:sha256:1000$x$y", "active": active, "is_demo": False,
                         "created_at": T0, "open_claims": 1 if uid in (1, 7) else 0, "login_token": f"{uid:032d}",
                         "locale": "zh_Hans", "is_partner": partner, "open_teams": 1 if uid == 1 else 0,
                         "open_posts": 1 if uid == 1 else 0})
    grants = [(1, 1, "steward", 1, None), (2, 2, "chief", 1, None), (3, 3, "resident", 1, None),
              (4, 4, "organizer", 1, None), (5, 5, "officer", 1, department), (6, 7, "old_neighbour", 1, None),
              (7, 4, "admin", None, None)]
    for gid, uid, role, street, dept in grants:
        insert("role_grants", {"id": gid, "user_id": uid, "role": role, "street_id": street, "department_id": dept,
                               "granted_at": T0})
    insert("invitations", {"id": 1, "code": "INVITE-STEWARD-1", "role": "steward", "street_id": 1,
                           "department_id": None, "created_by_id": 4, "created_at": T0, "expires_at": "2026-12-20 08:00:00",
                           "max_uses": 5, "uses": 1})
    insert("claims", {"id": 1, "user_id": 1, "alley_id": 1, "claimed_at": at(5), "left_at": None},
           {"id": 2, "user_id": 7, "alley_id": 2, "claimed_at": at(6), "left_at": None},
           {"id": 3, "user_id": 1, "alley_id": 3, "claimed_at": at(1), "left_at": at(4)})
    insert("patrols", {"id": 1, "client_id": str(uuid.UUID(int=1)), "payload_hash": "a" * 64, "user_id": 1,
                       "alley_id": 1, "started_at": at(10), "finished_at": at(40), "duration_s": 1800,
                       "distance_m": 702.0, "fix_count": 90, "coverage_ratio": 0.93, "covered": True, "hours": 0.5,
                       "checklist": json.dumps({"piled_goods": True}), "problems": "[]", "created_at": at(40)},
           geometry={"track": "LINESTRING(116.371 39.9432, 116.379 39.9432)"})
    cases = [(1, 3, "confirmed", 1, 2), (2, 1, "whistled", 2, 1), (3, 6, "escalated", 3, 0), (4, 3, "submitted", None, 0)]
    for rid, reporter, status, alley, round_ in cases:
        insert("reports", {"id": rid, "client_id": str(uuid.UUID(int=100 + rid)), "payload_hash": "b" * 64,
                           "reporter_id": reporter, "category_id": category, "street_id": 1, "alley_id": alley,
                           "description": f"门口堆物 {rid}", "accuracy_m": 8.0, "snap_distance_m": 3.5,
                           "anonymous": rid == 4, "status": status, "follower_count": 1 if rid == 1 else 0,
                           "created_at": at(60 + rid), "updated_at": at(90 + rid),
                           "priority": "urgent" if rid == 2 else "normal", "duplicate_of_id": None,
                           "resolved_at": at(120) if rid == 1 else None, "resolution_round": round_},
               geometry={"location": "POINT(116.3755 39.9433)"})
    steps = [(1, 1, 3, None, "submitted", ""), (2, 1, 2, "submitted", "escalated", ""),
             (3, 1, 2, "escalated", "resolved", "清理完毕"), (4, 1, 3, "resolved", "confirmed", "满意"),
             (5, 2, 1, None, "submitted", ""), (6, 2, 2, "accepted", "whistled", "请城管到场"),
             (7, 3, 6, None, "submitted", ""), (8, 4, 3, None, "submitted", "")]
    for eid, rid, actor, source, target, note in steps:
        insert("report_events", {"id": eid, "report_id": rid, "actor_id": actor, "at": at(60 + eid),
                                 "from_status": source, "to_status": target, "note": note,
                                 "details": json.dumps({"step": "resolve"} if target == "resolved" else {})})
    insert("report_photos", {"id": 1, "report_id": 1, "event_id": None, "position": 0, "storage_key": "ab/1.jpg",
                             "thumb_key": "ab/1t.jpg", "width": 1600, "height": 1200},
           {"id": 2, "report_id": 1, "event_id": 3, "position": 1, "storage_key": "ab/2.jpg",
            "thumb_key": "ab/2t.jpg", "width": 1200, "height": 1600})
    insert("report_followers", {"id": 1, "report_id": 1, "user_id": 1, "created_at": at(70)})
    insert("whistles", {"id": 1, "report_id": 2, "department_id": department, "kind": "enforcement",
                        "status": "whistled", "whistled_by_id": 2, "whistled_at": at(66), "due_at": at(96),
                        "on_site_at": None, "on_site_lon": None, "on_site_lat": None, "done_at": None,
                        "closed_at": None, "warned_at": at(90), "overdue_told_at": None})
    insert("verdicts", {"id": 1, "report_id": 1, "user_id": 3, "round": 1, "satisfaction": "satisfied",
                        "comment": "很快", "is_reporter": True, "at": at(130)})
    insert("case_facts", {"report_id": 1, "street_id": 1, "alley_id": 1, "category_id": category,
                          "received_at": at(61), "received_on": "2026-11-20", "lon": 116.3755, "lat": 39.9433,
                          "outcome": "resolved", "response_from": at(62), "response_missed_at": None,
                          "resolution_due_at": "2026-11-27 08:00:00", "rating": "satisfied", "unrated": False})
    insert("notifications", {"id": 1, "user_id": 2, "kind": "escalated", "report_id": 3, "params": "{}",
                             "created_at": at(63), "read_at": None, "fanned_out_at": at(63)},
           {"id": 2, "user_id": 3, "kind": "verdict_requested", "report_id": 1, "params": json.dumps({"round": 1}),
            "created_at": at(120), "read_at": at(125), "fanned_out_at": at(120)})
    insert("push_subscriptions", {"id": 1, "user_id": 2, "endpoint": "https://push.example/abc", "p256dh": "p" * 87,
                                  "auth": "a" * 22, "device": "iPad", "created_at": T0, "last_sent_at": at(63),
                                  "failures": 0})
    insert("deliveries", {"id": 1, "notification_id": 1, "channel": "webpush", "address": "1", "subscription_id": 1,
                          "state": "sent", "attempts": 1, "next_attempt_at": at(63), "lease_until": None,
                          "lease_token": None, "created_at": at(63), "sent_at": at(64), "last_error": None})
    insert("muted_kinds", {"user_id": 3, "kind": "resolved"})
    insert("api_keys", {"id": 1, "name": "12345热线", "key_hash": "c" * 64, "prefix": "k12345ab", "user_id": 6,
                        "created_at": T0, "revoked_at": None})
    insert("partner_requests", {"id": 1, "report_id": 3, "api_key_id": 1, "token": str(uuid.UUID(int=3)),
                                "address_string": "雨儿胡同12号", "media_url": "", "answers": "{}",
                                "contact": json.dumps({"phone": "13900000000"}), "account_id": "A-1",
                                "device_id": None})
    insert("partner_updates", {"id": 1, "api_key_id": 1, "external_id": "U-1", "event_id": 7, "report_id": 3,
                               "created_at": at(67)})
    insert("teams", {"id": 1, "street_id": 1, "name": "菊儿一队", "created_at": T0})
    insert("team_alleys", {"team_id": 1, "alley_id": 1}, {"team_id": 1, "alley_id": 2})
    insert("team_memberships", {"id": 1, "team_id": 1, "user_id": 1, "is_leader": True, "joined_at": T0,
                                "left_at": None})
    insert("service_posts", {"id": 1, "street_id": 1, "name": "调解员", "duties": "邻里纠纷"})
    insert("post_holdings", {"id": 1, "post_id": 1, "user_id": 1, "taken_at": T0, "left_at": None})
    insert("activities", {"id": 1, "street_id": 1, "team_id": 1, "title": "清理楼道", "place": "菊儿胡同口",
                          "lon": 116.372, "lat": 39.9432, "starts_at": "2026-11-21 01:00:00",
                          "ends_at": "2026-11-21 03:00:00", "capacity": 20, "signed_up": 1,
                          "check_in_code": "d" * 32, "created_by_id": 4, "cancelled_at": None})
    insert("attendances", {"id": 1, "activity_id": 1, "user_id": 1, "signed_up_at": T0, "cancelled_at": None,
                           "checked_in_at": "2026-11-21 01:02:00", "check_in_method": "qr",
                           "check_in_distance_m": 12.0, "checked_out_at": "2026-11-21 03:00:00", "hours": 2.0,
                           "credited_by_id": 4})
    insert("reminders", {"id": 1, "kind": "activity_tomorrow", "attendance_id": 1, "claim_id": None, "nth": 1,
                         "sent_at": T0},
           {"id": 2, "kind": "alley_unpatrolled", "attendance_id": None, "claim_id": 2, "nth": 1, "sent_at": T0})
    if conn.dialect.name == "postgresql":  # as a live database would be: the sequences past the rows
        for table in inspect(conn).get_table_names():
            if "id" in {c["name"] for c in inspect(conn).get_columns(table)} and not SPATIAL.match(table):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))


def our_tables(conn) -> dict[str, list[dict]]:
    """Our tables and their columns, as the database has them now."""
    found = inspect(conn)
    return {t: found.get_columns(t) for t in sorted(found.get_table_names()) if not SPATIAL.match(t)}


def snapshot(conn, tables: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """Every row of these tables, by these columns (geometries as text), in a stable order."""
    def shown_as(column) -> str:
        kind = str(column["type"]).lower()
        if "geometry" in kind or "geography" in kind:
            return f"ST_AsText({column['name']})"
        return f"CAST({column['name']} AS TEXT)" if "json" in kind else column["name"]  # JSON has no ordering

    rows = {}
    for table, columns in tables.items():
        shown = [shown_as(c) for c in columns]
        order = ", ".join(str(n) for n in range(1, len(shown) + 1))
        rows[table] = [tuple(r) for r in conn.execute(text(f"SELECT {', '.join(shown)} FROM {table} ORDER BY {order}"))]
    return rows


def test_a_populated_database_of_the_previous_version_upgrades_without_loss(previous_version):
    app = previous_version
    with db.engine.begin() as conn:
        fill(conn)
    with db.engine.connect() as conn:
        before_tables = our_tables(conn)
        before = snapshot(conn, before_tables)
    assert [t for t, rows in before.items() if not rows] == [], "fill() must give every table of PREVIOUS rows"
    db.engine.dispose()

    flask_migrate.upgrade(revision="heads")

    with db.engine.connect() as conn:
        after_tables = our_tables(conn)
        assert set(before_tables) <= set(after_tables), "a table of the previous version is gone"
        kept = {t: [c for c in after_tables[t] if c["name"] in {b["name"] for b in columns}]
                for t, columns in before_tables.items()}
        after = snapshot(conn, kept)
        for table in before:
            assert after[table] == before[table], f"{table}: rows changed in the upgrade"
        for table, columns in before_tables.items():
            added = [c for c in after_tables[table] if c["name"] not in {b["name"] for b in columns}]
            for column in added:
                if f"{table}.{column['name']}" not in BACKFILLED:
                    _assert_default(conn, table, column)
        # This version's own additions, by name: no chief on any alley yet, no kind on the old cases.
        assert conn.execute(text("SELECT COUNT(*) FROM alley_chiefs")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM reports WHERE request_kind IS NOT NULL")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM categories WHERE street_first <> is_safety")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM shops")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM department_scores")).scalar() == 0

    # The app at head reads the old rows: the map's alley, a case file, the chief's queue, the organizer's pages.
    app.test_client_class = FlaskLoginClient
    from webapp.models import User
    chief, organizer = db.session.get(User, 2), db.session.get(User, 4)
    anyone = app.test_client()
    alley = anyone.get("/api/v1/alleys/1").get_json()
    assert alley["properties"]["name"] == "菊儿胡同" and alley["properties"]["chief"] is None
    case = anyone.get("/api/v1/reports/1").get_json()
    assert case["status"] == "confirmed" and case["request_kind"] is None and len(case["photos"]) == 1
    assert app.test_client(user=chief).get("/api/v1/triage/queue").status_code == 200
    assert app.test_client(user=organizer).get("/roster/chiefs?street=1").status_code == 200
    assert app.test_client(user=organizer).get("/roster/coverage.json?street=1").get_json()["counts"]["no_chief"] == 3


def _assert_default(conn, table: str, column: dict) -> None:
    """A column added by a later migration holds its server default on the old rows, or NULL without one."""
    name, default = column["name"], column.get("default")
    if default is None:
        found = conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {name} IS NOT NULL")).scalar()
        assert found == 0, f"{table}.{name} (no default) should be NULL on the old rows"
        return
    if re.search(r"now\(\)|current_timestamp|nextval", str(default), re.IGNORECASE):
        found = conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {name} IS NULL")).scalar()
        assert found == 0, f"{table}.{name} should be filled on the old rows"
        return
    different = conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {name} IS NULL "
                                  f"OR CAST({name} AS TEXT) <> CAST(({default}) AS TEXT)")).scalar()
    assert different == 0, f"{table}.{name} should hold its default {default} on the old rows"

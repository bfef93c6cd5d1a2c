"""Street performance dashboard at scale: 1,000,000 cases in PostGIS, then GET /api/v1/performance timed.

Run: PYTHONPATH=. .venv/bin/python -m bench.performance [--cases 1000000] [--requests 200]
(needs ../shared/data and PostgreSQL + PostGIS; PostGIS only: the generator is PostgreSQL SQL)

1. A fresh PostGIS database, migrated, with the 17 real Dongcheng streets and their named alleys.
2. Cases generated on the server (INSERT ... SELECT over generate_series, no row crosses the wire) into
   reports, case_facts and whistles, plus patrols and claimed alleys for the coverage table: one year of days,
   an alley picked at random (so hutong-rich streets get more cases), a point along it, a category by a
   realistic mix, and a lifecycle by chance and age: handled on the spot (6%), rejected (4%) and merged as
   duplicates (3%) once the chief has looked at them, the rest accepted, whistled to the category's
   department(s), reported on site, resolved within 0.5 to 14.5 days (3% never), then rated 满意 / 基本满意,
   rated 不满意 (reopened), or closed "not rated" after VERDICT_DAYS. The facts columns follow from the same
   times by the rules of webapp/services/performance/rates.py (response_from, response_missed_at, ...), so the
   generated rows are what refresh_facts would have written for such histories.
   Rows go in in order of receipt (ids and pages grow with time), as a live database fills.
3. In process: dashboard() for each street, each part (totals, series, breakdowns, hotspots, overdue,
   coverage) timed, the district ranking counted every time, every SQL statement timed; EXPLAIN (ANALYZE, BUFFERS) of the slowest statements. Then the
   same with the planner told of SSD storage (random_page_cost 1.1: these connections only), since the test
   cluster runs PostgreSQL's defaults and the plans above depend on it.
4. Over HTTP (gunicorn, 2 workers x 4 threads, one client: latency, not throughput), as the signed-in chief
   of each street in turn: --requests requests of street=<id>&days=30 and of days=90, and of street=all
   (signed in as an admin: only admins see every street). Prints p50 / p95 / max; the target is
   p95 <= 200 ms for the street dashboard at 1M cases. Twice: with the district ranking shared for a minute
   (the default) and counted in every request.

What makes it fast (migration 0009): the street's period is read from one covering index of case_facts
(street_id, received_on INCLUDE the counted columns: index-only scans), a department's whistles from a covering
index on whistles(report_id), overdue whistles from a partial index of the waiting ones; and the district's
ranking of streets, the same for every viewer and the one part that reads every street, is counted at most
once a minute (district_ranking(), RANKING_CACHE_SECONDS) and shared.
"""
import argparse
import http.client
import json
import statistics
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, text

from bench.common import (SECRET, free_port, load, make_app, percentile, require_shared_data, start_gunicorn)
from tests.support.postgis_cluster import PostgisCluster
from webapp.clock import BEIJING
from webapp.extensions import db

TARGET_P95_MS = 200
SSD_PLANNER = {"random_page_cost": "1.1", "effective_cache_size": "'4GB'"}  # a second in-process pass
DAYS = 365
# Category mix of a hutong street (weights): parking, piled goods and rubbish lead.
CATEGORY_WEIGHTS = {"illegal_parking": 14, "piled_goods": 12, "garbage": 14, "lane_occupation": 8,
                    "illegal_structures": 4, "wall_openings": 2, "overhead_cables": 6, "damaged_facades": 3,
                    "illegal_signboards": 3, "damaged_roads": 6, "illegal_trading": 4, "manhole_cover": 2,
                    "street_light": 5, "fire_hazard": 1, "gas_hazard": 1, "noise": 8, "other": 7}
PARTS = ("totals", "previous_totals", "series", "categories", "departments", "alleys", "streets", "hotspots",
         "overdue", "coverage")


# --- 1. the database and the people ---------------------------------------------------------------------

def prepare(url: str) -> dict:
    """Migrate, import Dongcheng, create the people; returns ids the generator and the load need."""
    import flask_migrate

    from bench.nyc311 import import_dongcheng
    from webapp.models import Role, Street
    from webapp.services.volunteers.people import create_user

    app = make_app(url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        import_dongcheng()
        imported = time.perf_counter() - started
        streets = db.session.execute(db.select(Street.id, Street.name).order_by(Street.id)).all()
        chiefs = {sid: create_user(display_name=f"街巷长{sid}", username=f"chief{sid}", password="bench-password",
                                   role=Role.CHIEF, street_name=name) for sid, name in streets}
        admin = create_user(display_name="管理员", username="bench-admin", password="bench-password", role=Role.ADMIN)
        reporters = [create_user(display_name=f"居民{i}", username=f"resident{i}", password="bench-password",
                                 role=Role.RESIDENT, street_name=streets[i % len(streets)][1]) for i in range(8)]
        steward = create_user(display_name="管家", username="steward", password="bench-password",
                              role=Role.STEWARD, street_name=streets[0][1])
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = lambda u: serializer.dumps({"_user_id": u.get_id(), "_fresh": True})  # noqa: E731
        prepared = {"streets": dict(streets), "imported_s": imported,
                    "chief_ids": {sid: u.id for sid, u in chiefs.items()},
                    "cookies": {sid: cookie(u) for sid, u in chiefs.items()}, "admin_cookie": cookie(admin),
                    "reporter_ids": [u.id for u in reporters], "steward_id": steward.id}
        db.session.remove()
        db.engine.dispose()
    return prepared


# --- 2. the cases, generated on the server ------------------------------------------------------------

def _array(values) -> str:
    return "ARRAY[" + ",".join("NULL" if v is None else str(v) for v in values) + "]::int[]"


def _text_array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]::text[]"


def generate(url: str, prepared: dict, cases: int, now: datetime, seed: float = 0.42) -> dict:
    """Fill reports, case_facts, whistles, patrols and claims; returns the seconds each step took."""
    app = make_app(url)
    spent = {}
    with app.app_context():
        cats = db.session.execute(text("SELECT id, code, whistle_kind, default_departments FROM categories "
                                       "ORDER BY id")).all()
        departments = dict(db.session.execute(text("SELECT code, id FROM departments")).all())
        slots, first, second, kinds = [], [], [], []
        for position, (cid, code, kind, defaults) in enumerate(cats, start=1):
            defaults = defaults if isinstance(defaults, list) else json.loads(defaults or "[]")
            first.append(departments[defaults[0]] if defaults else departments["urban_management"])
            second.append(departments[defaults[1]] if len(defaults) > 1 else None)
            kinds.append(kind)
            slots += [position] * CATEGORY_WEIGHTS.get(code, 1)
        cat_ids = [c[0] for c in cats]
        chief_by_street = prepared["chief_ids"]
        n_now = f"TIMESTAMPTZ '{now.isoformat()}'"
        today = now.astimezone(BEIJING).date()
        conn = db.session.connection()

        def run(name, sql):
            started = time.perf_counter()
            result = conn.exec_driver_sql(sql)
            spent[name] = spent.get(name, 0) + time.perf_counter() - started
            return result

        for setting in ("max_parallel_workers_per_gather = 0", "session_replication_role = replica",
                        "work_mem = '256MB'"):  # one plan for the seeded random(); no FK triggers (built consistent)
            run("settings", f"SET {setting}")
        run("settings", f"SELECT setseed({seed})")
        run("alleys", """
            CREATE UNLOGGED TABLE bench_alley AS
            SELECT row_number() OVER (ORDER BY id)::int AS idx, id AS alley_id, street_id,
                   ST_GeometryN(geom, 1) AS line
            FROM alleys""")
        n_alleys = conn.exec_driver_sql("SELECT count(*) FROM bench_alley").scalar()
        # Every random number a case needs, then its history from them (times in UTC, Beijing days).
        run("cases", f"""
            CREATE UNLOGGED TABLE bench_case AS
            WITH r AS (
                SELECT i, random() AS r_alley, random() AS r_day, random() AS r_sec, random() AS r_cat,
                       random() AS r_out, random() AS r_esc, random() AS r_ack, random() AS r_w, random() AS r_site,
                       random() AS r_site2, random() AS r_fix, random() AS r_rate, random() AS r_ans,
                       random() AS r_two, random() AS r_pos, random() AS r_jx, random() AS r_jy, random() AS r_none
                FROM generate_series(1, {cases}) AS i),
            placed AS (
                SELECT r.*, a.alley_id, a.street_id,
                       ST_LineInterpolatePoint(a.line, r.r_pos) AS on_line,
                       (({_array(slots)})[1 + floor(r.r_cat * {len(slots)})::int]) AS cat_pos,
                       LEAST(((DATE '{today.isoformat()}' - floor({DAYS} * power(r.r_day, 1.15))::int)::timestamp
                              + (0.25 + 0.6 * r.r_sec) * INTERVAL '1 day') AT TIME ZONE 'Asia/Shanghai',
                             {n_now} - INTERVAL '5 minutes') AS received_at
                FROM r JOIN bench_alley a ON a.idx = 1 + floor(r.r_alley * {n_alleys})::int),
            lived AS (
                SELECT p.*,
                       CASE WHEN r_out < 0.06 THEN 'spot' WHEN r_out < 0.10 THEN 'reject'
                            WHEN r_out < 0.13 THEN 'duplicate' ELSE 'work' END AS fate,
                       ST_X(on_line) + (r_jx - 0.5) * 0.0003 AS lon, ST_Y(on_line) + (r_jy - 0.5) * 0.0003 AS lat,
                       ({_array(cat_ids)})[cat_pos] AS category_id,
                       ({_text_array(kinds)})[cat_pos] AS kind,
                       ({_array(first)})[cat_pos] AS dep1,
                       CASE WHEN r_two < 0.5 THEN ({_array(second)})[cat_pos] END AS dep2,
                       r_fix > 0.97 AS stuck
                FROM placed p),
            timed AS (
                SELECT l.*,
                       received_at + r_esc * INTERVAL '2 hours' AS spot_at,
                       CASE WHEN fate = 'spot' THEN NULL WHEN r_esc < 0.35 THEN received_at
                            ELSE received_at + r_esc * INTERVAL '3 hours' END AS esc_at
                FROM lived l),
            acked AS (
                SELECT t.*, esc_at + power(r_ack, 4) * INTERVAL '6 hours' AS ack_at FROM timed t),
            worked AS (
                SELECT a.*,
                       CASE WHEN fate = 'work' THEN ack_at + r_w * INTERVAL '30 minutes' END AS w_at,
                       CASE WHEN stuck THEN NULL
                            ELSE received_at + (0.5 + 14 * power(r_fix, 2)) * INTERVAL '1 day' END AS res_at,
                       CASE WHEN r_rate < 0.45 THEN 'satisfied' WHEN r_rate < 0.60 THEN 'basically'
                            WHEN r_rate < 0.66 THEN 'unsatisfied' END AS answer
                FROM acked a)
            SELECT w.*, w_at + INTERVAL '30 minutes' AS w_due,
                   CASE WHEN NOT (stuck AND r_site < 0.3) THEN w_at + power(r_site, 2) * INTERVAL '60 minutes'
                   END AS site_at,
                   CASE WHEN dep2 IS NOT NULL THEN w_at + power(r_site2, 2) * INTERVAL '60 minutes' END AS site2_at,
                   res_at + r_ans * INTERVAL '2 days' AS answer_at
            FROM worked w""")
        run("cases", f"""
            CREATE UNLOGGED TABLE bench_state AS
            SELECT c.*, row_number() OVER (ORDER BY received_at, i)::int AS id,
                   CASE WHEN fate = 'spot' THEN CASE WHEN spot_at <= {n_now} THEN 'handled_on_spot' ELSE 'submitted' END
                        WHEN fate IN ('reject', 'duplicate') THEN
                             CASE WHEN ack_at > {n_now} THEN 'escalated' WHEN fate = 'reject' THEN 'rejected'
                                  ELSE 'duplicate' END
                        WHEN res_at <= {n_now} THEN
                             CASE WHEN answer IS NOT NULL AND answer_at <= {n_now} THEN
                                       CASE WHEN answer = 'unsatisfied' THEN 'reopened' ELSE 'confirmed' END
                                  WHEN res_at + INTERVAL '3 days' <= {n_now} THEN 'unrated'
                                  ELSE 'resolved' END
                        WHEN w_at <= {n_now} THEN
                             CASE WHEN site_at <= {n_now} AND (dep2 IS NULL OR site2_at <= {n_now}) THEN 'on_site'
                                  ELSE 'whistled' END
                        WHEN ack_at <= {n_now} THEN 'accepted'
                        ELSE 'escalated' END AS status,
                   CASE WHEN ack_at <= {n_now} THEN ack_at END AS ack_met,
                   fate = 'work' AND w_at <= {n_now} AS whistled,
                   CASE WHEN site_at <= {n_now} THEN site_at END AS w_met,
                   CASE WHEN site2_at <= {n_now} THEN site2_at END AS w2_met,
                   fate = 'work' AND res_at <= {n_now} AS resolved
            FROM bench_case c""")
        reporters, chiefs = prepared["reporter_ids"], chief_by_street
        chief_case = "CASE street_id " + " ".join(f"WHEN {s} THEN {u}" for s, u in chiefs.items()) + " END"
        run("reports", f"""
            INSERT INTO reports (id, client_id, payload_hash, reporter_id, category_id, street_id, alley_id,
                                 description, location, accuracy_m, snap_distance_m, anonymous, status,
                                 follower_count, priority, duplicate_of_id, resolved_at, resolution_round,
                                 created_at, updated_at)
            SELECT id, 'bench-' || id, md5(id::text), ({_array(reporters)})[1 + mod(id, {len(reporters)})], category_id,
                   street_id, CASE WHEN r_none < 0.04 THEN NULL ELSE alley_id END, '',
                   ST_SetSRID(ST_MakePoint(lon, lat), 4326), 10, NULL, false, status, 0, 'normal', NULL,
                   CASE WHEN resolved THEN res_at END, CASE WHEN resolved THEN 1 ELSE 0 END,
                   received_at, {n_now}
            FROM bench_state ORDER BY id""")
        run("reports", "SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))")
        outcome = ("CASE WHEN status IN ('confirmed', 'unrated', 'handled_on_spot') THEN 'resolved' "
                   "WHEN status = 'resolved' THEN 'awaiting' WHEN status = 'rejected' THEN 'rejected' "
                   "WHEN status = 'duplicate' THEN 'duplicate' ELSE 'open' END")
        ack_due = "esc_at + INTERVAL '2 hours'"
        w_from = lambda met: f"CASE WHEN whistled THEN LEAST(w_due, COALESCE({met}, w_due)) END"  # noqa: E731
        w_missed = lambda met: f"CASE WHEN whistled AND ({met} IS NULL OR {met} > w_due) THEN w_due END"  # noqa: E731
        run("case_facts", f"""
            INSERT INTO case_facts (report_id, street_id, alley_id, category_id, received_at, received_on, lon, lat,
                                    outcome, response_from, response_missed_at, resolution_due_at, rating, unrated)
            SELECT id, street_id, CASE WHEN r_none < 0.04 THEN NULL ELSE alley_id END, category_id, received_at,
                   (received_at AT TIME ZONE 'Asia/Shanghai')::date, lon, lat, {outcome},
                   LEAST(LEAST({ack_due}, COALESCE(ack_met, {ack_due})), {w_from('w_met')},
                         CASE WHEN dep2 IS NOT NULL THEN {w_from('w2_met')} END),
                   LEAST(CASE WHEN esc_at IS NOT NULL AND (ack_met IS NULL OR ack_met > {ack_due}) THEN {ack_due} END,
                         {w_missed('w_met')}, CASE WHEN dep2 IS NOT NULL THEN {w_missed('w2_met')} END),
                   received_at + INTERVAL '7 days',
                   CASE WHEN status IN ('confirmed', 'reopened') THEN answer END, status = 'unrated'
            FROM bench_state ORDER BY id""")
        one = lambda dep, met: f"""
                SELECT id, {dep} AS department_id, kind,
                       CASE WHEN resolved THEN 'done' WHEN {met} IS NOT NULL THEN 'on_site' ELSE 'whistled' END AS status,
                       {chief_case} AS whistled_by_id, w_at, w_due, {met} AS on_site_at,
                       CASE WHEN resolved THEN res_at END AS done_at
                FROM bench_state WHERE whistled AND {dep} IS NOT NULL"""  # noqa: E731
        run("whistles", f"""
            INSERT INTO whistles (report_id, department_id, kind, status, whistled_by_id, whistled_at, due_at,
                                  on_site_at, done_at, closed_at)
            SELECT id, department_id, kind, status, whistled_by_id, w_at, w_due, on_site_at, done_at, done_at
            FROM ({one("dep1", "w_met")} UNION ALL {one("dep2", "w2_met")}) AS w ORDER BY w_at, id""")
        # Coverage: 60% of the alleys claimed by 1-3 stewards, each patrolled every 5 to 15 days.
        run("patrols", """
            UPDATE alleys SET steward_count = 1 + floor(random() * 3)::int WHERE random() < 0.6""")
        run("patrols", f"""
            INSERT INTO patrols (client_id, payload_hash, user_id, alley_id, started_at, finished_at, duration_s,
                                 distance_m, track, fix_count, coverage_ratio, covered, hours, checklist, problems,
                                 created_at)
            SELECT 'bench-patrol-' || a.id || '-' || k, md5(a.id || '-' || k), {prepared['steward_id']}, a.id,
                   finished - INTERVAL '40 minutes', finished, 2400, a.length_m,
                   ST_SetSRID(ST_MakeLine(ST_StartPoint(ST_GeometryN(a.geom, 1)), ST_EndPoint(ST_GeometryN(a.geom, 1))),
                              4326),
                   40, 0.8, random() < 0.85, 0.7, '{{}}', '{{}}', finished
            FROM alleys a CROSS JOIN generate_series(0, {DAYS // 10}) AS k
            CROSS JOIN LATERAL (SELECT {n_now} - (k * 10 + random() * 5) * INTERVAL '1 day' AS finished) t
            WHERE a.steward_count > 0 ORDER BY finished""")
        run("cleanup", "DROP TABLE bench_alley, bench_case, bench_state")
        run("cleanup", "SET session_replication_role = origin")
        db.session.commit()
        conn = db.engine.raw_connection()
        try:
            conn.dbapi_connection.autocommit = True
            started = time.perf_counter()
            conn.dbapi_connection.execute("VACUUM ANALYZE")
            spent["vacuum analyze"] = time.perf_counter() - started
        finally:
            conn.close()
        db.session.remove()
        db.engine.dispose()
    return spent


def describe(url: str, now: datetime) -> list[str]:
    """What was generated: rows per table and the mix of outcomes."""
    app = make_app(url)
    with app.app_context():
        lines = []
        counts = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("reports", "case_facts", "whistles", "patrols", "alleys", "streets")}
        lines.append("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        mix = db.session.execute(text("SELECT outcome, count(*) FROM case_facts GROUP BY 1 ORDER BY 2 DESC")).all()
        lines.append("outcomes: " + ", ".join(f"{o} {n / counts['case_facts']:.1%}" for o, n in mix))
        per_street = db.session.execute(text(
            "SELECT min(n), max(n), avg(n) FROM (SELECT street_id, count(*) n FROM case_facts "
            "WHERE received_on > :d GROUP BY 1) s"), {"d": now.astimezone(BEIJING).date() - timedelta(days=30)}).one()
        lines.append(f"cases per street in the last 30 days: min {per_street[0]:,}, max {per_street[1]:,}, "
                     f"mean {float(per_street[2]):,.0f}")
        overdue = db.session.execute(text("SELECT count(*) FROM whistles WHERE closed_at IS NULL AND "
                                          "status = 'whistled' AND due_at < :now"), {"now": now}).scalar()
        lines.append(f"overdue whistles now: {overdue:,}")
        db.session.remove()
        db.engine.dispose()
    return lines


# --- 3. in process: the parts of dashboard() and their SQL ---------------------------------------------

class SqlLog:
    """Every statement the engine runs while on, with its parameters and its time."""

    def __init__(self, engine):
        self.on, self.entries, self.engine = False, [], engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.entries.append((statement, parameters, 1000 * (time.perf_counter() - conn.info["bench_started"])))


def profile_parts(url: str, prepared: dict, now: datetime, explain_top: int = 4, planner: dict | None = None,
                  label: str = "") -> list[str]:
    """dashboard() for every street (days=30), its parts timed by wrapping the module's functions; `planner`:
    PostgreSQL settings for these connections only (SET at connect), to see what the planner would choose."""
    from webapp.services.performance import dashboard as performance
    from webapp.services.performance.dashboard import Period, Scope

    app = make_app(url)
    app.config["RANKING_CACHE_SECONDS"] = 0  # every part counted, the district ranking too (its worst case)
    lines = []
    with app.test_request_context("/?lang=zh"):
        if planner:
            @event.listens_for(db.engine, "connect")
            def tune(dbapi_connection, record):
                with dbapi_connection.cursor() as cursor:
                    for name, value in planner.items():
                        cursor.execute(f"SET {name} = {value}")
                dbapi_connection.commit()
        log = SqlLog(db.engine)
        part_times = defaultdict(list)
        current = {"part": None}
        originals = {name: getattr(performance, name) for name in
                     ("totals", "series", "breakdown", "hotspots", "overdue_whistles", "coverage")}
        names = {"series": "series", "hotspots": "hotspots", "overdue_whistles": "overdue", "coverage": "coverage"}

        def wrap(name, fn):
            def timed(*args, **kwargs):
                if name == "breakdown":
                    part = {"category": "categories", "department": "departments", "alley": "alleys",
                            "street": "streets"}[args[0]]
                elif name == "totals":
                    part = "totals" if "totals" not in current["seen"] else "previous_totals"
                    current["seen"].add("totals")
                else:
                    part = names[name]
                current["part"] = part
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    part_times[part].append(1000 * (time.perf_counter() - started))
                    current["part"] = None
            return timed

        for name, fn in originals.items():
            setattr(performance, name, wrap(name, fn))
        whole, runs, statements = [], [], defaultdict(list)
        try:
            viewable = [{"id": k, "name": v} for k, v in performance.names_of_streets().items()]
            today = now.astimezone(BEIJING).date()
            for rounds in range(2):  # the first round warms the caches; the second is measured
                for street_id in prepared["streets"]:
                    current["seen"] = set()
                    log.on, log.entries = rounds == 1, []
                    started = time.perf_counter()
                    performance.dashboard(Scope((street_id,)), Period.last(30, today), "day", now, viewable)
                    elapsed = 1000 * (time.perf_counter() - started)
                    log.on = False
                    db.session.rollback()
                    if rounds == 0:
                        part_times.clear()
                        continue
                    whole.append(elapsed)
                    runs.append(dict(part_times))
                    part_times.clear()
                    for statement, params, ms in log.entries:
                        statements[statement].append((ms, params))
        finally:
            for name, fn in originals.items():
                setattr(performance, name, fn)
        total = statistics.median(whole)
        lines.append(f"dashboard() in process{label}, street, days=30, {len(whole)} streets: p50 {total:.0f} ms, "
                     f"max {max(whole):.0f} ms; its parts (median ms, share of the median total):")
        for part in PARTS:
            ms = statistics.median(sum(run.get(part, [])) for run in runs)
            lines.append(f"  {part:16s} {ms:7.1f} ms  {ms / total:6.1%}")
        rest = statistics.median(elapsed - sum(sum(v) for v in run.values()) for elapsed, run in zip(whole, runs))
        lines.append(f"  {'(the rest)':16s} {rest:7.1f} ms  {rest / total:6.1%}  (names, definitions, JSON-ready dicts)")
        ranked = sorted(statements.items(), key=lambda kv: -statistics.median(m for m, _ in kv[1]))
        lines.append(f"slowest SQL statements (median ms over the {len(whole)} street dashboards):")
        for statement, runs in ranked[:6]:
            lines.append(f"  {statistics.median(m for m, _ in runs):7.1f} ms x{len(runs) // len(whole)}  "
                         + " ".join(statement.split())[:150])
        for statement, runs in ranked[:explain_top]:
            params = max(runs, key=lambda r: r[0])[1]
            plan = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
            db.session.rollback()
            lines.append("")
            lines.append(f"EXPLAIN ANALYZE ({statistics.median(m for m, _ in runs):.0f} ms median): "
                         + " ".join(statement.split()))
            lines.append(f"  params: {params}")
            lines += ["  " + row[0] for row in plan]
        db.session.remove()
        db.engine.dispose()
    return lines


def ranking_figures(url: str, now: datetime, rounds: int = 5) -> list[str]:
    """What a viewer waits for when the shared district ranking has to be counted (a cache miss)."""
    from webapp.services.performance.dashboard import Period, district_ranking

    app = make_app(url)
    app.config["RANKING_CACHE_SECONDS"] = 0
    lines = ["district_ranking() counted anew (what the first viewer of a minute waits for), ms:"]
    with app.test_request_context("/?lang=zh"):
        today = now.astimezone(BEIJING).date()
        for days in (30, 90, 365):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                district_ranking(Period.last(days, today), now)
                times.append(1000 * (time.perf_counter() - started))
            lines.append(f"  days={days:<4d} median {statistics.median(times):7.1f}  max {max(times):7.1f}")
        db.session.remove()
        db.engine.dispose()
    return lines


# --- 4. over HTTP ----------------------------------------------------------------------------------------

def http_figures(url: str, prepared: dict, requests: int, all_requests: int, ranking_cache_seconds: int = 60):
    """Yields (view, n, p50, p95, max, statuses, bytes) for each view, one client on a keep-alive connection.
    ranking_cache_seconds 0: the district ranking counted in every request (no sharing between viewers)."""
    port = free_port()
    server = start_gunicorn("bench.http_app:app", url, port,
                            env={"RANKING_CACHE_SECONDS": str(ranking_cache_seconds)})
    street_ids = list(prepared["streets"])
    try:
        def header(cookie):
            return {"Cookie": f"session={cookie}"}

        views = [(f"street=<id>&days={days}", requests,
                  lambda n, days=days: (f"/api/v1/performance?street={street_ids[n % len(street_ids)]}&days={days}",
                                        prepared["cookies"][street_ids[n % len(street_ids)]]))
                 for days in (30, 90)]
        views += [(f"street=all&days={days}", all_requests,
                   lambda n, days=days: (f"/api/v1/performance?street=all&days={days}", prepared["admin_cookie"]))
                  for days in (30, 90)]
        for name, count, make in views:
            warm = [make(n) for n in range(4)]  # both workers, their connections and caches
            load(port, [[("GET", path, None, header(cookie)) for path, cookie in warm]])
            path, cookie = make(0)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", path, headers=header(cookie))
            size = len(conn.getresponse().read())
            conn.close()
            latencies, _, statuses = load(port, [[("GET", p, None, header(c)) for p, c in map(make, range(count))]])
            yield (name, count, percentile(latencies, 50), percentile(latencies, 95), max(latencies), statuses, size)
    finally:
        server.terminate()
        server.wait(10)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per street view")
    parser.add_argument("--all-requests", type=int, default=100, help="requests per all-streets view")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)
    require_shared_data()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with PostgisCluster() as cluster:
        url = cluster.create_database("bench_performance")
        started = time.perf_counter()
        prepared = prepare(url)
        prepared_s = time.perf_counter() - started
        spent = generate(url, prepared, args.cases, now)
        generated = sum(spent.values())
        print(f"PostGIS, {args.cases:,} cases over {DAYS} days in {len(prepared['streets'])} Dongcheng streets")
        print(f"set-up {prepared_s:.1f} s (migrations, Dongcheng import {prepared['imported_s']:.1f} s, people); "
              f"generation {generated:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))
        for line in describe(url, now):
            print(line)
        print()
        for line in profile_parts(url, prepared, now):
            print(line)
        print()
        for line in profile_parts(url, prepared, now, explain_top=2, planner=SSD_PLANNER,
                                  label=" with the planner told of an SSD and RAM (random_page_cost 1.1, "
                                        "effective_cache_size 4GB; these connections only)"):
            print(line)
        print()
        for line in ranking_figures(url, now):
            print(line)
        if not args.no_http:
            for seconds, title in ((60, "the district ranking shared for 60 s (RANKING_CACHE_SECONDS=60, the default)"),
                                   (0, "the district ranking counted in every request (RANKING_CACHE_SECONDS=0)")):
                print()
                print(f"GET /api/v1/performance over HTTP (gunicorn 2x4, one client), {title}, ms:")
                for name, count, p50, p95, worst, statuses, size in http_figures(
                        url, prepared, args.requests, args.all_requests, seconds):
                    mark = ""
                    if name.startswith("street=<id>&days=30"):
                        mark = "  target p95 <= %d ms: %s" % (TARGET_P95_MS,
                                                              "met" if p95 <= TARGET_P95_MS else "MISSED")
                    print(f"  {name:22s} n={count:4d}  p50 {p50:7.1f}  p95 {p95:7.1f}  max {worst:7.1f}  "
                          f"{size // 1024} KB  {statuses}{mark}")


if __name__ == "__main__":
    main()

"""Benchmark of notification delivery: bursts of notifications through the worker to a local push service.

Run: .venv/bin/python -m bench.push_delivery [--db spatialite|postgis|both] [--n 1000] [--steady 200 --rate 40]
                                            [--service-ms 0]
For each engine, N notifications are committed at once (one per user, one device each) while the worker is
idle, and delivered by the real pywebpush sender (VAPID-signed, aes128gcm) to tests/push/push_service.py on
loopback: by the worker in this process (a thread), by one `flask notify worker` process, and by two. Then a
steady trickle (--steady notifications at --rate per second, each in its own transaction, as case steps write
them) through one worker process. Prints total time, deliveries/s and latency p50/p95/max, from the
notification's created_at to the push service's received_at; and checks every delivery arrived exactly once.
"""
import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from bench.common import make_app, percentile  # noqa: F401  (sets ALLEYS_INSTANCE_DIR first)

import flask_migrate  # noqa: E402
from py_vapid import Vapid  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from tests.push.push_service import PushService  # noqa: E402
from tests.support.postgis_cluster import PostgisCluster  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Delivery, Notification, NotificationKind, Report, Role  # noqa: E402
from webapp.models.reports import as_utc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
USERS = 200  # residents, one browser each; a burst of N gives each of them N / USERS notifications
INTERVAL = 0.2  # the workers' --interval: how long an idle worker sleeps before looking again


@contextmanager
def database(engine: str):
    """A fresh, migrated database of the engine; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="alleys-bench-push-") as tmp:
        if engine == "spatialite":
            url, cluster = f"sqlite:///{tmp}/bench.sqlite", None
        else:
            cluster = PostgisCluster().start()
            url = cluster.create_database("bench_push")
        try:
            app = make_app(url)
            with app.app_context():
                flask_migrate.upgrade()
                db.engine.dispose()
            yield url
        finally:
            if cluster:
                cluster.stop()


def configure(app, vapid: Vapid):
    app.config.update(VAPID_PRIVATE_KEY=vapid.private_pem().decode(), PUSH_REQUIRE_HTTPS=False, SMS_PROVIDER="off")
    app.extensions.pop("vapid", None)
    app.extensions.pop("sms", None)
    return app


def prepare(app, push: PushService) -> tuple[list[int], int]:
    """USERS residents of the demo street, each with one subscribed browser, and one case to talk about."""
    import webapp.models.people as people
    from tests.factories import alleys_of, demo_street, file_report
    from tests.services.cases.test_reports import on_alley, report_at
    from webapp.services.volunteers.people import create_user
    from webapp.services.notifications.subscriptions import subscribe

    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1")  # passwords play no part here
    original, people.generate_password_hash = people.generate_password_hash, cheap
    try:
        with app.app_context():
            street = demo_street()
            users = [create_user(display_name=f"压测{i}", username=f"push{i}", password="bench-password",
                                 role=Role.RESIDENT, street_name=street.name) for i in range(USERS)]
            for user in users:
                subscribe(user, push.new_device()[1], device="bench browser")
            report, _ = file_report(users[0], report_at(*on_alley(alleys_of(street)[0])))
            ids = [u.id for u in users]
            report_id = report.id
            db.session.remove()
    finally:
        people.generate_password_hash = original
    return ids, report_id


def write_notifications(app, user_ids, report_id: int, n: int, rate: float | None = None) -> list[int]:
    """n RESOLVED notifications round-robin over the users: all in one transaction (a burst), or one per
    transaction at `rate` per second."""
    from webapp.services.notifications.outbox import notify

    with app.app_context():
        report = db.session.get(Report, report_id)
        rows, ids, start = [], [], time.perf_counter()
        for i in range(n):
            rows += notify([user_ids[i % len(user_ids)]], NotificationKind.RESOLVED, report)
            if rate:
                db.session.flush()
                ids += [row.id for row in rows]
                rows = []
                db.session.commit()
                time.sleep(max(0.0, start + (i + 1) / rate - time.perf_counter()))
        db.session.flush()  # the ids, before the commit hands the rows to the workers
        ids += [row.id for row in rows]
        db.session.commit()
        db.session.remove()
    return ids


class Workers:
    """`count` workers: threads of this process running run_worker, or `flask notify worker` processes."""

    def __init__(self, app, kind: str, count: int, url: str, vapid: Vapid, log: Path):
        self.app, self.kind, self.log = app, kind, log
        self.stop_event, self.threads, self.processes = threading.Event(), [], []
        if kind == "thread":
            from webapp.services.notifications.delivery import run_worker

            for _ in range(count):
                thread = threading.Thread(target=run_worker, args=(app,),
                                          kwargs={"interval": INTERVAL, "stop": self.stop_event}, daemon=True)
                thread.start()
                self.threads.append(thread)
        else:
            env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", VAPID_PRIVATE_KEY=vapid.private_pem().decode(),
                       PUSH_REQUIRE_HTTPS="0", SMS_PROVIDER="off", NOTIFY_WORKER_IN_PROCESS="0")
            flask = str(Path(sys.executable).parent / "flask")
            for _ in range(count):
                self.processes.append(subprocess.Popen(
                    [flask, "--app", "wsgi", "notify", "worker", "--interval", str(INTERVAL)], cwd=ROOT, env=env,
                    stdout=log.open("ab"), stderr=subprocess.STDOUT))

    def check(self):
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"a worker exited ({process.returncode}):\n{self.log.read_text()[-3000:]}")

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(30)
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def failed_rounds(self) -> int:
        if not self.log.exists():
            return 0
        return self.log.read_text(errors="replace").count("notification worker round failed")


def arrived(push: PushService, ids) -> list:
    wanted = set(ids)
    with push._lock:
        messages = list(push.received)
    return [m for m in messages if json.loads(m.payload)["id"] in wanted]


def wait_arrived(push, ids, workers: Workers, timeout: float) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = arrived(push, ids)
        if len(got) >= len(ids):
            return got
        workers.check()
        time.sleep(0.02)
    raise RuntimeError(f"only {len(arrived(push, ids))} of {len(ids)} arrived in {timeout} s")


def figures(app, push, ids, messages) -> dict:
    with app.app_context():
        created = {i: as_utc(at) for i, at in db.session.execute(
            db.select(Notification.id, Notification.created_at).where(Notification.id.in_(ids)))}
        states = Counter(db.session.scalars(db.select(Delivery.state).where(Delivery.notification_id.in_(ids))))
        db.session.remove()
    latencies = [m.received_at - created[json.loads(m.payload)["id"]].timestamp() for m in messages]
    copies = Counter((json.loads(m.payload)["id"], m.device_token) for m in messages)
    first = min(c.timestamp() for c in created.values())
    total = max(m.received_at for m in messages) - first
    return {"n": len(messages), "total": total, "rate": len(messages) / total,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "max": max(latencies),
            "duplicates": sum(c - 1 for c in copies.values()),
            "states": {s.value: k for s, k in states.items()}}


def run(engine: str, url: str, n: int, steady: int, rate: float, log_dir: Path, service_ms: float = 0) -> list[tuple]:
    vapid = Vapid()
    vapid.generate_keys()
    rows = []
    with PushService() as push:
        push.delay = service_ms / 1000
        app = configure(make_app(url), vapid)
        user_ids, report_id = prepare(app, push)
        modes = [("burst, in-process worker thread", "thread", 1, n, None),
                 ("burst, 1 worker process", "process", 1, n, None),
                 ("burst, 2 worker processes", "process", 2, n, None)]
        if steady:
            modes.append((f"steady {rate:g}/s, 1 worker process", "process", 1, steady, rate))
        for label, kind, count, how_many, per_second in modes:
            workers = Workers(app, kind, count, url, vapid, log_dir / f"{engine}-{kind}-{count}.log")
            try:
                probe = write_notifications(app, user_ids, report_id, 1)  # the workers are up and idle
                wait_arrived(push, probe, workers, 60)
                time.sleep(2 * INTERVAL)
                ids = write_notifications(app, user_ids, report_id, how_many, per_second)
                messages = wait_arrived(push, ids, workers, 600)
                time.sleep(0.5)  # anything sent twice would arrive by now
                messages = arrived(push, ids)
            finally:
                workers.stop()
            result = figures(app, push, ids, messages)
            result["failed_rounds"] = workers.failed_rounds()
            rows.append((engine, label, result))
            print(f"  {engine:10} {label:36} {result['n']:5} in {result['total']:6.2f} s  "
                  f"{result['rate']:7.1f}/s  p50 {result['p50'] * 1000:7.0f} ms  p95 {result['p95'] * 1000:7.0f} ms  "
                  f"max {result['max'] * 1000:7.0f} ms  dup {result['duplicates']}  {result['states']}  "
                  f"failed rounds {result['failed_rounds']}", flush=True)
        with app.app_context():
            db.engine.dispose()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("spatialite", "postgis", "both"), default="both")
    parser.add_argument("--n", type=int, default=1000, help="notifications per burst")
    parser.add_argument("--steady", type=int, default=200, help="notifications in the steady run (0: none)")
    parser.add_argument("--rate", type=float, default=40.0, help="notifications per second in the steady run")
    parser.add_argument("--service-ms", type=float, default=0.0,
                        help="the push service waits this long before answering (a real one is 50-300 ms away)")
    args = parser.parse_args(argv)
    engines = ("spatialite", "postgis") if args.db == "both" else (args.db,)
    print(f"push delivery: {USERS} users x 1 browser, bursts of {args.n} notifications; workers poll every "
          f"{INTERVAL} s when idle, batches of 50; local push service on loopback (TCP_NODELAY), answering "
          f"after {args.service_ms:g} ms")
    log_dir = Path(tempfile.mkdtemp(prefix="alleys-bench-push-logs-"))
    try:
        for engine in engines:
            with database(engine) as url:
                run(engine, url, args.n, args.steady, args.rate, log_dir, args.service_ms)
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

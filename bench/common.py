"""Shared set-up for benchmarks: fresh migrated databases on both engines, and timing helpers."""
import atexit
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

if "ALLEYS_INSTANCE_DIR" not in os.environ:  # the in-process apps' secret key: a folder gone after the run
    os.environ["ALLEYS_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="alleys-bench-instance-")
    atexit.register(shutil.rmtree, os.environ["ALLEYS_INSTANCE_DIR"], ignore_errors=True)

import flask_migrate  # noqa: E402

from tests.support.postgis_cluster import PostgisCluster  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

SECRET = "bench-secret"  # signs the sessions the load clients carry
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SUBDISTRICTS = SHARED_DATA / "dongcheng" / "subdistricts_gcj02.geojson"
ROADS = SHARED_DATA / "dongcheng" / "roads_gcj02.geojson"


def require_shared_data():
    if not ROADS.exists():
        sys.exit(f"bench needs the real data in {SHARED_DATA} (../shared/data beside the repo)")


@contextmanager
def databases():
    """Yields {engine name: url} for a fresh SpatiaLite file and a fresh PostGIS database."""
    with tempfile.TemporaryDirectory(prefix="alleys-bench-") as tmp, PostgisCluster() as cluster:
        urls = {"spatialite": f"sqlite:///{tmp}/bench.sqlite", "postgis": cluster.create_database("bench")}
        for url in urls.values():
            app = make_app(url)
            with app.app_context():
                flask_migrate.upgrade()
                db.engine.dispose()
        yield urls


def make_app(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, url: str, port: int, env: dict | None = None) -> subprocess.Popen:
    """gunicorn (2 workers x 4 threads) serving `app` ("module:name") on loopback, once it accepts connections."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, **(env or {}))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app], env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def load(port: int, per_client: list[list[tuple]]) -> tuple[list[float], float, dict]:
    """One thread per client sends its (method, path, body, headers) requests on one keep-alive
    connection; returns latencies (ms), wall time (s) and the count of each status."""
    latencies, statuses, lock = [], {}, threading.Lock()

    def client(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for method, path, body, headers in requests:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(requests,)) for requests in per_client]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, statuses

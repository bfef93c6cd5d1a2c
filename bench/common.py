"""Shared set-up for benchmarks: fresh migrated databases on both engines, and timing helpers."""
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("ALLEYS_INSTANCE_DIR", tempfile.mkdtemp(prefix="alleys-bench-instance-"))

import flask_migrate  # noqa: E402

from tests.support.postgis_cluster import PostgisCluster  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

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

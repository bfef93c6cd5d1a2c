"""Shared fixtures: `app`, `client` and `dongcheng`, each run once on SpatiaLite and once on PostGIS."""
import os
import tempfile
from pathlib import Path

import pytest

# Keep test runs out of the developer's instance/ (secret key, database).
os.environ.setdefault("ALLEYS_INSTANCE_DIR", tempfile.mkdtemp(prefix="alleys-test-instance-"))

import flask_migrate  # noqa: E402
from flask import g, request_started  # noqa: E402

from tests.support.postgis_cluster import PostgisCluster, PostgisUnavailable  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

# ALLEYS_BACKENDS=spatialite (make test-quick) runs the database tests on the embedded default only.
BACKENDS = tuple(os.environ.get("ALLEYS_BACKENDS", "spatialite,postgis").split(","))
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"  # throwaway users; the app's default stays scrypt
KEEP_TABLES = {"departments", "categories"}  # seeded by the migrations


def shared_data(relative: str) -> Path:
    """A file from ../shared/data, or a skip: a user's clone has no ../shared."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (../shared is only beside CI and dev checkouts)")
    return path


def config_for(database_url: str) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH}


@pytest.fixture(scope="session")
def postgis():
    try:
        cluster = PostgisCluster().start()
    except PostgisUnavailable as err:
        if os.environ.get("ALLEYS_REQUIRE_POSTGIS") == "1":
            pytest.fail(f"PostGIS is required for this run: {err}")
        pytest.skip(f"PostGIS not available: {err}")
    yield cluster
    cluster.stop()


def new_database(request, backend: str, name: str) -> str:
    """A migrated, empty database of the given backend; returns its URL."""
    if backend == "postgis":
        url = request.getfixturevalue("postgis").create_database(name)
    else:
        url = f"sqlite:///{request.getfixturevalue('tmp_path_factory').mktemp(name) / 'test.sqlite'}"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request):
    return new_database(request, request.param, "alleys_test")


def _fresh_g_per_request(sender, **extra):
    # Tests hold an app context open around their requests, so every request would share one `g`
    # (Flask-Login's user, Flask-Babel's locale). In production each request gets its own.
    g.__dict__.clear()


request_started.connect(_fresh_g_per_request)


_seeded: dict[str, dict] = {}  # database url -> {table name: rows as the migrations left them}


@pytest.fixture
def app(database_url):
    app = create_app(config_for(database_url))
    with app.app_context():
        tables = [t for t in db.metadata.sorted_tables if t.name in KEEP_TABLES]
        if database_url not in _seeded:
            with db.engine.connect() as conn:
                _seeded[database_url] = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables}
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            for table in tables:  # seeded data (departments, categories) back as it was, whatever a test changed
                conn.execute(table.insert(), _seeded[database_url][table.name])
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session", params=BACKENDS)
def dongcheng_url(request):
    """A database holding the real Dongcheng streets and named alleys (imported once per backend)."""
    subdistricts = shared_data("dongcheng/subdistricts_gcj02.geojson")
    roads = shared_data("dongcheng/roads_gcj02.geojson")
    url = new_database(request, request.param, "alleys_dongcheng")
    from geo.importers.geojson import read_segments, read_streets
    from webapp.services.places.alleys import import_alleys, import_streets

    app = create_app(config_for(url))
    with app.app_context():
        import_streets(read_streets(subdistricts, "gcj02"))
        segments, skipped = read_segments(roads, "gcj02")
        import_alleys(segments, skipped)
        db.engine.dispose()
    return url


@pytest.fixture
def dongcheng(dongcheng_url):
    """An app on the Dongcheng database (read-only: tests must not change it)."""
    app = create_app(config_for(dongcheng_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def pytest_terminal_summary(terminalreporter):
    """Show that every database test ran on both engines."""
    counts = {backend: {} for backend in BACKENDS}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            for backend in BACKENDS:
                if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid or f"-{backend}-" in report.nodeid:
                    counts[backend][outcome] = counts[backend].get(outcome, 0) + 1
    terminalreporter.write_sep("-", "database tests per engine")
    for backend, outcome in counts.items():
        terminalreporter.write_line(f"{backend}: " + (", ".join(f"{n} {k}" for k, n in outcome.items()) or "none"))

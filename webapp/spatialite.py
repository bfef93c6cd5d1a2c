"""Makes every SQLite connection a SpatiaLite one: extension loaded, metadata present, FKs on, WAL."""
import sqlite3
import sys

from geoalchemy2.admin.dialects.sqlite import init_spatialite
from sqlalchemy import event
from sqlalchemy.engine import Engine


NO_EXTENSIONS = ("This Python ({python}) cannot load SQLite extensions, which SpatiaLite needs: use Debian's "
                 "/usr/bin/python3 (make run builds .venv with it) or a Python built with "
                 "--enable-loadable-sqlite-extensions.")


def require_extension_loading(connection_class=sqlite3.Connection) -> None:
    """Many self-built Pythons (pyenv's default among them) leave extension loading out of sqlite3: say so in one
    sentence and stop with status 1, instead of a traceback at the first query."""
    if not hasattr(connection_class, "enable_load_extension"):
        raise SystemExit(NO_EXTENSIONS.format(python=sys.executable))


def attach_spatialite(engine: Engine, library_path: str) -> None:
    if engine.dialect.name != "sqlite":
        return
    require_extension_loading()

    @event.listens_for(engine, "connect")
    def load_extension(dbapi_conn, _record):
        dbapi_conn.enable_load_extension(True)
        dbapi_conn.load_extension(library_path)
        dbapi_conn.enable_load_extension(False)
        # Spatial metadata is created once per file; WGS84 mode keeps it small and fast.
        init_spatialite(dbapi_conn, transaction=True, init_mode="WGS84")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA busy_timeout = 5000")
        # Write-ahead log: readers never wait for a writer, and a commit is one append and one fsync
        # (synchronous stays FULL, so a report answered 201 survives a power cut).
        if dbapi_conn.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            dbapi_conn.execute("PRAGMA journal_mode = WAL")

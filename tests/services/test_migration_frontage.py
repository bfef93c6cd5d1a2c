"""Migration 0015 (门前三包) upgrades a database that holds the previous release's data, losing nothing."""
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.unit.test_migration_upgrade import fill, previous_version  # noqa: F401 (the fixture)
from webapp.extensions import db

# The data is written as the previous release's tables were (plain SQL), never through today's models: those
# carry the columns of every later migration, which a database before 0015 does not have.
BEFORE = ScriptDirectory(str(Path(__file__).parents[2] / "webapp/migrations")).get_revision("0015").down_revision


def test_0015_keeps_the_reports_and_adds_shops(previous_version):  # noqa: F811
    with db.engine.begin() as conn:
        fill(conn)
        reports = conn.execute(text("SELECT id, description FROM reports ORDER BY id")).all()
    db.engine.dispose()
    flask_migrate.upgrade(revision="heads")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, description FROM reports ORDER BY id")).all() == reports
        assert conn.execute(text("SELECT count(*) FROM reports WHERE shop_id IS NOT NULL")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM shops")).scalar() == 0
    db.engine.dispose()
    flask_migrate.downgrade(revision=BEFORE)  # and back, for an operator who must
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, description FROM reports ORDER BY id")).all() == reports

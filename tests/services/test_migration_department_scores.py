"""Migration 0016 upgrades a database that already holds whistled cases, losing nothing; its downgrade takes only
the score tables away (scoring itself: tests/services/cases/test_department_scores.py)."""
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.unit.test_migration_upgrade import fill, previous_version  # noqa: F401 (the fixture)
from webapp.extensions import db

THIS = "0016"
# The cases are written as the previous release's tables were (plain SQL, tests/unit/test_migration_upgrade.py),
# never through today's models: those carry the columns of every later migration.
BEFORE = ScriptDirectory(str(Path(__file__).parents[2] / "webapp/migrations")).get_revision(THIS).down_revision


def test_0016_upgrades_a_database_with_whistled_cases(previous_version):  # noqa: F811
    with db.engine.begin() as conn:
        fill(conn)
        whistles = conn.execute(text("SELECT id, report_id, department_id FROM whistles ORDER BY id")).all()
        events = conn.execute(text("SELECT count(*) FROM report_events")).scalar()
    assert whistles
    db.engine.dispose()
    flask_migrate.upgrade(revision="heads")
    assert {"department_scores", "department_score_revisions"} <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, report_id, department_id FROM whistles ORDER BY id")).all() == whistles
        assert conn.execute(text("SELECT count(*) FROM report_events")).scalar() == events
    db.engine.dispose()

    flask_migrate.downgrade(revision=BEFORE)
    assert "department_scores" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, report_id, department_id FROM whistles ORDER BY id")).all() == whistles

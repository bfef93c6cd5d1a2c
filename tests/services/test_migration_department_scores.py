"""Migration 0016 upgrades a database that already holds resolved cases with whistles, losing nothing, and the
whistles can be scored at once; its downgrade takes only the score tables away."""
from pathlib import Path

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from tests.conftest import BACKENDS, config_for
from webapp import create_app
from webapp.extensions import db

THIS = "0016"
# The cases are made through today's models, so the database starts at the revision just before 0016 (it has
# every column of later-merged migrations); tests/unit/test_migration_upgrade.py covers older data in plain SQL.
BEFORE = ScriptDirectory(str(Path(__file__).parents[2] / "webapp/migrations")).get_revision(THIS).down_revision


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path_factory):
    """A database migrated up to the revision before 0016 only."""
    if request.param == "postgis":
        url = request.getfixturevalue("postgis").create_database("alleys_before_scores")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('before_scores') / 'test.sqlite'}"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()


def test_0016_upgrades_a_database_with_resolved_whistled_cases(old_database):
    from tests.factories import alleys_of, demo_street, file_report, make_user
    from tests.services.cases.test_reports import on_alley, report_at
    from webapp.models import Report, Role, Whistle
    from webapp.services.cases.department_scores import ScoreInput, score_department
    from webapp.services.cases.transitions import Step, transition

    street = demo_street()
    resident, chief, officer = make_user(Role.RESIDENT), make_user(Role.CHIEF), make_user(Role.OFFICER)
    report, _ = file_report(resident, report_at(*on_alley(alleys_of(street)[0])))
    for who, step, data in ((resident, Step.ESCALATE, {}), (chief, Step.ACCEPT, {}),
                            (chief, Step.WHISTLE, {"departments": ("urban_management",)}),
                            (officer, Step.REPORT_ON_SITE, {}), (officer, Step.FINISH_PART, {}),
                            (chief, Step.RESOLVE, {"note": "已清理"})):
        transition(who, report.id, step, **data)
    before = (db.session.scalar(select(func.count()).select_from(Report)),
              db.session.scalars(select(Whistle.id)).all(), len(db.session.get(Report, report.id).events))
    assert "department_scores" not in inspect(db.engine).get_table_names()
    db.session.remove()

    flask_migrate.upgrade(revision=THIS)
    assert {"department_scores", "department_score_revisions"} <= set(inspect(db.engine).get_table_names())
    after = (db.session.scalar(select(func.count()).select_from(Report)),
             db.session.scalars(select(Whistle.id)).all(), len(db.session.get(Report, report.id).events))
    assert after == before
    scored = score_department(db.session.merge(chief), report.id, ScoreInput(before[1][0], 4, 5, 4))
    assert scored.changed and scored.score.version == 1
    db.session.remove()

    flask_migrate.downgrade(revision=BEFORE)
    assert "department_scores" not in inspect(db.engine).get_table_names()
    assert db.session.scalars(select(Whistle.id)).all() == before[1]

"""Migration 0015 (门前三包) upgrades a database that holds the previous version's data, losing nothing."""
import uuid
from pathlib import Path

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.conftest import BACKENDS, config_for
from webapp import create_app
from webapp.extensions import db
from webapp.models import Role

# The demo is loaded through today's models, so the database starts just before 0015 (with the columns of every
# earlier migration); tests/unit/test_migration_upgrade.py covers the previous release's data in plain SQL.
BEFORE = ScriptDirectory(str(Path(__file__).parents[2] / "webapp/migrations")).get_revision("0015").down_revision


@pytest.mark.parametrize("backend", BACKENDS)
def test_0015_keeps_the_reports_and_adds_shops(request, tmp_path, backend):
    if backend == "postgis":
        url = request.getfixturevalue("postgis").create_database("alleys_frontage_upgrade")
    else:
        url = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        from webapp.services.demo import load_demo

        load_demo()  # streets, alleys and people: tables 0015 leaves as they are
        point = "ST_GeomFromText('POINT(116.3721 39.9432)', 4326)" if backend == "postgis" else \
            "GeomFromText('POINT(116.3721 39.9432)', 4326)"
        with db.engine.begin() as conn:
            ids = conn.execute(text("SELECT (SELECT id FROM users WHERE username = 'demo_resident'), "
                                    "(SELECT id FROM streets LIMIT 1), (SELECT id FROM categories LIMIT 1)")).one()
            conn.execute(text(
                "INSERT INTO reports (client_id, payload_hash, reporter_id, category_id, street_id, description, "
                "location, anonymous, status, follower_count, priority, resolution_round, created_at, updated_at) "
                f"VALUES (:key, 'x', :user, :category, :street, '杂物堵路', {point}, false, 'submitted', 0, 'normal', "
                "0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"key": str(uuid.uuid4()), "user": ids[0], "street": ids[1], "category": ids[2]})
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT description, shop_id FROM reports")).all() == [("杂物堵路", None)]
            assert conn.execute(text("SELECT count(*) FROM shops")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM users WHERE username LIKE 'demo_%'")).scalar() == len(Role)
        flask_migrate.downgrade(revision=BEFORE)  # and back, for an operator who must
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT description FROM reports")).scalar() == "杂物堵路"
        db.session.remove()
        db.engine.dispose()

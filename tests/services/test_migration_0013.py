"""Migration 0013 (the community tier) upgrades a database holding 0011's data without loss: grants and
invitations are copied by SQLite's batch mode, reports keep their rows, safety categories become street first."""
import flask_migrate
import pytest
from sqlalchemy import text

from tests.conftest import BACKENDS, config_for
from webapp import create_app
from webapp.extensions import db


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    if request.param == "postgis":
        url = request.getfixturevalue("postgis").create_database("alleys_upgrade_0013")
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade(revision="0011")
        point = ("ST_SetSRID(ST_MakePoint(116.371, 39.943), 4326)" if url.startswith("postgres")
                 else "MakePoint(116.371, 39.943, 4326)")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO streets (id, name, source, is_demo, created_at) "
                              "VALUES (1, '东四街道', '', false, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO users (id, display_name, username, password_hash, active, open_claims, "
                              "open_teams, open_posts, login_token, is_demo, is_partner, created_at) VALUES "
                              "(1, '老王', 'laowang', 'x', true, 0, 0, 0, 't', false, false, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO role_grants (id, user_id, role, street_id, granted_at) "
                              "VALUES (1, 1, 'steward', 1, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO invitations (id, code, role, street_id, created_at, expires_at, max_uses, "
                              "uses) VALUES (1, 'ABCDEFGHJK', 'chief', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0)"))
            category = conn.execute(text("SELECT id FROM categories ORDER BY id LIMIT 1")).scalar()
            conn.execute(text(
                "INSERT INTO reports (id, client_id, payload_hash, reporter_id, category_id, street_id, description, "
                f"location, anonymous, status, follower_count, priority, resolution_round, created_at, updated_at) "
                f"VALUES (1, 'c1', 'h', 1, :category, 1, '杂物', {point}, false, 'escalated', 0, 'normal', 0, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"category": category})
        db.engine.dispose()
    return app


def test_upgrading_keeps_the_data_and_adds_the_community_tier(old_database):
    with old_database.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT user_id, role, street_id, community_id FROM role_grants")).all() == \
                [(1, "steward", 1, None)]
            assert conn.execute(text("SELECT code, role, community_id FROM invitations")).all() == \
                [("ABCDEFGHJK", "chief", None)]
            assert conn.execute(text("SELECT id, status, community_id, held_by_community_id FROM reports")).all() == \
                [(1, "escalated", None, None)]
            safety = conn.execute(text("SELECT is_safety, street_first FROM categories")).all()
            assert safety and all(bool(is_safety) == bool(first) for is_safety, first in safety)
        # A community worker's grant must name its community: the new check holds.
        with pytest.raises(Exception), db.engine.begin() as conn:
            conn.execute(text("INSERT INTO role_grants (user_id, role, street_id, granted_at) "
                              "VALUES (1, 'community_worker', 1, CURRENT_TIMESTAMP)"))
        db.engine.dispose()

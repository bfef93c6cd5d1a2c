"""`flask db upgrade` builds exactly what the models describe, spatial indexes included."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from webapp.extensions import db, include_in_migrations
from webapp.models import Department


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_in_migrations, "compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_spatial_indexes_exist(app):
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'"))
        names = {r[0] for r in rows}
    else:
        rows = db.session.execute(text("SELECT f_table_name FROM geometry_columns WHERE spatial_index_enabled = 1"))
        names = {f"idx_{r[0]}_geom" for r in rows}
    assert {"idx_streets_geom", "idx_alleys_geom", "idx_communities_geom"} <= names


def test_geometry_is_stored_in_wgs84(app):
    sql = "SELECT f_table_name, srid FROM geometry_columns"
    assert {srid for _, srid in db.session.execute(text(sql))} == {4326}


def test_the_departments_to_whistle_are_seeded(app):
    names = set(db.session.scalars(db.select(Department.name)))
    assert {"城管执法", "公安", "消防", "交通", "市场监管", "房管", "规划", "园林", "文化"} <= names
    assert inspect(db.engine).has_table("role_grants")

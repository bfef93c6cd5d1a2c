"""Migration 0017 (the base map) adds basemap_features with its spatial index, and goes back cleanly."""
from pathlib import Path

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.conftest import BACKENDS, config_for
from webapp import create_app
from webapp.extensions import db

BEFORE = ScriptDirectory(str(Path(__file__).parents[2] / "webapp/migrations")).get_revision("0017").down_revision


@pytest.mark.parametrize("backend", BACKENDS)
def test_0017_adds_the_base_map_table_and_drops_it_again(request, tmp_path, backend):
    if backend == "postgis":
        url = request.getfixturevalue("postgis").create_database("alleys_basemap_upgrade")
        point = "ST_GeomFromText('POINT(116.4 39.9)', 4326)"
    else:
        url = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
        point = "GeomFromText('POINT(116.4 39.9)', 4326)"
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        assert "basemap_features" not in inspect(db.engine).get_table_names()
        flask_migrate.upgrade(revision="0017")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO basemap_features (layer, kind, name, minzoom, source, geom) "
                              f"VALUES ('landmarks', 'gate', '东直门', 15, 'test', {point})"))
            assert conn.execute(text("SELECT name FROM basemap_features")).scalar() == "东直门"
        flask_migrate.downgrade(revision=BEFORE)
        assert "basemap_features" not in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()

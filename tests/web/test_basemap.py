"""The base map over HTTP and the command line: tiles for anyone, the map pages' settings, the flask commands."""
import json
import re

import mapbox_vector_tile

from geo.vector_tiles import tile_of
from tests.conftest import shared_data
from tests.geo.test_geo_basemap import SMALL_OSM
from webapp.extensions import db
from webapp.models import BasemapFeature
from webapp.services.demo import demo_boundary, load_demo
from webapp.services.demo import load_demo_basemap

MIDDLE = demo_boundary().centroid


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def basemap_settings(page: str) -> dict:
    found = re.search(r"js/basemap\.js[^>]*data-settings='([^']*)'", page)
    return json.loads(found.group(1).replace("&#34;", '"').replace("&amp;", "&")) if found else {}


def test_a_tile_is_a_vector_tile_anyone_may_fetch(app, client):
    load_demo_basemap()
    x, y = tile_of(MIDDLE.x, MIDDLE.y, 16)
    response = client.get(f"/tiles/16/{x}/{y}.mvt?v=1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    assert "max-age" in response.headers["Cache-Control"]
    assert "buildings" in mapbox_vector_tile.decode(response.data)


def test_a_tile_outside_the_world_is_not_found(app, client):
    assert client.get("/tiles/3/8/0.mvt").status_code == 404
    assert client.get("/tiles/16/54000/24800.mvt").data == b""  # nothing there: an empty tile


def test_the_map_page_draws_the_vector_base_map_when_no_tile_url_is_set(app, client):
    load_demo()
    settings = basemap_settings(client.get("/").get_data(as_text=True))
    assert settings["tiles"].startswith("/tiles/{z}/{x}/{y}.mvt?v=")
    assert settings["library"].startswith("/static/vendor/protomaps-leaflet.js")
    app.config["TILE_URL"] = "https://tiles.example/{z}/{x}/{y}.png"
    assert basemap_settings(client.get("/").get_data(as_text=True))["tiles"] == ""  # the raster tiles instead


def test_every_map_page_loads_the_base_map_before_its_own_script(app):
    from pathlib import Path

    templates = Path(app.root_path) / "templates"
    for page in templates.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "leaflet.js', 'leaflet.static'" in text:
            assert '{% include "_basemap.html" %}' in text, page


def test_flask_basemap_import_osm_then_build_tiles(app, tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(SMALL_OSM, encoding="utf-8")
    result = run(app, "basemap", "import-osm", str(path))
    assert result.exit_code == 0, result.output
    assert "10 base-map features imported from small.osm; skipped: 1 incomplete geometry" in result.output
    built = run(app, "basemap", "build-tiles", "--output", str(tmp_path / "out.mbtiles"))
    assert built.exit_code == 0 and "tiles" in built.output and (tmp_path / "out.mbtiles").exists()


def test_flask_basemap_import_roads_keeps_every_dongcheng_road(app):
    result = run(app, "basemap", "import-roads", str(shared_data("dongcheng/roads_gcj02.geojson")), "--crs", "gcj02")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(BasemapFeature)) == 15542


def test_a_bad_file_is_a_clear_error_and_imports_nothing(app, tmp_path):
    bad = tmp_path / "roads.geojson"
    bad.write_text("{not json", encoding="utf-8")
    result = run(app, "basemap", "import-roads", str(bad), "--crs", "gcj02")
    assert result.exit_code != 0 and "not valid JSON" in result.output
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    result = run(app, "basemap", "import-osm", str(broken))
    assert result.exit_code != 0 and "osmium cannot read" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(BasemapFeature)) == 0

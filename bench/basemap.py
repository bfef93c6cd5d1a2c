"""Base-map benchmarks: Dongcheng import time, the tiles of one street in bytes, tile serve time; both engines.

Run: .venv/bin/python -m bench.basemap   (needs ../shared/data and Debian's PostgreSQL + PostGIS)
Targets: import (with the SpatiaLite tiles built) < 120 s; every street's tiles < 2 MB.
"""
import gzip
import time

from bench.common import ROADS, SHARED_DATA, SUBDISTRICTS, databases, make_app, percentile, require_shared_data, timed
from geo import queries
from geo.importers.basemap_osm import read_osm_basemap
from geo.importers.basemap_roads import read_basemap_roads
from geo.importers.geojson import read_streets
from webapp.extensions import db
from webapp.models import Street
from webapp.services.places import basemap
from webapp.services.places.alleys import import_streets

OSM = SHARED_DATA / "osm" / "bupt_campus_haidian.osm"


def bench_import():
    def run():
        import_streets(read_streets(SUBDISTRICTS, "gcj02"))
        records, _ = read_basemap_roads(ROADS, "gcj02")
        return basemap.import_basemap(records, ROADS.name)

    count, seconds = timed(run)
    print(f"  import Dongcheng roads: {seconds:.2f} s for {count} features (target < 120 s)")
    if OSM.exists():
        count, seconds = timed(lambda: basemap.import_basemap(read_osm_basemap(OSM)[0], OSM.name))
        print(f"  import-osm {OSM.name}: {seconds:.2f} s for {count} features")


def bench_streets(app):
    extents = queries.street_extents(db.session.connection())
    names = dict(db.session.execute(db.select(Street.id, Street.name)).all())
    sizes, client, latencies = [], app.test_client(), []
    for street_id, bbox in extents.items():
        tiles = basemap.street_tiles(bbox)
        raw = zipped = 0
        for z, x, y in tiles:
            start = time.perf_counter()
            data = client.get(f"/tiles/{z}/{x}/{y}.mvt").data
            latencies.append((time.perf_counter() - start) * 1000)
            raw, zipped = raw + len(data), zipped + len(gzip.compress(data))
        sizes.append((raw, zipped, len(tiles), names[street_id]))
    raw, zipped, count, name = max(sizes)
    print(f"  largest street's tiles (z{basemap.STREET_ZOOMS[0]}-{basemap.STREET_ZOOMS[-1]}): {name}, {count} tiles, "
          f"{raw / 1024:.0f} KB ({zipped / 1024:.0f} KB gzipped; target < 2 MB)")
    print(f"  tile serve time over {len(latencies)} requests: p50 {percentile(latencies, 50):.2f} ms, "
          f"p95 {percentile(latencies, 95):.2f} ms, max {max(latencies):.2f} ms")


def main():
    require_shared_data()
    with databases() as urls:
        for engine, url in urls.items():
            print(f"{engine}:")
            app = make_app(url)
            with app.app_context():
                bench_import()
                bench_streets(app)
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()

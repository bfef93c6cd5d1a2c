"""Foundation benchmarks: Dongcheng import time, nearest-alley latency, map layer size; both engines.

Run: .venv/bin/python -m bench.foundation   (needs ../shared/data and Debian's PostgreSQL + PostGIS)
Targets: import < 60 s on SpatiaLite; nearest p95 <= 5 ms; 龙潭街道 bbox layer <= 150 KB gzipped.
"""
import gzip
import random
import time

from bench.common import ROADS, SUBDISTRICTS, databases, make_app, percentile, require_shared_data, timed
from geo import metric, queries
from geo.importers.geojson import read_segments, read_streets
from webapp.extensions import db
from webapp.models import Street
from webapp.services.places.alleys import import_alleys, import_streets

SAMPLES = 2000
SNAP_RADIUS_M = 60


def bench_import(include_unnamed):
    def run():
        import_streets(read_streets(SUBDISTRICTS, "gcj02"))
        segments, skipped = read_segments(ROADS, "gcj02", include_unnamed=include_unnamed)
        return import_alleys(segments, skipped, include_unnamed=include_unnamed)

    summary, seconds = timed(run)
    label = "import with unnamed" if include_unnamed else "import (named only)"
    print(f"  {label}: {seconds:.2f} s for 15,542 segments -> {summary.line()}")


def random_points(n):
    # Reproducible: points spread over Dongcheng's extent.
    rng = random.Random(2026)
    return [(rng.uniform(116.375, 116.445), rng.uniform(39.865, 39.965)) for _ in range(n)]


def bench_nearest():
    points = random_points(SAMPLES)
    for label, radius in (("nearest within 60 m", SNAP_RADIUS_M), ("nearest, unbounded", None)):
        latencies = []
        for lon, lat in points:
            start = time.perf_counter()
            queries.nearest_alley(db.session, lon, lat, max_m=radius)
            latencies.append((time.perf_counter() - start) * 1000)
        print(f"  {label}: p50 {percentile(latencies, 50):.2f} ms, p95 {percentile(latencies, 95):.2f} ms, "
              f"max {max(latencies):.2f} ms over {SAMPLES} points")


def bench_index_ratio():
    """The same bbox filter through the spatial index and as a full scan, side by side."""
    boxes = [metric.bbox_around(lon, lat, SNAP_RADIUS_M) for lon, lat in random_points(300)]

    def indexed():
        for box in boxes:
            queries.alleys_in_bbox(db.session, box)

    def scanned():
        for box in boxes:
            queries.alley_ids_in_bbox_by_scan(db.session, box)
        db.session.rollback()  # ends the transaction that switched index scans off

    _, with_index = timed(indexed)
    _, without = timed(scanned)
    print(f"  bbox lookup: {with_index / len(boxes) * 1000:.3f} ms with the index, "
          f"{without / len(boxes) * 1000:.3f} ms scanning: {without / with_index:.1f}x")


def bench_layer_size(app):
    longtan = db.session.scalar(db.select(Street).where(Street.name == "龙潭街道"))
    bbox = ",".join(str(v) for v in queries.street_extents(db.session)[longtan.id])
    client = app.test_client()
    body = client.get(f"/api/v1/alleys?bbox={bbox}").data
    zipped = client.get(f"/api/v1/alleys?bbox={bbox}", headers={"Accept-Encoding": "gzip"}).data
    assert gzip.decompress(zipped) == body
    print(f"  /api/v1/alleys for the 龙潭街道 bbox: {len(body) / 1024:.1f} KB raw, "
          f"{len(zipped) / 1024:.1f} KB gzipped")


def main():
    require_shared_data()
    with databases() as urls:
        for engine, url in urls.items():
            print(f"{engine}:")
            app = make_app(url)
            with app.app_context():
                bench_import(include_unnamed=False)
                bench_layer_size(app)
                # Every segment an alley: the largest table this data gives, for the index figures.
                bench_import(include_unnamed=True)
                bench_nearest()
                bench_index_ratio()
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()

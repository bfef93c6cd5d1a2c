"""Open311 benchmark, in process (Flask's test client), both engines side by side in one run:
filing 1,000 partner requests through POST requests.json, then reading them back: GET requests.json and .xml
(the spec's largest page, 1,000 cases), one case, and the updates feed.

Run: .venv/bin/python -m bench.open311   (needs ../shared/data and PostgreSQL + PostGIS)
"""
import random
import statistics
import time

from geoalchemy2.shape import to_shape
from shapely.geometry import Point

from bench.common import ROADS, SUBDISTRICTS, databases, make_app, percentile, require_shared_data
from geo.importers.geojson import read_segments, read_streets
from webapp.extensions import db
from webapp.models import Alley, Street
from webapp.services.partners.api_keys import create_api_key
from webapp.services.places.alleys import import_alleys, import_streets

CASES = 1000
READS = 20
STREET = "龙潭街道"
SERVICES = ["garbage", "piled_goods", "illegal_parking", "street_light", "noise"]


def points_in_street(street, count: int) -> list[tuple[float, float]]:
    area, rng, points = to_shape(street.geom), random.Random(7), []
    lines = [to_shape(g) for g in db.session.scalars(db.select(Alley.geom).where(Alley.street_id == street.id))]
    while len(points) < count:
        p = rng.choice(lines).interpolate(rng.random(), normalized=True)
        if area.contains(Point(p.x, p.y)):
            points.append((p.x, p.y))
    return points


def timings(client, path: str, **kwargs) -> list[float]:
    spent = []
    for _ in range(READS):
        start = time.perf_counter()
        response = client.get(path, **kwargs)
        spent.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.data[:300]
    return spent


def run(url: str) -> dict:
    app = make_app(url)
    figures = {}
    with app.app_context():
        import_streets(read_streets(SUBDISTRICTS, "gcj02"))
        import_alleys(*read_segments(ROADS, "gcj02"))
        street = db.session.scalar(db.select(Street).where(Street.name == STREET))
        points = points_in_street(street, CASES)
        _, key = create_api_key("压测伙伴")
        client = app.test_client()
        spent = []
        for n, (lon, lat) in enumerate(points):
            start = time.perf_counter()
            response = client.post("/open311/v2/requests.json", data={
                "api_key": key, "service_code": SERVICES[n % len(SERVICES)], "lat": str(lat), "long": str(lon),
                "description": f"压测诉求 {n}", "phone": "13800138000"})
            spent.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.data[:300]
        figures["POST requests"] = spent
        for fmt in ("json", "xml"):
            figures[f"GET requests.{fmt} (1000)"] = timings(client, f"/open311/v2/requests.{fmt}")
        figures["GET requests/{id}.json"] = timings(client, "/open311/v2/requests/500.json")
        figures["GET servicerequestupdates.json"] = timings(client, "/open311/v2/servicerequestupdates.json",
                                                            query_string={"api_key": key})
        db.session.remove()
        db.engine.dispose()
    return figures


def main():
    require_shared_data()
    with databases() as urls:
        results = {engine: run(url) for engine, url in urls.items()}
    print(f"Open311, in process, {CASES} partner requests then {READS} reads each (ms)")
    for name in results["spatialite"]:
        row = "  ".join(f"{engine}: p50 {statistics.median(r[name]):7.1f}  p95 {percentile(r[name], 95):7.1f}"
                        for engine, r in results.items())
        print(f"{name:34s} {row}")


if __name__ == "__main__":
    main()

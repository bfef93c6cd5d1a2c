"""HTTP benchmark under gunicorn: filing a report (JSON, and with one 1600 px photo) against a bare INSERT.

Run: .venv/bin/python -m bench.reports_http   (needs ../shared/data and PostgreSQL + PostGIS)
Prints req/s, p50/p95 and the ratio to the bare INSERT for each engine, side by side in one run.
"""
import io
import json
import random
import shutil
import statistics
import tempfile
import uuid
from collections import Counter

from geoalchemy2.shape import to_shape
from PIL import Image, ImageFilter
from shapely.geometry import Point

from bench.common import (ROADS, SECRET, SUBDISTRICTS, databases, free_port, load, make_app, percentile,
                          require_shared_data, start_gunicorn)
from geo.importers.geojson import read_segments, read_streets
from webapp.extensions import db
from webapp.models import Alley, Category, Role, Street
from webapp.services.places.alleys import import_alleys, import_streets
from webapp.services.volunteers.people import create_user

CLIENTS = 8  # concurrent connections
ROUNDS = 5
STREET = "龙潭街道"
CASES = [("bare INSERT", 100, None), ("POST /reports JSON", 100, 300), ("POST /reports + 1600px photo", 12, 30)]
BOUNDARY = "bench-boundary-7f3a"


def prepare(url: str) -> dict:
    """Dongcheng data, one resident per client, points inside the street; returns what the load needs."""
    app = make_app(url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        import_streets(read_streets(SUBDISTRICTS, "gcj02"))
        import_alleys(*read_segments(ROADS, "gcj02"))
        street = db.session.scalar(db.select(Street).where(Street.name == STREET))
        area, rng, points = to_shape(street.geom), random.Random(7), []
        lines = [to_shape(g) for g in db.session.scalars(db.select(Alley.geom).where(Alley.street_id == street.id))]
        while len(points) < 500:  # a few metres off a random alley, inside the street
            p = rng.choice(lines).interpolate(rng.random(), normalized=True)
            p = Point(p.x + rng.uniform(-1e-4, 1e-4), p.y + rng.uniform(-1e-4, 1e-4))
            if area.contains(p):
                points.append((p.x, p.y))
        category = db.session.scalar(db.select(Category).where(Category.code == "piled_goods"))
        users = [create_user(display_name=f"压测{i}", username=f"bench{i}", password="bench-password",
                             role=Role.RESIDENT, street_name=STREET) for i in range(CLIENTS)]
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": u.get_id(), "_fresh": True}) for u in users]
        fixed = {"BENCH_REPORTER_ID": str(users[0].id), "BENCH_STREET_ID": str(street.id),
                 "BENCH_CATEGORY_ID": str(category.id)}
        db.session.remove()
        db.engine.dispose()
    return {"points": points, "cookies": cookies, "fixed": fixed, "category": "piled_goods"}


def make_photo() -> bytes:
    """A 1600x1200 JPEG (gradient, shapes and noise) of a realistic size for a phone photo."""
    gradient = Image.linear_gradient("L").resize((1600, 1200))
    noise = Image.effect_noise((1600, 1200), 40).filter(ImageFilter.GaussianBlur(0.8))
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def build_request(case: str, data: dict, i: int, n: int, photo: bytes) -> tuple[str, str, bytes, dict]:
    lon, lat = data["points"][(i * 61 + n) % len(data["points"])]
    body = {"client_id": str(uuid.uuid4()), "category": data["category"], "lon": lon, "lat": lat,
            "accuracy": 8, "description": f"压测 {i}-{n}: 楼道口堆放杂物"}
    headers = {"Cookie": f"session={data['cookies'][i]}", "Content-Type": "application/json"}
    if case.startswith("bare"):
        return "POST", "/bench/bare-insert", json.dumps(body).encode(), headers
    if "photo" not in case:
        return "POST", "/api/v1/reports", json.dumps(body).encode(), headers
    parts = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"\r\n\r\n{json.dumps(body)}\r\n'
             f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
             "Content-Type: image/jpeg\r\n\r\n").encode() + photo + f"\r\n--{BOUNDARY}--\r\n".encode()
    return "POST", "/api/v1/reports", parts, headers | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def main():
    require_shared_data()
    photo = make_photo()
    print(f"photo: 1600x1200 JPEG q85, {len(photo) // 1024} KB; gunicorn 2 workers x 4 threads, {CLIENTS} clients")
    rows = []
    with databases() as urls:
        for engine, url in urls.items():
            data = prepare(url)
            instance = tempfile.mkdtemp(prefix="alleys-bench-instance-reports-")  # uploads land here
            port = free_port()
            server = start_gunicorn("bench.reports_baseline_app:app", url, port,
                                    data["fixed"] | {"ALLEYS_INSTANCE_DIR": instance})
            try:
                for case, _, _ in CASES:  # one request each to warm both workers, and check 201
                    warm = [[build_request(case, data, i, 9999, photo)] for i in range(CLIENTS)]
                    _, _, statuses = load(port, warm)
                    if statuses != {201: CLIENTS}:
                        raise RuntimeError(f"{engine} {case}: warm-up statuses {statuses}")
                for case, per_client, target in CASES:
                    rounds = []  # this machine is shared and noisy: the median of a few rounds
                    for r in range(ROUNDS):
                        requests = [[build_request(case, data, i, 1000 * r + n, photo) for n in range(per_client)]
                                    for i in range(CLIENTS)]
                        rounds.append(load(port, requests))
                    latencies = [ms for round_latencies, _, _ in rounds for ms in round_latencies]
                    rates = sorted(len(lat) / seconds for lat, seconds, _ in rounds)
                    statuses = Counter()
                    for _, _, round_statuses in rounds:
                        statuses.update(round_statuses)
                    rows.append((engine, case, len(latencies), statistics.median(rates), rates,
                                 percentile(latencies, 50), percentile(latencies, 95), target, dict(statuses)))
            finally:
                server.terminate()
                server.wait(10)
                shutil.rmtree(instance, ignore_errors=True)
    print(f"req/s is the median of {ROUNDS} rounds (range in brackets); p50/p95 over all rounds")
    print(f"{'engine':<11}{'case':<30}{'reqs':>6}{'req/s':>7}{'(range)':>12}{'p50 ms':>8}{'p95 ms':>8}{'x bare':>7}"
          "  target")
    for engine, case, count, rate, rates, p50, p95, target, statuses in rows:
        bare = next(r[3] for r in rows if r[0] == engine)
        verdict = "-" if target is None else f">={target}/s {'met' if rate >= target else 'NOT met'}"
        extra = "" if statuses == {201: count} else f"  statuses {statuses}"
        spread = f"({rates[0]:.0f}-{rates[-1]:.0f})"
        print(f"{engine:<11}{case:<30}{count:>6}{rate:>7.0f}{spread:>12}{p50:>8.1f}{p95:>8.1f}{rate / bare:>7.2f}  "
              f"{verdict}{extra}")


if __name__ == "__main__":
    main()

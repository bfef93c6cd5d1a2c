"""HTTP benchmark under gunicorn on loopback: the street's alley layer and the claim endpoint.

Run: .venv/bin/python -m bench.volunteers_http   (needs ../shared/data and PostgreSQL + PostGIS)
Prints p50/p95 latency and requests per second for each engine, side by side in one run.
"""

from bench.common import (ROADS, SECRET, SUBDISTRICTS, databases, free_port, load, make_app, percentile,
                          require_shared_data, start_gunicorn)
from geo import queries
from geo.importers.geojson import read_segments, read_streets
from webapp.extensions import db
from webapp.models import Alley, Role, Street
from webapp.services.places.alleys import import_alleys, import_streets
from webapp.services.volunteers.people import create_user

CLIENTS = 8  # concurrent connections
REQUESTS_PER_CLIENT = 150
STREET = "龙潭街道"


def prepare(url: str) -> dict:
    """Dongcheng data plus one steward per client; returns what the load needs."""
    app = make_app(url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        import_streets(read_streets(SUBDISTRICTS, "gcj02"))
        segments, skipped = read_segments(ROADS, "gcj02")
        import_alleys(segments, skipped)
        street = db.session.scalar(db.select(Street).where(Street.name == STREET))
        alleys = db.session.scalars(db.select(Alley.id).where(Alley.street_id == street.id)).all()
        users = [create_user(display_name=f"压测{i}", username=f"bench{i}", password="bench-password",
                             role=Role.STEWARD, street_name=STREET) for i in range(CLIENTS)]
        serializer = app.session_interface.get_signing_serializer(app)
        # The session names the user with their login token (User.get_id), as a real sign-in does.
        cookies = [serializer.dumps({"_user_id": user.get_id(), "_fresh": True}) for user in users]
        bbox = ",".join(str(v) for v in queries.street_extents(db.session)[street.id])
        db.session.remove()
        db.engine.dispose()
    return {"street_id": street.id, "alleys": alleys, "cookies": cookies, "bbox": bbox}


def report(label, latencies, seconds, statuses):
    print(f"  {label}: {len(latencies)} requests, {len(latencies) / seconds:.0f} req/s, "
          f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, statuses {statuses}")


def main():
    require_shared_data()
    with databases() as urls:
        for engine, url in urls.items():
            data = prepare(url)
            port = free_port()
            server = start_gunicorn("bench.http_app:app", url, port)
            print(f"{engine} (gunicorn, 2 workers x 4 threads, {CLIENTS} concurrent clients):")
            try:
                def layer(i):
                    headers = {"Cookie": f"session={data['cookies'][i]}", "Accept-Encoding": "gzip"}
                    path = f"/api/v1/alleys?bbox={data['bbox']}&street={data['street_id']}"
                    return [("GET", path, None, headers)] * REQUESTS_PER_CLIENT

                def claims(i):
                    headers = {"Cookie": f"session={data['cookies'][i]}"}
                    alleys = data["alleys"]
                    for n in range(REQUESTS_PER_CLIENT // 2):
                        alley = alleys[(i * 7 + n) % len(alleys)]
                        yield "POST", f"/api/v1/alleys/{alley}/claim", None, headers
                        yield "DELETE", f"/api/v1/alleys/{alley}/claim", None, headers

                report(f"GET /api/v1/alleys ({STREET})", *load(port, [layer(i) for i in range(CLIENTS)]))
                report("POST + DELETE /api/v1/alleys/<id>/claim",
                       *load(port, [list(claims(i)) for i in range(CLIENTS)]))
            finally:
                server.terminate()
                server.wait(10)


if __name__ == "__main__":
    main()

"""The gunicorn app for bench/reports_http.py: the real app plus POST /bench/bare-insert, one plain row as baseline."""
import os
import uuid

from flask import jsonify, request
from geoalchemy2 import WKTElement

from webapp import create_app
from webapp.extensions import db
from webapp.models import Report

app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
FIXED = {name: int(os.environ[f"BENCH_{name.upper()}"]) for name in ("reporter_id", "street_id", "category_id")}


@app.post("/bench/bare-insert")
def bare_insert():
    body = request.get_json()
    db.session.execute(Report.__table__.insert().values(
        client_id=str(uuid.uuid4()), payload_hash="0" * 64, **FIXED,
        location=WKTElement(f"POINT({float(body['lon'])} {float(body['lat'])})", srid=4326)))
    db.session.commit()
    return jsonify({"ok": True}), 201

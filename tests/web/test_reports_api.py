"""Filing reports over HTTP: JSON or multipart with photos; bad input gets a clear 4xx and stores nothing."""
import io
import json
import uuid

import pytest
from flask_login import FlaskLoginClient
from PIL import Image

from tests.factories import alleys_of, demo_street, make_user
from tests.services.cases.test_reports import jpeg, on_alley
from webapp.extensions import db
from webapp.models import Report, ReportPhoto, Role
from webapp.photos import has_gps_exif
from webapp.storage import LocalPhotoStorage


@pytest.fixture
def reporter(app, tmp_path):
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    app.test_client_class = FlaskLoginClient
    alley = alleys_of(demo_street())[0]
    return app.test_client(user=make_user(Role.RESIDENT)), on_alley(alley), tmp_path / "uploads"


def body(lon, lat, **extra):
    return {"client_id": str(uuid.uuid4()), "category": "piled_goods", "lon": lon, "lat": lat, **extra}


def multipart(data: dict, photos: list[tuple[bytes, str]]):
    return {"data": json.dumps(data), "photos": [(io.BytesIO(content), name) for content, name in photos]}


def nothing_stored(uploads) -> bool:
    rows = db.session.scalar(db.select(db.func.count()).select_from(Report))
    photos = db.session.scalar(db.select(db.func.count()).select_from(ReportPhoto))
    files = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
    return rows == 0 and photos == 0 and files == []


def test_a_report_with_photos_is_filed_once_and_its_photos_carry_no_gps(reporter):
    client, (lon, lat), uploads = reporter
    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 56.0, 30.0), 1: "N"}
    with_gps = io.BytesIO()
    Image.new("RGB", (2000, 1500), (10, 200, 30)).save(with_gps, "JPEG", exif=exif.tobytes())
    data = body(lon, lat, description="楼道口堆了很多纸箱")
    first = client.post("/api/v1/reports", data=multipart(data, [(with_gps.getvalue(), "a.jpg"), (jpeg(), "b.jpg")]))
    assert first.status_code == 201, first.get_json()
    filed = client.get(first.get_json()["api_url"]).get_json()
    assert first.get_json()["photo_count"] == 2 and len(filed["photos"]) == 2 and filed["alley"] is not None
    again = client.post("/api/v1/reports", data=multipart(data, [(with_gps.getvalue(), "a.jpg"), (jpeg(), "b.jpg")]))
    assert again.status_code == 200 and again.get_json()["id"] == filed["id"]
    photo = client.get(filed["photos"][0]["url"])
    assert photo.mimetype == "image/jpeg" and not has_gps_exif(photo.data)
    assert all(not has_gps_exif(p.read_bytes()) for p in uploads.rglob("*.jpg"))


def test_the_public_never_sees_the_reporter(reporter, app):
    client, (lon, lat), _ = reporter
    filed = client.post("/api/v1/reports", json=body(lon, lat)).get_json()
    public = app.test_client(user=None).get(f"/api/v1/reports/{filed['id']}").get_json()
    assert "reporter" not in json.dumps(public) and public["client_id"] is None


def _huge_noise_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\0" * (12 * 1024 * 1024)


def _fifty_megapixels() -> bytes:
    out = io.BytesIO()
    Image.new("L", (10000, 5000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("send", [
    lambda c, lon, lat: c.post("/api/v1/reports", data="{not json", content_type="application/json"),
    lambda c, lon, lat: c.post("/api/v1/reports", json=body("east", lat)),
    lambda c, lon, lat: c.post("/api/v1/reports", json=body(lon, lat, category=7)),
    lambda c, lon, lat: c.post("/api/v1/reports", json=body(200, 95)),
    lambda c, lon, lat: c.post("/api/v1/reports", json=body(121.47, 31.23)),
    lambda c, lon, lat: c.post("/api/v1/reports", data=multipart(body(lon, lat), [(b"hello, not a photo", "x.jpg")])),
    lambda c, lon, lat: c.post("/api/v1/reports", data=multipart(body(lon, lat), [(_huge_noise_jpeg(), "big.jpg")])),
    lambda c, lon, lat: c.post("/api/v1/reports", data=multipart(body(lon, lat), [(_fifty_megapixels(), "50mp.png")])),
    lambda c, lon, lat: c.post("/api/v1/reports", data=multipart(body(lon, lat), [(jpeg(), f"{i}.jpg") for i in range(7)])),
], ids=["malformed-json", "wrong-type", "category-not-text", "out-of-range", "outside-every-street", "text-as-jpg",
        "12-mb", "50-megapixels", "7-photos"])
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(reporter, send):
    client, (lon, lat), uploads = reporter
    response = send(client, lon, lat)
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["message"]
    assert nothing_stored(uploads)


def test_nearby_suggests_duplicates_and_me_too_follows(reporter, app):
    client, (lon, lat), _ = reporter
    filed = client.post("/api/v1/reports", json=body(lon, lat)).get_json()
    near = app.test_client().get(f"/api/v1/reports/nearby?category=piled_goods&lon={lon}&lat={lat + 30 / 111_000}")
    assert [r["id"] for r in near.get_json()["reports"]] == [filed["id"]]
    far = app.test_client().get(f"/api/v1/reports/nearby?category=piled_goods&lon={lon}&lat={lat + 80 / 111_000}")
    assert far.get_json()["reports"] == []
    neighbour = app.test_client(user=make_user(Role.STEWARD))
    assert neighbour.post(f"/api/v1/reports/{filed['id']}/follow").get_json()["follower_count"] == 1


def test_categories_have_names_in_the_users_language(app, client):
    zh = client.get("/api/v1/categories", headers={"Accept-Language": "zh-CN"}).get_json()["categories"]
    en = client.get("/api/v1/categories", headers={"Accept-Language": "en"}).get_json()["categories"]
    assert zh[0]["name"] == "违法建设" and en[0]["name"] == "Illegal structure"
    assert {c["code"] for c in zh if c["is_safety"]} == {"fire_hazard", "gas_hazard"}


def test_the_steward_handles_it_on_the_spot_and_the_public_sees_the_step_but_not_the_note(reporter, app):
    from webapp.services.places.claims import claim_alley
    client, (lon, lat), _ = reporter
    filed = client.post("/api/v1/reports", json=body(lon, lat)).get_json()
    steward = make_user(Role.STEWARD)
    claim_alley(steward, filed["alley_id"])
    as_steward = app.test_client(user=steward)
    actions = as_steward.get(f"/api/v1/reports/{filed['id']}").get_json()["actions"]
    assert {step for step, allowed in actions.items() if allowed} == {"handle_on_spot", "escalate", "follow"}
    done = as_steward.post(f"/api/v1/reports/{filed['id']}/handle-on-spot",
                           data={"note": "已劝导", "photo": (io.BytesIO(jpeg()), "after.jpg")})
    assert done.status_code == 200, done.get_json()
    steps = done.get_json()["events"]
    assert [e["to"] for e in steps] == ["submitted", "handled_on_spot"] and steps[-1]["note"] == "已劝导"
    evidence = steps[-1]["photos"][0]["url"]
    assert as_steward.get(evidence).status_code == 200 and client.get(evidence).status_code == 200
    public = app.test_client(user=None)
    seen = public.get(f"/api/v1/reports/{filed['id']}").get_json()
    assert [e["to"] for e in seen["events"]] == ["submitted", "handled_on_spot"]
    assert "note" not in seen["events"][-1] and seen["photos"] == [] and public.get(evidence).status_code == 404
    again = as_steward.post(f"/api/v1/reports/{filed['id']}/escalate", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "illegal_transition"


def test_my_reports_and_the_alleys_open_reports(reporter, app):
    client, (lon, lat), _ = reporter
    filed = client.post("/api/v1/reports", json=body(lon, lat)).get_json()
    mine = client.get("/api/v1/me/reports").get_json()["reports"]
    assert [(r["id"], r["mine"]) for r in mine] == [(filed["id"], True)]
    listed = app.test_client(user=None).get(f"/api/v1/alleys/{filed['alley_id']}/reports").get_json()["reports"]
    assert [r["id"] for r in listed] == [filed["id"]]
    assert app.test_client(user=None).get(f"/api/v1/alleys/{filed['alley_id']}").get_json()[
        "properties"]["open_reports"] == 1
    escalated = client.post(f"/api/v1/reports/{filed['id']}/escalate", json={"note": "没人管"})
    assert escalated.get_json()["status"] == "escalated"

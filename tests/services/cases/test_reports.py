"""Filing reports: located in a street, snapped to an alley, once per key, with duplicates nearby."""
import io
import uuid

import pytest
from flask_babel import force_locale
from geoalchemy2.shape import to_shape
from PIL import Image

from tests.factories import alleys_of, demo_street, make_user, file_report
from webapp.errors import BadRequest, Conflict, IdempotencyConflict
from webapp.extensions import db
from webapp.models import Report, ReportPhoto, ReportStatus, Role
from webapp.services.cases.reports import ReportInput, follow_report, nearby_open_reports


def on_alley(alley, offset_lat=0.0):
    line = max(to_shape(alley.geom).geoms, key=lambda part: part.length)
    point = line.interpolate(0.3, normalized=True)  # between two crossing alleys, not on a crossing
    return point.x, point.y + offset_lat


def report_at(lon, lat, category="piled_goods", **extra):
    return ReportInput(client_id=str(uuid.uuid4()), category_code=category, lon=lon, lat=lat, **extra)


def jpeg(size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def resident(app):
    demo_street()
    return make_user(Role.RESIDENT)


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_report_is_snapped_to_the_alley_under_it(resident):
    alley = alleys_of(demo_street())[0]
    report, created = file_report(resident, report_at(*on_alley(alley, 0.0002), description="杂物堵路"))
    assert created and report.alley_id == alley.id and 20 < report.snap_distance_m < 25
    assert report.street_id == alley.street_id and report.status is ReportStatus.SUBMITTED
    assert [e.to_status for e in report.events] == [ReportStatus.SUBMITTED]


def test_far_from_any_alley_it_belongs_to_the_street_only(resident):
    street = demo_street()
    # The street's south-west corner: inside its polygon, more than 60 m from every alley.
    report, _ = file_report(resident, report_at(116.37005, 39.94203))
    assert report.street_id == street.id and report.alley_id is None


def test_outside_every_street_is_refused_clearly(resident):
    with force_locale("en"), pytest.raises(BadRequest, match="outside the service area"):
        file_report(resident, report_at(121.47, 31.23))
    assert count(Report) == 0


def test_safety_problems_go_to_the_chief_at_once(resident):
    alley = alleys_of(demo_street())[0]
    report, _ = file_report(resident, report_at(*on_alley(alley), category="gas_hazard"))
    assert report.status is ReportStatus.ESCALATED
    assert [e.to_status for e in report.events] == [ReportStatus.SUBMITTED, ReportStatus.ESCALATED]


def test_a_replay_gives_the_same_report_and_a_reused_key_is_refused(resident):
    alley = alleys_of(demo_street())[0]
    data = report_at(*on_alley(alley), photos=[jpeg()])
    first, created = file_report(resident, data)
    again, created_again = file_report(resident, data)
    assert created and not created_again and first.id == again.id
    with pytest.raises(IdempotencyConflict):
        file_report(resident, ReportInput(**{**data.__dict__, "description": "different"}))
    assert count(Report) == 1 and count(ReportPhoto) == 1


def test_bad_input_stores_nothing(resident, app, tmp_path):
    alley = alleys_of(demo_street())[0]
    lon, lat = on_alley(alley)
    uploads = tmp_path / "uploads"
    from webapp.storage import LocalPhotoStorage

    app.extensions["photo_storage"] = LocalPhotoStorage(uploads)
    for bad in (report_at(lon, lat, photos=[jpeg(), b"not a photo"]),
                report_at(lon, lat, photos=[jpeg()] * 7),
                report_at(lon, lat, description="长" * 2001),
                report_at(lon, lat, category="no_such_category"),
                report_at(200, 95)):
        with pytest.raises(BadRequest):
            file_report(resident, bad)
    assert count(Report) == 0 and count(ReportPhoto) == 0
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_photos_are_cleaned_and_stored(resident, app, tmp_path):
    from webapp.storage import LocalPhotoStorage

    storage = LocalPhotoStorage(tmp_path / "uploads")
    app.extensions["photo_storage"] = storage
    alley = alleys_of(demo_street())[0]
    report, _ = file_report(resident, report_at(*on_alley(alley), photos=[jpeg((4000, 3000))]))
    photo = report.photos[0]
    assert max(photo.width, photo.height) == 1600
    assert storage.exists(photo.storage_key) and storage.exists(photo.thumb_key)


def test_duplicates_are_suggested_within_50_m_not_at_80(resident):
    alley = alleys_of(demo_street())[0]
    lon, lat = on_alley(alley)
    report, _ = file_report(resident, report_at(lon, lat))
    near = nearby_open_reports("piled_goods", lon, lat + 30 / 111_000)
    assert [r.id for r, _ in near] == [report.id] and 25 < near[0][1] < 35
    assert nearby_open_reports("piled_goods", lon, lat + 80 / 111_000) == []
    assert nearby_open_reports("noise", lon, lat) == []


def test_me_too_adds_a_follower_not_a_case(resident):
    alley = alleys_of(demo_street())[0]
    report, _ = file_report(resident, report_at(*on_alley(alley)))
    neighbour = make_user(Role.STEWARD)
    assert follow_report(neighbour, report.id).follower_count == 1
    with pytest.raises(Conflict):
        follow_report(neighbour, report.id)
    with pytest.raises(Conflict):
        follow_report(resident, report.id)
    assert count(Report) == 1

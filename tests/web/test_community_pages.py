"""The community tier's pages: the queue (who may open which), the organizer's communities page (drawing, upload,
workers), the street-first flag on the categories page and the communities table of the dashboard."""
import io
import json

import pytest
from flask_login import FlaskLoginClient
from shapely.geometry import box, mapping

from tests.factories import make_user, other_street
from tests.services.cases.test_communities import geojson, passed_up, world  # noqa: F401  (the fixture)
from webapp.extensions import db
from webapp.models import Category, Community, Role


@pytest.fixture
def as_user(app):
    app.test_client_class = FlaskLoginClient
    return lambda user: app.test_client(user=user)


def test_the_worker_sees_their_queue_and_no_other(world, as_user):
    case = passed_up(world)
    page = as_user(world["worker"]).get("/community")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "西社区" in text and f"case-{case.id}" in text and "community_resolve" in text and "pass_up" in text
    # The east community's queue is not theirs; nor is a bad id anything but a clear refusal.
    assert as_user(world["worker"]).get(f"/community?community={world['east'].id}").status_code == 403
    assert as_user(world["worker"]).get("/community?community=abc").status_code == 400
    assert as_user(world["steward"]).get("/community").status_code == 403


def test_the_chief_looks_at_every_community_and_pulls_up(world, as_user):
    case = passed_up(world)
    chief = as_user(world["chief"])
    triage = chief.get("/triage").get_data(as_text=True)
    assert f'data-id="{case.id}"' not in triage and "/community" in triage
    page = chief.get(f"/community?community={world['west'].id}").get_data(as_text=True)
    assert "pull_up" in page and "community_resolve" not in page
    back = chief.post(f"/reports/{case.id}/steps/pull_up", data={"note": "", "next": "/community"})
    assert back.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(case), case.id).held_by_community_id is None


def test_a_worker_of_another_community_is_refused_through_the_page(world, as_user):
    case = passed_up(world, "east_alley")  # 东社区: no worker, the street's
    answer = as_user(world["worker"]).post(f"/reports/{case.id}/steps/pass_up", data={"note": "不归我们"})
    assert answer.status_code == 403


def test_the_organizer_draws_and_a_bad_boundary_says_why_in_chinese(world, as_user):
    organizer = as_user(make_user(Role.ORGANIZER, world["street"]))
    street = world["street"].id
    assert organizer.get(f"/roster/communities?street={street}").status_code == 200
    outside = mapping(box(116.360, 39.942, 116.371, 39.944))
    answer = organizer.post(f"/roster/communities?street={street}", follow_redirects=True,
                            data={"name": "外社区", "geometry": json.dumps(outside)})
    assert "不在" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(Community.id).where(Community.name == "外社区")) is None
    inside = mapping(box(116.371, 39.946, 116.377, 39.9478))
    answer = organizer.post(f"/roster/communities?street={street}", follow_redirects=True,
                            data={"name": "北社区", "geometry": json.dumps(inside)})
    assert "北社区" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(Community.id).where(Community.name == "北社区")) is not None
    answer = organizer.post(f"/roster/communities?street={street}", follow_redirects=True,
                            data={"name": "乱码", "geometry": "{not json"})
    assert "请在地图上画出边界" in answer.get_data(as_text=True)


def test_the_organizer_uploads_invites_and_removes(world, as_user):
    user = make_user(Role.ORGANIZER, world["street"])
    organizer, street = as_user(user), world["street"].id
    body = geojson(("北社区", box(116.371, 39.946, 116.377, 39.9478)), ("南社区", box(116.371, 39.9425, 116.377, 39.944)))
    answer = organizer.post(f"/roster/communities/import?street={street}", follow_redirects=True,
                            data={"crs": "wgs84", "file": (io.BytesIO(body), "c.geojson")})
    assert "新增社区 2 个" in answer.get_data(as_text=True)
    answer = organizer.post(f"/roster/communities/import?street={street}", follow_redirects=True,
                            data={"crs": "wgs84", "file": (io.BytesIO(b"[]"), "c.geojson")})
    assert "FeatureCollection" in answer.get_data(as_text=True)
    invited = organizer.post(f"/roster/communities/{world['east'].id}/invite?street={street}")
    assert invited.status_code == 302 and "code=" in invited.location
    # Another street's organizer cannot touch this street's communities, nor remove its workers.
    stranger = as_user(make_user(Role.ORGANIZER, other_street()))
    assert stranger.get(f"/roster/communities?street={street}").status_code == 403
    assert stranger.post(f"/roster/communities/{world['west'].id}/workers/{world['worker'].id}/remove"
                         f"?street={street}").status_code == 403
    gone = organizer.post(f"/roster/communities/{world['west'].id}/workers/{world['worker'].id}/remove"
                          f"?street={street}", follow_redirects=True)
    assert "已不再担任社区专员" in gone.get_data(as_text=True)


def test_street_first_is_set_on_the_categories_page(world, as_user):
    organizer = as_user(make_user(Role.ORGANIZER, world["street"]))
    category = db.session.scalar(db.select(Category).where(Category.code == "piled_goods"))
    form = {"name_zh": category.name_zh, "name_en": category.name_en, "whistle_kind": category.whistle_kind.value,
            "default_departments": category.default_departments, "street_first": "on", "active": "on"}
    assert organizer.post("/categories/piled_goods", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Category.street_first).where(Category.code == "piled_goods")) is True
    assert passed_up(world).held_by_community_id is None


def test_the_dashboard_has_a_table_per_community(world, as_user):
    passed_up(world)
    passed_up(world, "east_alley")
    page = as_user(world["chief"]).get(f"/performance?street={world['street'].id}").get_data(as_text=True)
    assert 'id="table-communities"' in page and "西社区" in page and "东社区" in page
    export = as_user(world["chief"]).get(f"/performance/export/communities.csv?street={world['street'].id}")
    assert export.status_code == 200 and "西社区" in export.get_data(as_text=True)


def test_the_case_file_says_the_community_holds_it_until_it_goes_to_the_chief(world, as_user):
    """A case in its community's queue is not the street chief's yet: its badge and first hand-over say so."""
    case = passed_up(world)
    file = as_user(world["chief"]).get(f"/api/v1/reports/{case.id}", headers={"Accept-Language": "en"}).get_json()
    assert file["status_label"] == "Passed to the community"
    assert [e["label"] for e in file["events"]][-1] == "Passed to the community"
    assert "已转社区处理" in as_user(world["chief"]).get(f"/reports/{case.id}").get_data(as_text=True)
    as_user(world["worker"]).post(f"/reports/{case.id}/steps/pass_up", data={"note": "需要城管执法"})
    file = as_user(world["chief"]).get(f"/api/v1/reports/{case.id}", headers={"Accept-Language": "en"}).get_json()
    assert file["status_label"] == "Passed to the street chief"
    assert [e["label"] for e in file["events"]][-2:] == ["Passed to the community", "Passed to the street chief"]

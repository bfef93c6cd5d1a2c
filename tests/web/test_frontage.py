"""门前三包 over HTTP: the organizer's and chief's shop pages (register, edit, import), the breaches page and its
xlsx export, the alley's shops on the map, frontage checks through /api/v1 (replayed safely), and a report naming
a shop."""
import io
import json
import uuid
from datetime import datetime, timezone

import pytest
from flask_login import FlaskLoginClient
from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, MultiLineString
from openpyxl import Workbook, load_workbook

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.services.cases.test_reports import jpeg, on_alley
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Alley, FrontageCheck, Report, Role, Shop
from webapp.services.places.claims import claim_alley
from webapp.services.places.frontage import ShopInput, register_shop

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def login(app):
    app.test_client_class = FlaskLoginClient
    return lambda user: app.test_client(user=user)


@pytest.fixture
def street(app):
    return demo_street()


@pytest.fixture
def chief(street):
    return make_user(Role.CHIEF)


@pytest.fixture
def shop(street, chief):
    lon, lat = on_alley(alleys_of(street)[0], 0.0001)
    return register_shop(chief, street.id, ShopInput(name="老北京炸酱面", lon=lon, lat=lat, operator="王师傅",
                                                      phone="13800138000", duties=frozenset({"safety", "order"}),
                                                      signed_on=datetime(2026, 3, 1).date()))


@pytest.fixture
def steward(shop):
    user = make_user(Role.STEWARD)
    claim_alley(user, shop.alley_id)
    return user


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def form_for(alley, name="便民超市", **extra):
    lon, lat = on_alley(alley, 0.0001)
    return {"name": name, "operator": "李", "phone": "010-64001234", "lon": str(lon), "lat": str(lat),
            "duties": ["safety", "sanitation", "order"], "signed_on": "2026-04-01"} | extra


# Registering and editing -----------------------------------------------------------------------------------------

def test_a_chief_registers_a_shop_and_sees_it_listed(login, street, chief):
    me = login(chief)
    alley = alleys_of(street)[1]
    response = me.post(f"/frontage/shops?street={street.id}", data=form_for(alley), headers=ZH)
    assert response.status_code == 302
    page = me.get(response.headers["Location"], headers=ZH).get_data(as_text=True)
    assert "已登记" in page and "便民超市" in page and alley.name in page
    shop = db.session.scalar(db.select(Shop))
    assert shop.alley_id == alley.id and shop.duties == ("safety", "sanitation", "order")


def test_a_far_position_is_refused_in_the_users_language_and_the_form_kept(login, street, chief):
    me = login(chief)
    far = form_for(alleys_of(street)[0]) | {"lon": "116.37005", "lat": "39.94203"}
    en = me.post(f"/frontage/shops?street={street.id}", data=far, headers=EN)
    zh = me.post(f"/frontage/shops?street={street.id}", data=far, headers=ZH)
    assert en.status_code == zh.status_code == 400
    assert "more than 60 m from every alley" in en.get_data(as_text=True)
    assert "所有胡同都超过 60 米" in zh.get_data(as_text=True)
    assert 'value="便民超市"' in zh.get_data(as_text=True)  # what was typed stays
    assert count(Shop) == 0


def test_the_registry_is_the_streets_own(login, street, shop):
    outsider = login(make_user(Role.CHIEF, street=other_street()))
    assert outsider.get(f"/frontage/?street={street.id}").status_code == 403
    assert outsider.get(f"/frontage/shops/{shop.id}").status_code == 403
    assert outsider.post(f"/frontage/shops/{shop.id}", data=form_for(alleys_of(street)[0])).status_code == 403
    assert login(make_user(Role.STEWARD)).get(f"/frontage/?street={street.id}").status_code == 403
    assert login(make_user(Role.ORGANIZER)).get(f"/frontage/shops/{shop.id}").status_code == 200
    assert login(make_user(Role.ORGANIZER)).get("/frontage/shops/999999").status_code == 404


def test_editing_a_shop_saves_and_a_bad_edit_changes_nothing(login, street, chief, shop):
    me = login(chief)
    second = alleys_of(street)[1]
    assert me.post(f"/frontage/shops/{shop.id}", data=form_for(second, name="炸酱面馆")).status_code == 302
    db.session.expire_all()
    assert (shop.name, shop.alley_id) == ("炸酱面馆", second.id)
    bad = me.post(f"/frontage/shops/{shop.id}", data=form_for(second, phone="电话"), headers=EN)
    assert bad.status_code == 400 and "phone number" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert shop.phone == "010-64001234"


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_import_is_previewed_then_imported(login, street, chief):
    me = login(chief)
    lon, lat = on_alley(alleys_of(street)[2], 0.0001)
    data = _xlsx([["店名", "经营者", "电话", "经度", "纬度", "三包", "签订日期"],
                  ["小卖部", "赵", "13800138000", lon, lat, "安全、卫生", "2026-02-01"]])
    preview = me.post(f"/frontage/import?street={street.id}", headers=ZH,
                      data={"file": (io.BytesIO(data), "shops.xlsx")}, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "小卖部" in page and 'name="confirm"' in page and count(Shop) == 0
    carried = page.split('name="data" value="')[1].split('"')[0]
    done = me.post(f"/frontage/import?street={street.id}", data={"data": carried, "confirm": "1"})
    assert done.status_code == 302 and db.session.scalar(db.select(Shop)).duties == ("safety", "sanitation")


def test_an_import_with_a_bad_row_imports_nothing(login, street, chief):
    me = login(chief)
    lon, lat = on_alley(alleys_of(street)[2], 0.0001)
    csv_text = f"店名,经度,纬度,三包,签订日期\n好店,{lon},{lat},安全,2026-02-01\n远店,116.37005,39.94203,安全,2026-02-01\n"
    preview = me.post(f"/frontage/import?street={street.id}", headers=ZH, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(csv_text.encode("utf-8-sig")), "shops.csv")})
    assert preview.status_code == 200 and 'name="confirm"' not in preview.get_data(as_text=True)
    assert "有错误" in preview.get_data(as_text=True)
    junk = me.post(f"/frontage/import?street={street.id}", content_type="multipart/form-data",
                   data={"file": (io.BytesIO(b"\xff\xfe\x00garbage"), "x.csv")}, headers=EN)
    assert junk.status_code == 400 and "UTF-8" in junk.get_data(as_text=True)
    assert count(Shop) == 0


# The map and checks --------------------------------------------------------------------------------------------------

def test_the_alley_lists_its_shops_without_their_operator_and_says_who_may_check(login, shop, steward):
    anyone = login(make_user(Role.RESIDENT)).get(f"/api/v1/alleys/{shop.alley_id}/shops").get_json()
    assert [s["name"] for s in anyone["shops"]] == ["老北京炸酱面"] and not anyone["can_check"]
    assert "operator" not in anyone["shops"][0] and "phone" not in anyone["shops"][0]
    mine = login(steward).get(f"/api/v1/alleys/{shop.alley_id}/shops").get_json()
    assert mine["can_check"] and [d["code"] for d in mine["shops"][0]["duties"]] == ["safety", "order"]


def _check(shop, **extra):
    results = {"safety": "kept", "order": "broken"}
    return {"client_id": str(uuid.uuid4()), "shop_id": shop.id, "results": results} | extra


def test_a_check_is_recorded_once_however_often_it_is_sent(login, shop, steward):
    me = login(steward)
    body = _check(shop, note="门口堆放杂物")
    first = me.post("/api/v1/frontage-checks", json=body)
    again = me.post("/api/v1/frontage-checks", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"] and first.get_json()["outcome"] == "broken"
    reused = me.post("/api/v1/frontage-checks", json=body | {"note": "别的"}, headers=EN)
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "idempotency_conflict"
    assert count(FrontageCheck) == 1


def test_a_check_with_a_photo_goes_as_multipart_and_its_photo_is_for_staff_only(login, shop, steward, chief):
    me = login(steward)
    body = _check(shop)
    send = lambda: me.post("/api/v1/frontage-checks", content_type="multipart/form-data",  # noqa: E731
                           data={"data": json.dumps(body), "photo": (io.BytesIO(jpeg()), "p.jpg")})
    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 200) and first.get_json()["has_photo"]
    check_id = first.get_json()["id"]
    assert me.get(f"/api/v1/frontage-checks/{check_id}/photo").mimetype == "image/jpeg"
    assert login(chief).get(f"/api/v1/frontage-checks/{check_id}/photo?size=thumb").status_code == 200
    assert login(make_user(Role.RESIDENT)).get(f"/api/v1/frontage-checks/{check_id}/photo").status_code == 403
    assert count(FrontageCheck) == 1


@pytest.mark.parametrize("who, status, english", [
    ("stranger", 403, "Claim this alley first"), ("outsider", 403, "another street"),
])
def test_a_check_by_someone_without_the_alley_is_refused_in_their_language(login, street, shop, who, status, english):
    user = make_user(Role.STEWARD) if who == "stranger" else make_user(Role.STEWARD, street=other_street())
    en = login(user).post("/api/v1/frontage-checks", json=_check(shop), headers=EN)
    zh = login(user).post("/api/v1/frontage-checks", json=_check(shop), headers=ZH)
    assert en.status_code == zh.status_code == status and english in en.get_json()["error"]["message"]
    assert en.get_json()["error"]["message"] != zh.get_json()["error"]["message"]
    assert count(FrontageCheck) == 0


@pytest.mark.parametrize("body, status", [
    ({"shop_id": 999999}, 404), ({"shop_id": "abc"}, 400), ({"client_id": "not-a-uuid"}, 400),
    ({"results": {"sanitation": "kept"}}, 400),  # not signed by this shop
    ({"results": {"safety": "maybe"}}, 400), ({"results": []}, 400), ({"note": "长" * 501}, 400),
])
def test_odd_checks_are_refused_and_change_nothing(login, shop, steward, body, status):
    response = login(steward).post("/api/v1/frontage-checks", json=_check(shop) | body, headers=EN)
    assert response.status_code == status and response.get_json()["error"]["message"]
    assert count(FrontageCheck) == 0


def test_signed_out_a_check_is_refused(app, shop):
    assert app.test_client().post("/api/v1/frontage-checks", json=_check(shop)).status_code == 401


# A report naming a shop ----------------------------------------------------------------------------------------------

def test_the_report_form_offers_the_shops_near_and_the_report_names_one(app, login, street, shop):
    lon, lat = on_alley(alleys_of(street)[0], 0.0002)
    near = login(make_user(Role.RESIDENT)).get(f"/api/v1/shops/nearby?lon={lon}&lat={lat}").get_json()["shops"]
    assert [s["id"] for s in near] == [shop.id] and 15 < near[0]["distance_m"] < 30
    resident = login(make_user(Role.RESIDENT))
    body = {"client_id": str(uuid.uuid4()), "category": "piled_goods", "lon": lon, "lat": lat, "shop_id": shop.id}
    filed = resident.post("/api/v1/reports", json=body)
    assert filed.status_code == 201 and db.session.scalar(db.select(Report.shop_id)) == shop.id
    report_id = filed.get_json()["id"]
    assert resident.get(f"/api/v1/reports/{report_id}").get_json()["shop"] == {"id": shop.id, "name": "老北京炸酱面"}
    assert "老北京炸酱面" in app.test_client().get(f"/reports/{report_id}").get_data(as_text=True)  # the case file
    for bad in (999999, "1", True):
        refused = resident.post("/api/v1/reports", json=body | {"client_id": str(uuid.uuid4()), "shop_id": bad})
        assert refused.status_code == 400
    assert count(Report) == 1


def test_a_report_cannot_name_a_shop_of_another_street(login, street, shop):
    other = other_street()
    db.session.add(Alley(street_id=other.id, name="隔壁胡同", length_m=800,
                         geom=from_shape(MultiLineString([LineString([(116.301, 39.805), (116.309, 39.805)])]), 4326)))
    db.session.commit()
    resident = login(make_user(Role.RESIDENT, street=other))
    body = {"client_id": str(uuid.uuid4()), "category": "piled_goods", "lon": 116.305, "lat": 39.8051,
            "shop_id": shop.id}
    refused = resident.post("/api/v1/reports", json=body, headers=EN)
    assert refused.status_code == 400 and "shop" in refused.get_json()["error"]["message"]
    assert count(Report) == 0


# Breaches ------------------------------------------------------------------------------------------------------------

def test_the_breaches_page_and_its_export_count_repeat_breaches(app, login, street, chief, shop, steward):
    app.extensions["clock"] = Clock(datetime(2026, 5, 10, 2, tzinfo=timezone.utc))
    me = login(steward)
    for _ in range(2):
        me.post("/api/v1/frontage-checks", json=_check(shop))
    me.post("/api/v1/frontage-checks", json=_check(shop, results={"safety": "warned"}))
    staff = login(chief)
    page = staff.get(f"/frontage/breaches?street={street.id}&from=2026-05-01&to=2026-05-31", headers=ZH)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "老北京炸酱面" in text and "frontage-repeat" in text
    shops = staff.get(f"/frontage/breaches.xlsx?street={street.id}&from=2026-05-01&to=2026-05-31", headers=ZH)
    assert shops.status_code == 200
    assert "frontage-shops-2026-05-01-2026-05-31.xlsx" in shops.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(shops.data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("商户", "胡同")
    assert rows[1][:7] == ("老北京炸酱面", alleys_of(street)[0].name, 3, 0, 1, 2, 0) and rows[1][7] == "是"
    alleys = staff.get(f"/frontage/breaches.xlsx?street={street.id}&by=alleys&from=2026-05-01&to=2026-05-31")
    by_alley = list(load_workbook(io.BytesIO(alleys.data)).active.iter_rows(values_only=True))
    assert by_alley[1] == (alleys_of(street)[0].name, 1, 1, 3, 0, 1, 2, 0)
    bad = staff.get(f"/frontage/breaches?street={street.id}&from=2026-13-01", headers=EN)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    assert login(make_user(Role.STEWARD)).get(f"/frontage/breaches?street={street.id}").status_code == 403

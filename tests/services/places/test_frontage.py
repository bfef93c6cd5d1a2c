"""门前三包: registering shops on the street's alleys, stewards' checks of the duties they signed (who may, once per
key, photos cleaned), reports naming a shop, and the repeat breaches per shop and alley over a period."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from geoalchemy2.shape import to_shape

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import jpeg, on_alley
from tests.support.clock import Clock
from webapp.errors import BadRequest, Conflict, Forbidden, IdempotencyConflict, NotFound
from webapp.extensions import db
from webapp.models import CheckResult, FrontageCheck, Report, Role, Shop
from webapp.photos import has_gps_exif
from webapp.services.cases.reports import ReportInput
from webapp.services.places.claims import claim_alley, leave_alley
from webapp.services.places.frontage import (CheckInput, ShopInput, breaches, check_shops_file, import_shops,
                                             recent_checks, record_check, register_shop, shops_near,
                                             update_shop)
from webapp.storage import storage_for

ALL_DUTIES = frozenset({"safety", "sanitation", "order"})


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def shop_at(alley, name="老北京炸酱面", offset_lat=0.0001, shift_lon=0.0, **extra):
    lon, lat = on_alley(alley, offset_lat)
    return ShopInput(name=name, lon=lon + shift_lon, lat=lat, operator="王师傅", phone="010-64001234",
                     duties=extra.pop("duties", ALL_DUTIES), signed_on=extra.pop("signed_on", date(2026, 3, 1)),
                     **extra)


@pytest.fixture
def street(app):
    return demo_street()


@pytest.fixture
def chief(street):
    return make_user(Role.CHIEF)


@pytest.fixture
def shop(street, chief):
    return register_shop(chief, street.id, shop_at(alleys_of(street)[0]))


@pytest.fixture
def steward(shop):
    user = make_user(Role.STEWARD)
    claim_alley(user, shop.alley_id)
    return user


def check(shop, **results):
    return CheckInput(client_id=str(uuid.uuid4()), shop_id=shop.id, results=results or {"sanitation": "kept"})


# Registering --------------------------------------------------------------------------------------------------

def test_a_shop_is_placed_on_the_nearest_alley_of_its_street(street, chief):
    alley = alleys_of(street)[0]
    shop = register_shop(chief, street.id, shop_at(alley))  # about 11 m off the centreline
    point = to_shape(shop.location)
    assert shop.alley_id == alley.id and shop.street_id == street.id
    assert to_shape(alley.geom).distance(point) < 1e-9  # snapped onto the alley itself
    assert shop.duties == ("safety", "sanitation", "order") and shop.signed_on == date(2026, 3, 1)


def test_organizers_register_shops_too_but_stewards_and_residents_do_not(street):
    alley = alleys_of(street)[0]
    register_shop(make_user(Role.ORGANIZER), street.id, shop_at(alley, "甲"))
    for role in (Role.STEWARD, Role.RESIDENT, Role.OFFICER):
        with pytest.raises(Forbidden):
            register_shop(make_user(role), street.id, shop_at(alley, f"乙{role.value}"))
    assert count(Shop) == 1


def test_a_chief_of_another_street_cannot_register_here(street):
    outsider = make_user(Role.CHIEF, street=other_street())
    with pytest.raises(Forbidden):
        register_shop(outsider, street.id, shop_at(alleys_of(street)[0]))
    assert count(Shop) == 0


def test_a_position_far_from_every_alley_is_refused_clearly(street, chief):
    far = ShopInput(name="远处小店", lon=116.37005, lat=39.94203, duties=ALL_DUTIES, signed_on=date(2026, 3, 1))
    with force_locale("en"), pytest.raises(BadRequest, match="more than 60 m from every alley of 演示街道"):
        register_shop(chief, street.id, far)
    with force_locale("zh_Hans"), pytest.raises(BadRequest, match="距.*所有胡同都超过 60 米"):
        register_shop(chief, street.id, far)
    assert count(Shop) == 0


def test_an_alley_of_another_street_is_too_far_for_this_street(street, chief):
    other = other_street()  # no alleys: its corner is far from every alley of the demo street
    with pytest.raises(BadRequest):
        register_shop(chief, street.id, ShopInput(name="隔壁", lon=116.305, lat=39.805))
    assert other.id != street.id and count(Shop) == 0


@pytest.mark.parametrize("change, field", [
    ({"name": "  "}, "name"), ({"name": "长" * 121}, "name"), ({"operator": "长" * 61}, "operator"),
    ({"phone": "call me"}, "phone"), ({"duties": frozenset({"fire"})}, "duties"),
    ({"signed_on": None}, "signed_on"), ({"signed_on": date(2999, 1, 1)}, "signed_on"),
    ({"lon": 500.0}, "location"),
])
def test_bad_fields_are_refused_one_by_one(street, chief, change, field):
    data = shop_at(alleys_of(street)[0]).__dict__ | change
    with pytest.raises(BadRequest) as refused:
        register_shop(chief, street.id, ShopInput(**data))
    assert refused.value.details["field"] == field and count(Shop) == 0


def test_a_shop_without_duties_needs_no_date(street, chief):
    shop = register_shop(chief, street.id, shop_at(alleys_of(street)[0], duties=frozenset(), signed_on=None))
    assert shop.duties == () and shop.signed_on is None


def test_the_same_name_twice_on_one_alley_is_a_conflict(street, chief, shop):
    with pytest.raises(Conflict):
        register_shop(chief, street.id, shop_at(alleys_of(street)[0], offset_lat=-0.0001))
    assert count(Shop) == 1


def test_editing_moves_a_shop_to_another_alley_and_keeps_bad_moves_out(street, chief, shop):
    second = alleys_of(street)[1]
    moved = update_shop(chief, shop.id, shop_at(second, duties=frozenset({"order"})))
    assert moved.alley_id == second.id and moved.duties == ("order",)
    with pytest.raises(BadRequest):
        update_shop(chief, shop.id, ShopInput(name="x", lon=116.37005, lat=39.94203))
    db.session.expire_all()
    assert db.session.get(Shop, shop.id).alley_id == second.id
    with pytest.raises(Forbidden):
        update_shop(make_user(Role.STEWARD), shop.id, shop_at(second))
    with pytest.raises(NotFound):
        update_shop(chief, 999_999, shop_at(second))


# Checks --------------------------------------------------------------------------------------------------------

def test_a_steward_of_the_alley_records_a_check_per_signed_duty(shop, steward):
    done, created = record_check(steward, check(shop, safety="kept", sanitation="warned", order="kept"))
    assert created and done.outcome is CheckResult.WARNED and done.sanitation is CheckResult.WARNED
    assert done.street_id == shop.street_id and done.user_id == steward.id


def test_the_outcome_is_the_worst_of_the_duties(shop, steward):
    done, _ = record_check(steward, check(shop, safety="broken", sanitation="warned"))
    assert done.outcome is CheckResult.BROKEN and done.order is None


def test_without_the_alley_a_check_is_refused_and_nothing_is_stored(shop, steward):
    stranger = make_user(Role.STEWARD)
    with force_locale("en"), pytest.raises(Forbidden, match="Claim this alley first"):
        record_check(stranger, check(shop))
    for role in (Role.CHIEF, Role.RESIDENT):
        with pytest.raises(Forbidden):
            record_check(make_user(role), check(shop))
    leave_alley(steward, shop.alley_id)
    with pytest.raises(Forbidden):
        record_check(steward, check(shop))
    assert count(FrontageCheck) == 0


def test_a_steward_of_another_street_is_told_it_is_another_street(shop):
    outsider = make_user(Role.STEWARD, street=other_street())
    with force_locale("zh_Hans"), pytest.raises(Forbidden, match="别的街道"):
        record_check(outsider, check(shop))
    assert count(FrontageCheck) == 0


def test_an_unknown_shop_is_not_found(steward):
    with force_locale("en"), pytest.raises(NotFound, match="No such shop"):
        record_check(steward, CheckInput(str(uuid.uuid4()), 999_999, {"safety": "kept"}))


@pytest.mark.parametrize("results", [{}, {"safety": "fine"}, {"fire": "kept"}])
def test_results_must_be_kept_warned_or_broken_for_signed_duties(shop, steward, results):
    with pytest.raises(BadRequest):
        record_check(steward, CheckInput(str(uuid.uuid4()), shop.id, results))
    assert count(FrontageCheck) == 0


def test_a_duty_the_shop_did_not_sign_cannot_be_checked(street, chief, steward, shop):
    update_shop(chief, shop.id, shop_at(alleys_of(street)[0], duties=frozenset({"sanitation"})))
    with pytest.raises(BadRequest):
        record_check(steward, check(shop, safety="broken"))
    update_shop(chief, shop.id, shop_at(alleys_of(street)[0], duties=frozenset(), signed_on=None))
    with force_locale("en"), pytest.raises(BadRequest, match="not signed any duties"):
        record_check(steward, check(shop, sanitation="kept"))
    assert count(FrontageCheck) == 0


def test_a_replay_is_the_same_check_and_a_reused_key_is_refused(app, shop, steward):
    data = CheckInput(str(uuid.uuid4()), shop.id, {"order": "broken"}, note="占道摆摊", photo=jpeg())
    first, created = record_check(steward, data)
    again, created_again = record_check(steward, data)
    assert created and not created_again and first.id == again.id
    with pytest.raises(IdempotencyConflict):
        record_check(steward, CheckInput(data.client_id, shop.id, {"order": "kept"}))
    other = make_user(Role.STEWARD)
    claim_alley(other, shop.alley_id)
    with pytest.raises(IdempotencyConflict):  # someone else's key
        record_check(other, data)
    assert count(FrontageCheck) == 1


def test_the_photo_is_cleaned_and_stored_once(app, shop, steward):
    big = jpeg((2400, 1800))
    done, _ = record_check(steward, CheckInput(str(uuid.uuid4()), shop.id, {"safety": "broken"}, photo=big))
    stored = storage_for(app).open(done.photo_key)
    assert stored[:3] == b"\xff\xd8\xff" and not has_gps_exif(stored) and storage_for(app).exists(done.thumb_key)


def test_a_bad_photo_stores_nothing(shop, steward):
    with pytest.raises(BadRequest):
        record_check(steward, CheckInput(str(uuid.uuid4()), shop.id, {"safety": "kept"}, photo=b"not a photo"))
    assert count(FrontageCheck) == 0


# Reports naming a shop -------------------------------------------------------------------------------------------

def test_a_report_names_a_shop_of_its_street(street, shop):
    resident = make_user(Role.RESIDENT)
    lon, lat = on_alley(alleys_of(street)[0], 0.0001)
    report, _ = file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat, shop_id=shop.id))
    assert report.shop_id == shop.id
    plain, _ = file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat))
    assert plain.shop_id is None


def test_a_report_cannot_name_an_unknown_shop(street, shop):
    resident = make_user(Role.RESIDENT)
    lon, lat = on_alley(alleys_of(street)[0], 0.0001)
    with pytest.raises(BadRequest):
        file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat, shop_id=999_999))
    assert count(Report) == 0


def test_the_shops_near_a_position_are_its_streets_nearest_first(street, chief, shop):
    alley = alleys_of(street)[0]
    farther = register_shop(chief, street.id, shop_at(alley, "胡同口小卖部", offset_lat=-0.0001, shift_lon=0.0003))
    lon, lat = on_alley(alley, 0.0001)  # across the alley from the first shop's door, 11 m away
    found = shops_near(lon, lat)
    assert [s.id for s, _ in found] == [shop.id, farther.id] and found[0][1] < 12 < found[1][1] < 50
    assert shops_near(116.305, 39.805) == []  # another street, no shops; and outside every street too
    assert shops_near(121.47, 31.23) == []


# Breaches ------------------------------------------------------------------------------------------------------

def _at(app, when: datetime):
    app.extensions["clock"] = Clock(when)


def test_breaches_count_per_shop_and_alley_in_the_period_repeat_first(app, street, chief, shop, steward):
    alleys = alleys_of(street)
    quiet = register_shop(chief, street.id, shop_at(alleys[0], "便民超市", offset_lat=-0.0001))
    elsewhere = register_shop(chief, street.id, shop_at(alleys[1], "理发店"))
    claim_alley(steward, alleys[1].id)
    may = datetime(2026, 5, 10, 2, tzinfo=timezone.utc)
    for days, target, results in [(0, shop, {"order": "broken"}), (1, shop, {"safety": "broken", "order": "kept"}),
                                  (2, shop, {"sanitation": "warned"}), (2, quiet, {"sanitation": "kept"}),
                                  (3, elsewhere, {"order": "broken"}), (40, shop, {"order": "broken"})]:
        _at(app, may + timedelta(days=days))
        record_check(steward, check(target, **results))
    _at(app, may)
    lon, lat = on_alley(alleys[0], 0.0001)
    file_report(make_user(Role.RESIDENT), ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat, shop_id=quiet.id))

    found = breaches(chief, street.id, date(2026, 5, 1), date(2026, 5, 31))
    by_shop = {t.name: t for t in found.shops}
    assert [t.name for t in found.shops] == ["老北京炸酱面", "理发店", "便民超市"]
    top = by_shop["老北京炸酱面"]
    assert (top.checks, top.kept, top.warned, top.broken, top.is_repeat) == (3, 0, 1, 2, True)
    assert top.last_broken == date(2026, 5, 11)
    assert (by_shop["便民超市"].kept, by_shop["便民超市"].reports) == (1, 1)
    assert not by_shop["理发店"].is_repeat
    first_alley = found.alleys[0]
    assert (first_alley.name, first_alley.shops, first_alley.repeat_shops, first_alley.broken) == \
        (alleys[0].name, 2, 1, 2)
    assert {a.name for a in found.alleys} == {alleys[0].name, alleys[1].name}
    # June holds only the last breach: one, no repeat.
    june = breaches(chief, street.id, date(2026, 6, 1), date(2026, 6, 30))
    assert [(t.name, t.broken, t.is_repeat) for t in june.shops] == [("老北京炸酱面", 1, False)]


def test_the_period_is_in_beijing_days(app, street, chief, shop, steward):
    _at(app, datetime(2026, 5, 31, 17, tzinfo=timezone.utc))  # 1 June, 01:00 in Beijing
    record_check(steward, check(shop, order="broken"))
    assert breaches(chief, street.id, date(2026, 5, 1), date(2026, 5, 31)).shops == []
    assert breaches(chief, street.id, date(2026, 6, 1), date(2026, 6, 1)).shops[0].broken == 1


def test_only_the_streets_organizers_and_chiefs_see_breaches(street, shop):
    breaches(make_user(Role.ORGANIZER), street.id, date(2026, 1, 1), date(2026, 1, 31))
    for user in (make_user(Role.STEWARD), make_user(Role.CHIEF, street=other_street())):
        with pytest.raises(Forbidden):
            breaches(user, street.id, date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(BadRequest):
        breaches(make_user(Role.CHIEF), street.id, date(2026, 2, 1), date(2026, 1, 1))


# The import ------------------------------------------------------------------------------------------------------

def _sheet(street, *rows):
    alley = alleys_of(street)[0]
    lon, lat = on_alley(alley, 0.0001)
    header = ["店名", "经营者", "电话", "经度", "纬度", "三包", "签订日期"]
    return [header] + [[cell.format(lon=lon, lat=lat) for cell in row] for row in rows]


def test_an_import_checks_every_row_and_imports_all_or_nothing(street, chief):
    good = ["面馆", "王", "010-64001234", "{lon}", "{lat}", "安全、卫生、秩序", "2026-03-01"]
    bad = ["远处", "", "", "116.37005", "39.94203", "安全", "2026-03-01"]
    rows = check_shops_file(street.id, _sheet(street, good, bad, good, ["x", "", "", "a", "b", "", ""]))
    assert [bool(r.errors) for r in rows] == [False, True, True, True]
    with pytest.raises(BadRequest):
        import_shops(chief, street.id, _sheet(street, good, bad))
    assert count(Shop) == 0
    assert import_shops(chief, street.id, _sheet(street, good)) == 1
    assert db.session.scalar(db.select(Shop)).duties == ("safety", "sanitation", "order")
    assert check_shops_file(street.id, _sheet(street, good))[0].errors  # already registered


def test_an_import_needs_the_columns_and_the_right_people(street):
    with pytest.raises(BadRequest):
        check_shops_file(street.id, [["名字", "地址"]])
    with pytest.raises(Forbidden):
        import_shops(make_user(Role.STEWARD), street.id, _sheet(street))


def test_the_sheet_shows_each_shops_last_three_checks_newest_first(app, street, chief, shop, steward):
    other = register_shop(chief, street.id, shop_at(alleys_of(street)[0], "便民超市", shift_lon=0.0003))
    start = datetime(2026, 5, 1, 2, tzinfo=timezone.utc)
    for day in range(5):
        _at(app, start + timedelta(days=day))
        record_check(steward, check(shop, order="broken" if day == 4 else "kept"))
    record_check(steward, check(other, sanitation="warned"))
    found = recent_checks([shop.id, other.id])
    assert [c.outcome for c in found[shop.id]] == [CheckResult.BROKEN, CheckResult.KEPT, CheckResult.KEPT]
    assert [c.checked_at.day for c in found[shop.id]] == [5, 4, 3] and len(found[other.id]) == 1


def test_the_same_check_sent_twice_at_once_is_stored_once(database_url, shop, steward):
    from tests.support.race import race
    from webapp.models import User

    data = CheckInput(str(uuid.uuid4()), shop.id, {"order": "broken"}, photo=jpeg())
    user_id = steward.id
    outcomes = race(database_url, [lambda: record_check(db.session.get(User, user_id), data)] * 2)
    assert outcomes == ["won", "won"]  # the second is answered with the first's check
    assert count(FrontageCheck) == 1

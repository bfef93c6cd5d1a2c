"""The flask commands an admin runs: imports with a summary line, users, demo."""
import json

from tests.conftest import shared_data
from webapp.extensions import db
from webapp.models import Alley, Role, Street, User


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_import_streets_then_alleys_prints_one_summary_line(app):
    streets = run(app, "geo", "import-streets", str(shared_data("dongcheng/subdistricts_gcj02.geojson")),
                  "--crs", "gcj02")
    assert streets.exit_code == 0, streets.output
    assert "17 streets imported" in streets.output
    alleys = run(app, "geo", "import-alleys", str(shared_data("dongcheng/roads_gcj02.geojson")), "--crs", "gcj02")
    assert alleys.exit_code == 0, alleys.output
    summary = alleys.stdout.strip().splitlines()[-1]
    assert "17 streets" in summary and "segments imported" in summary and "unnamed" in summary


def test_import_with_unnamed_segments_keeps_them(app):
    run(app, "geo", "import-streets", str(shared_data("dongcheng/subdistricts_gcj02.geojson")), "--crs", "gcj02")
    result = run(app, "geo", "import-alleys", str(shared_data("dongcheng/roads_gcj02.geojson")),
                 "--crs", "gcj02", "--include-unnamed")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Alley)) > 9000


def test_a_bad_file_gives_a_clear_error_and_imports_nothing(app, tmp_path):
    bad = tmp_path / "roads.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"seg_id": 41},
         "geometry": {"type": "LineString", "coordinates": [[116.4, 39.9], [116.41, 39.9]]}}]}))
    result = run(app, "geo", "import-streets", str(bad), "--crs", "wgs84")
    assert result.exit_code != 0
    assert "name" in result.output
    not_json = tmp_path / "notes.txt"
    not_json.write_text("this is not GeoJSON")
    result = run(app, "geo", "import-alleys", str(not_json), "--crs", "wgs84")
    assert result.exit_code != 0 and "GeoJSON" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Street)) == 0


def test_a_crs_that_puts_everything_outside_china_is_refused(app, tmp_path):
    swapped = tmp_path / "swapped.geojson"
    swapped.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "错位街道"},
         "geometry": {"type": "Polygon", "coordinates": [[[39.90, 116.40], [39.90, 116.41], [39.91, 116.41],
                                                          [39.90, 116.40]]]}}]}))
    result = run(app, "geo", "import-streets", str(swapped), "--crs", "gcj02")
    assert result.exit_code != 0
    assert "China" in result.output and "错位街道" in result.output


def test_users_create_grants_a_role_in_a_street(app):
    run(app, "demo")
    result = run(app, "users", "create", "--display-name", "王街巷长", "--phone", "138 0013 8000",
                 "--role", "chief", "--street", "演示街道（示例数据）", "--password", "long-enough-1")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.phone == "13800138000"))
    assert user.has_role(Role.CHIEF) and user.check_password("long-enough-1")


def test_users_create_refuses_unknown_streets_and_bad_phones(app):
    result = run(app, "users", "create", "--display-name", "x", "--username", "someone", "--role", "chief",
                 "--street", "没有这个街道", "--password", "long-enough-1")
    assert result.exit_code != 0 and "没有这个街道" in result.output
    result = run(app, "users", "create", "--display-name", "x", "--phone", "12345", "--password", "long-enough-1")
    assert result.exit_code != 0


def test_demo_is_marked_and_can_run_twice(app):
    assert run(app, "demo").exit_code == 0
    assert run(app, "demo").exit_code == 0
    street = db.session.scalar(db.select(Street).where(Street.is_demo.is_(True)))
    assert "示例" in street.name
    users = db.session.scalars(db.select(User)).all()
    assert {g.role for u in users for g in u.grants} == set(Role)
    assert all(u.is_demo for u in users)
    # The demo chief has two alleys of their own, appointed once however often the demo is loaded.
    from webapp.models import AlleyChief
    signs = db.session.scalars(db.select(AlleyChief)).all()
    assert len(signs) == 2 and {s.chief.username for s in signs} == {"demo_chief"} and all(s.ended_at is None for s in signs)


def test_an_open311_key_is_printed_once_kept_as_a_hash_and_can_be_revoked(app):
    from webapp.models import ApiKey
    from webapp.services.partners.api_keys import authenticate

    created = run(app, "open311", "keys", "create", "12345热线")
    assert created.exit_code == 0, created.output
    plaintext = created.output.strip().splitlines()[-1]
    key = db.session.scalar(db.select(ApiKey))
    assert len(plaintext) >= 40 and plaintext not in key.key_hash and authenticate(plaintext) == key
    assert key.user.is_partner and key.user.display_name == "12345热线"
    again = run(app, "open311", "keys", "create", "12345热线")
    assert again.exit_code != 0 and "已有密钥" in again.output  # the command line speaks Chinese

    listed = run(app, "open311", "keys", "list")
    assert "12345热线" in listed.output and "live" in listed.output and plaintext not in listed.output

    revoked = run(app, "open311", "keys", "revoke", "12345热线")
    assert revoked.exit_code == 0, revoked.output
    assert authenticate(plaintext) is None
    assert "revoked" in run(app, "open311", "keys", "list").output
    assert run(app, "open311", "keys", "revoke", "nobody").exit_code != 0


def test_a_partner_account_cannot_sign_in(app, client):
    from webapp.services.partners.api_keys import create_api_key

    key, _ = create_api_key("区级平台")
    response = client.post("/login", data={"login": key.user.username, "password": "anything-at-all"})
    assert response.status_code == 401


def test_import_communities_from_gcj02_and_create_their_worker(app, tmp_path):
    import shapely
    from shapely.geometry import box, mapping

    from geo.crs import wgs84_to_gcj02_array
    from tests.factories import demo_street
    from webapp.models import Community

    street = demo_street()
    north = shapely.transform(box(116.3710, 39.9460, 116.3770, 39.9478), wgs84_to_gcj02_array)
    path = tmp_path / "communities.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "北社区"}, "geometry": mapping(north)}]}), encoding="utf-8")
    result = run(app, "geo", "import-communities", str(path), "--street", street.name, "--crs", "gcj02")
    assert result.exit_code == 0 and "1 new" in result.output
    assert db.session.scalar(db.select(Community.id).where(Community.name == "北社区"))
    # Read as WGS-84, the same file lies outside the street: refused, nothing changes.
    result = run(app, "geo", "import-communities", str(path), "--street", street.name, "--crs", "wgs84")
    assert result.exit_code != 0 and "不在" in result.output  # the command line speaks the default language
    result = run(app, "users", "create", "--display-name", "周敏", "--username", "zhoumin", "--role",
                 "community_worker", "--street", street.name, "--community", "北社区", "--password", "correct-horse-1")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.username == "zhoumin"))
    assert [(g.role, g.community.name) for g in user.grants] == [(Role.COMMUNITY_WORKER, "北社区")]

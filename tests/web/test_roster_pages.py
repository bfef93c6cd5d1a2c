"""The roster pages: an organizer lists, filters, approves, changes roles, deactivates (the alleys become
unclaimed and the chief is told), invites with a QR code, imports with a preview (nothing while a row is in
error) and exports; everything only in their own street, by page and by direct URL."""
import csv
import io

import pytest
from flask_login import FlaskLoginClient
from openpyxl import load_workbook

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.services.organizing.test_roster_files import GOOD, bad_file
from webapp.extensions import db
from webapp.models import Alley, Claim, Notification, NotificationKind, Role, User
from webapp.services.organizing.teams import add_to_team, create_post, create_team
from webapp.services.places.claims import claim_alley

EN = {"Accept-Language": "en"}


@pytest.fixture
def street(app):
    app.test_client_class = FlaskLoginClient
    home = demo_street()
    organizer = make_user(Role.ORGANIZER, home, "组织者")
    chief = make_user(Role.CHIEF, home, "街巷长")
    steward = make_user(Role.STEWARD, home, "王管家")
    neighbour = make_user(Role.OLD_NEIGHBOUR, home, "李老街坊")
    resident = make_user(Role.RESIDENT, home, "新居民")
    team = create_team(organizer, home.id, "一队")
    create_team(organizer, home.id, "二队")
    create_post(organizer, home.id, "宣传员")
    create_post(organizer, home.id, "调解员")
    add_to_team(organizer, team.id, neighbour.id)
    elsewhere = other_street()
    stranger = make_user(Role.ORGANIZER, elsewhere, "别街组织者")
    return {"street": home, "organizer": organizer, "chief": chief, "steward": steward, "neighbour": neighbour,
            "resident": resident, "other": elsewhere, "stranger": stranger,
            "as": lambda user: app.test_client(user=user)}


def test_the_roster_lists_and_filters_the_streets_volunteers(street):
    page = street["as"](street["organizer"]).get("/roster/", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "王管家" in html and "李老街坊" in html
    assert "新居民" in html  # waiting to be approved, in the section below the table
    table = lambda **args: street["as"](street["organizer"]).get("/roster/", query_string=args).get_data(as_text=True)
    only_team = table(team="一队")
    assert "李老街坊" in only_team.split('id="to-approve"')[0] and "王管家" not in only_team.split('id="to-approve"')[0]
    assert "王管家" in table(role="steward").split('id="to-approve"')[0]
    assert "李老街坊" not in table(role="steward").split('id="to-approve"')[0]
    assert "王管家" in table(q="王").split('id="to-approve"')[0]
    assert "李老街坊" in table(status="not_met").split('id="to-approve"')[0]  # a team but no service post
    bad = street["as"](street["organizer"]).get("/roster/?min_hours=lots", headers=EN)
    assert bad.status_code == 400 and "number" in bad.get_data(as_text=True)


def test_approving_a_resident_makes_them_a_volunteer(street):
    client = street["as"](street["organizer"])
    done = client.post(f"/roster/people/{street['resident'].id}/approve", data={"role": "old_neighbour"},
                       headers=EN, follow_redirects=True)
    assert done.status_code == 200 and "新居民 is now a volunteer" in done.get_data(as_text=True)
    user = db.session.get(User, street["resident"].id)
    assert user.has_role(Role.OLD_NEIGHBOUR, street["street"].id)
    assert not user.has_role(Role.RESIDENT, street["street"].id)


def test_a_steward_who_stops_being_one_leaves_the_alleys(street):
    alley = alleys_of(street["street"])[0]
    claim_alley(street["steward"], alley.id)
    client = street["as"](street["organizer"])
    client.post(f"/roster/people/{street['steward'].id}/roles", data={"roles": ["old_neighbour"]})
    user = db.session.get(User, street["steward"].id)
    assert user.has_role(Role.OLD_NEIGHBOUR, street["street"].id) and not user.has_role(Role.STEWARD)
    assert db.session.get(Alley, alley.id).steward_count == 0
    assert user.open_claims == 0


def test_deactivating_frees_the_alleys_keeps_history_and_tells_the_chief(street):
    alley = alleys_of(street["street"])[0]
    claim_alley(street["steward"], alley.id)
    client = street["as"](street["organizer"])
    page = client.post(f"/roster/people/{street['steward'].id}/deactivate", headers=EN, follow_redirects=True)
    assert page.status_code == 200 and alley.name in page.get_data(as_text=True)
    user = db.session.get(User, street["steward"].id)
    assert not user.active
    claim = db.session.scalar(db.select(Claim).where(Claim.user_id == user.id))
    assert claim.left_at is not None  # kept, closed
    assert db.session.get(Alley, alley.id).steward_count == 0
    told = db.session.scalars(db.select(Notification).where(
        Notification.kind == NotificationKind.ALLEYS_RELEASED)).all()
    told_ids = {n.user_id for n in told}
    assert {street["chief"].id, street["organizer"].id} <= told_ids and street["steward"].id not in told_ids
    assert told[0].params["alleys"] == alley.name
    # The deactivated volunteer's session ends and the sign-in refuses them.
    assert street["as"](user).get("/roster/").status_code in (302, 401, 403)
    again = client.post(f"/roster/people/{user.id}/reactivate", follow_redirects=True)
    assert again.status_code == 200 and db.session.get(User, user.id).active


def test_an_invitation_shows_its_link_and_qr_code(street):
    client = street["as"](street["organizer"])
    made = client.post("/roster/invite", data={"role": "steward", "days": "7", "max_uses": "2"})
    assert made.status_code == 302 and "code=" in made.location
    page = client.get(made.location).get_data(as_text=True)
    assert "/invite/" in page and "<svg" in page
    refused = client.post("/roster/invite", data={"role": "steward", "days": "999"}, headers=EN,
                          follow_redirects=True)
    assert "1 to 365 days" in refused.get_data(as_text=True)


def test_the_import_previews_refuses_a_bad_file_whole_and_imports_a_good_one(street):
    client = street["as"](street["organizer"])
    before = db.session.scalar(db.select(db.func.count(User.id)))
    preview = client.post("/roster/import", data={"file": (io.BytesIO(bad_file()), "roster.csv")},
                          content_type="multipart/form-data", headers=EN)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "3 rows have errors" in html and "三队" in html
    assert 'name="confirm"' not in html  # no import button while a row is in error
    assert db.session.scalar(db.select(db.func.count(User.id))) == before

    preview = client.post("/roster/import", data={"file": (io.BytesIO(GOOD.encode()), "roster.csv")},
                          content_type="multipart/form-data", headers=EN)
    html = preview.get_data(as_text=True)
    assert "3 rows, all correct" in html
    carried = html.split('name="data" value="')[1].split('"')[0]
    done = client.post("/roster/import", data={"data": carried, "confirm": "1"}, headers=EN, follow_redirects=True)
    assert "Imported 3 volunteers" in done.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before + 3
    empty = client.post("/roster/import", data={}, headers=EN)
    assert empty.status_code == 400 and "choose a CSV file" in empty.get_data(as_text=True)


def test_the_export_opens_in_csv_and_openpyxl(street):
    client = street["as"](street["organizer"])
    text = client.get("/roster/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert {"王管家", "李老街坊"} <= {row[0] for row in rows[1:]}
    book = load_workbook(io.BytesIO(client.get("/roster/export.xlsx").get_data()))
    sheet = list(book.active.values)
    assert {"王管家", "李老街坊"} <= {row[0] for row in sheet[1:]}


def test_organizers_see_and_change_only_their_own_street(street):
    stranger = street["as"](street["stranger"])
    home, target = street["street"].id, street["steward"].id
    for url in ("/roster/", f"/roster/people/{target}", "/roster/invite", "/roster/import", "/roster/export.csv"):
        assert stranger.get(f"{url}?street={home}").status_code == 403, url
    for url in (f"/roster/people/{target}/deactivate", f"/roster/people/{target}/roles",
                f"/roster/people/{street['resident'].id}/approve", "/roster/invite"):
        assert stranger.post(f"{url}?street={home}", data={"role": "steward"}).status_code == 403, url
    # Without ?street= the stranger manages their own street, where this volunteer is unknown.
    assert stranger.get(f"/roster/people/{target}").status_code == 404
    assert stranger.post(f"/roster/people/{target}/deactivate").status_code == 404
    assert db.session.get(User, target).active
    assert street["as"](street["steward"]).get("/roster/").status_code == 403

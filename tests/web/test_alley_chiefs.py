"""Alley chiefs on the pages: the alley JSON behind the map's sheet shows 本巷街巷长 to anyone; the organizer's page
assigns, changes and ends them (refusals flashed in the reader's language, nothing changed; other streets' alleys
403); the coverage page lists the alleys without a chief; the chief's queue puts their own alleys first and filters
to them, while a street-wide chief's queue stays as it was."""
import uuid

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley
from webapp.extensions import db
from webapp.models import AlleyChief, Report, Role, User
from webapp.services.cases.reports import ReportInput
from webapp.services.cases.transitions import Step, transition
from webapp.services.places import chiefs

EN = {"Accept-Language": "en"}
PHONE = "010-64041234"


@pytest.fixture
def street(app):
    app.test_client_class = FlaskLoginClient
    home = demo_street()
    elsewhere = other_street()
    return {"street": home, "alleys": alleys_of(home), "organizer": make_user(Role.ORGANIZER, home, "组织者"),
            "wang": make_user(Role.CHIEF, home, "王街巷长"), "li": make_user(Role.CHIEF, home, "李街巷长"),
            "other_organizer": make_user(Role.ORGANIZER, elsewhere, "别街组织者"),
            "other_chief": make_user(Role.CHIEF, elsewhere, "外街巷长"), "app": app}


def client_of(street, user=None):
    return street["app"].test_client(user=db.session.get(User, user.id) if user else None)


def open_rows():
    return db.session.scalars(db.select(AlleyChief).where(AlleyChief.ended_at.is_(None))).all()


# --- the alley sheet ---------------------------------------------------------------------------------------

def test_the_alley_sheet_shows_its_chief_to_anyone(street):
    alley = street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    for who in (None, make_user(Role.RESIDENT), street["li"]):
        feature = client_of(street, who).get(f"/api/v1/alleys/{alley.id}").get_json()
        assert feature["properties"]["chief"] == {"name": "王街巷长", "phone": PHONE}
    other = client_of(street).get(f"/api/v1/alleys/{street['alleys'][1].id}").get_json()
    assert other["properties"]["chief"] is None


def test_the_map_page_has_the_sign_in_its_sheet(street):
    html = client_of(street).get("/", headers=EN).get_data(as_text=True)
    assert "data-info-chief" in html and "Chief of this alley" in html


# --- the organizer's page ------------------------------------------------------------------------------------

def test_the_organizer_assigns_changes_and_ends_a_chief_on_the_page(street):
    client, alley = client_of(street, street["organizer"]), street["alleys"][0]
    page = client.get("/roster/chiefs", headers=EN).get_data(as_text=True)
    assert "Alley chiefs" in page and alley.name in page and "王街巷长" in page and "李街巷长" in page
    assert f"{len(street['alleys'])} of {len(street['alleys'])} alleys have no chief" in page
    assert "外街巷长" not in page  # only the street's own chiefs are offered

    done = client.post(f"/roster/chiefs/{alley.id}", data={"chief_id": street["wang"].id, "phone": PHONE},
                       headers=EN, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "王街巷长 is now the chief of" in html and f'href="tel:{PHONE}"' in html
    client.post(f"/roster/chiefs/{alley.id}", data={"chief_id": street["li"].id, "phone": "13800138000"})
    html = client.get("/roster/chiefs", headers=EN).get_data(as_text=True)
    assert "1 earlier chief" in html  # the history: 王街巷长 before 李街巷长
    assert [(r.chief_id, r.phone) for r in open_rows()] == [(street["li"].id, "13800138000")]

    ended = client.post(f"/roster/chiefs/{alley.id}/end", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "has no chief of its own now" in ended and open_rows() == []


@pytest.mark.parametrize("form, message", [
    ({}, "Please choose a chief from the list."),
    ({"chief_id": "abc"}, "Please choose a chief from the list."),
    ({"chief_id": "99999999999999"}, "Please choose a chief from the list."),
    ({"chief_id": "987654", "phone": PHONE}, "Only a street chief of this street"),
    ({"chief_id": "other_chief", "phone": PHONE}, "Only a street chief of this street"),
    ({"chief_id": "wang", "phone": "call me"}, "only digits"),
])
def test_a_refused_assignment_is_flashed_in_the_readers_language_and_changes_nothing(street, form, message):
    form = {k: (str(street[v].id) if v in street else v) for k, v in form.items()}
    client, alley = client_of(street, street["organizer"]), street["alleys"][0]
    response = client.post(f"/roster/chiefs/{alley.id}", data=form, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#alley-{alley.id}")
    html = client.get("/roster/chiefs", headers=EN).get_data(as_text=True)
    assert "organize-flash-error" in html and message in html
    assert db.session.scalar(db.select(db.func.count()).select_from(AlleyChief)) == 0


def test_the_refusal_is_in_chinese_for_a_chinese_reader(street):
    client, alley = client_of(street, street["organizer"]), street["alleys"][0]
    client.post(f"/roster/chiefs/{alley.id}", data={"chief_id": street["other_chief"].id, "phone": PHONE},
                headers={"Accept-Language": "zh-CN"})
    html = client.get("/roster/chiefs", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "只有本街道的街巷长" in html


def test_other_streets_organizers_and_other_roles_are_refused(street):
    alley = street["alleys"][0]
    outsider = client_of(street, street["other_organizer"])
    assert outsider.post(f"/roster/chiefs/{alley.id}", data={"chief_id": street["wang"].id}).status_code == 403
    assert outsider.post(f"/roster/chiefs/{alley.id}/end").status_code == 403
    assert outsider.get(f"/roster/chiefs?street={street['street'].id}").status_code == 403
    for role in (Role.CHIEF, Role.STEWARD, Role.RESIDENT):
        client = client_of(street, make_user(role))
        assert client.get("/roster/chiefs").status_code == 403
        assert client.post(f"/roster/chiefs/{alley.id}", data={"chief_id": street["wang"].id}).status_code == 403
    assert client_of(street, street["organizer"]).post("/roster/chiefs/987654",
                                                       data={"chief_id": street["wang"].id}).status_code == 404
    assert open_rows() == []


def test_ending_twice_says_there_is_none(street):
    client, alley = client_of(street, street["organizer"]), street["alleys"][0]
    chiefs.assign_chief(street["organizer"], alley.id, street["wang"].id, PHONE)
    client.post(f"/roster/chiefs/{alley.id}/end")
    again = client.post(f"/roster/chiefs/{alley.id}/end", headers=EN, follow_redirects=True)
    assert "has no chief at the moment" in again.get_data(as_text=True)


# --- coverage -------------------------------------------------------------------------------------------------

def test_the_coverage_page_lists_the_alleys_without_a_chief(street):
    alleys = street["alleys"]
    chiefs.assign_chief(street["organizer"], alleys[0].id, street["wang"].id, PHONE)
    client = client_of(street, street["organizer"])
    data = client.get("/roster/coverage.json").get_json()
    assert data["counts"]["no_chief"] == len(alleys) - 1
    assert {a["id"] for a in data["no_chief"]} == {a.id for a in alleys[1:]}
    html = client.get("/roster/coverage", headers=EN).get_data(as_text=True)
    assert "Alleys without a chief" in html and "/roster/chiefs" in html


# --- the chief's queue ----------------------------------------------------------------------------------------

@pytest.fixture
def queue(street):
    """Five cases passed up by a resident, one per alley, the oldest in the last alley; 王 has alleys 2 and 4."""
    resident = make_user(Role.RESIDENT)
    ids = []
    for alley in street["alleys"][:5]:
        report, _ = file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", *on_alley(alley)))
        transition(resident, report.id, Step.ESCALATE)
        ids.append(report.id)
    for n, report_id in enumerate(reversed(ids)):  # the last filed is the oldest
        db.session.get(Report, report_id).created_at = db.session.get(Report, ids[0]).created_at.replace(
            year=2020, day=1, hour=n)
    db.session.commit()
    for i in (1, 3):
        chiefs.assign_chief(street["organizer"], street["alleys"][i].id, street["wang"].id, PHONE)
    return ids


def queue_ids(street, who, **args):
    response = client_of(street, street[who]).get("/api/v1/triage/queue", query_string=args, headers=EN)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [c["id"] for c in response.get_json()["cases"]]


def test_the_chiefs_own_alleys_come_first(street, queue):
    oldest_first = list(reversed(queue))
    assert queue_ids(street, "li") == oldest_first  # a street-wide chief: as before, the oldest first
    mine = [queue[3], queue[1]]
    assert queue_ids(street, "wang") == mine + [i for i in oldest_first if i not in mine]


def test_my_alleys_filters_the_queue_and_the_page(street, queue):
    assert queue_ids(street, "wang", mine=1) == [queue[3], queue[1]]
    assert queue_ids(street, "li", mine=1) == []  # no alleys of their own
    page = client_of(street, street["wang"]).get("/triage?mine=1", headers=EN).get_data(as_text=True)
    assert 'name="mine" value="1" checked' in page
    assert f'data-id="{queue[0]}"' not in page and f'data-id="{queue[1]}"' in page
    li_page = client_of(street, street["li"]).get("/triage", headers=EN).get_data(as_text=True)
    assert 'name="mine"' not in li_page  # nothing to filter to


def test_a_bad_mine_filter_is_refused(street, queue):
    response = client_of(street, street["wang"]).get("/api/v1/triage/queue?mine=yes", headers=EN)
    assert response.status_code == 400 and "mine must be 1 or 0" in response.get_json()["error"]["message"]

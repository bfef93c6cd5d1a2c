"""The organizer's pages for teams, service posts and group activities: each action is a form that comes back
with what was done, or with why not in the reader's language and nothing changed; times are typed and shown in
Beijing time and stored in UTC; the check-in QR code and link carry the activity's code; an organizer of another
street gets 403 on every page and every POST, whatever the URL says. Every test runs on SpatiaLite and PostGIS."""
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Activity, Attendance, PostHolding, Role, ServicePost, Team, TeamMembership, User
from webapp.models.reports import as_utc
from webapp.services.organizing import activities as act
from webapp.services.organizing.teams import add_to_team, create_post, create_team, take_post

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 on 2 March 2026 in Beijing
EN = {"Accept-Language": "en"}
PLACE = {"lon": "116.373500", "lat": "39.944400"}


@pytest.fixture
def street(app):
    """The demo street with its organizer and three Old Neighbours; another street with its own organizer."""
    app.test_client_class = FlaskLoginClient
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    home = demo_street()
    organizer = make_user(Role.ORGANIZER, home, "组织者")
    volunteers = [make_user(Role.OLD_NEIGHBOUR, home, f"老街坊{i}") for i in range(3)]
    elsewhere = other_street()
    return {"street": home, "clock": clock, "organizer": organizer, "volunteers": volunteers,
            "elsewhere": elsewhere, "app": app, "client": app.test_client(user=organizer),
            "outsider": app.test_client(user=make_user(Role.ORGANIZER, elsewhere, "外街组织者"))}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def schedule_form(**changes) -> dict:
    return {"title": "清理楼道堆物", "place": "演示头条胡同东口", "starts_at": "2026-03-05T09:30",
            "ends_at": "2026-03-05T11:30", "capacity": "12", "team_id": "", **PLACE, **changes}


# --- teams ----------------------------------------------------------------------------------------------------

def test_an_organizer_creates_a_team_with_alleys_and_fills_it(street):
    client, (first, second) = street["client"], street["volunteers"][:2]
    alleys = alleys_of(street["street"])[:2]
    created = client.post("/roster/teams", data={"name": "胡同管家团", "street": street["street"].id,
                                                 "alley_ids": [a.id for a in alleys]})
    team = db.session.scalar(db.select(Team).where(Team.name == "胡同管家团"))
    assert created.status_code == 302 and created.location.endswith(f"/roster/teams/{team.id}")
    assert sorted(a.id for a in team.alleys) == sorted(a.id for a in alleys)

    client.post(f"/roster/teams/{team.id}/members", data={"user_id": first.id, "leader": "1"})
    client.post(f"/roster/teams/{team.id}/members", data={"user_id": second.id})
    made = client.post(f"/roster/teams/{team.id}/members/{second.id}/leader", data={"leader": "1"},
                       headers=EN, follow_redirects=True)
    assert "老街坊1 is now a leader of the team." in text_of(made)
    leaders = db.session.scalars(db.select(TeamMembership.user_id).where(
        TeamMembership.team_id == team.id, TeamMembership.is_leader, TeamMembership.left_at.is_(None))).all()
    assert sorted(leaders) == sorted([first.id, second.id])

    page = text_of(client.get(f"/roster/teams/{team.id}", headers=EN))
    assert "老街坊0" in page and "老街坊1" in page and page.count(">Leader<") == 2
    assert "Hours this year" in page and "Old Neighbour rule" in page and "At risk" not in page  # no post yet
    assert "Not met" in page and "no post" in page
    listing = text_of(client.get("/roster/teams", headers=EN))
    assert "胡同管家团" in listing and "老街坊0、老街坊1" in listing and alleys[0].name in listing


def test_a_third_team_for_a_volunteer_with_two_is_refused_with_the_message_and_nothing_changes(street):
    client, organizer, volunteer = street["client"], street["organizer"], street["volunteers"][0]
    teams = [create_team(organizer, street["street"].id, name) for name in ("一队", "二队", "三队")]
    for team in teams[:2]:
        add_to_team(organizer, team.id, volunteer.id)

    refused = client.post(f"/roster/teams/{teams[2].id}/members", data={"user_id": volunteer.id}, headers=EN,
                          follow_redirects=True)
    assert refused.status_code == 200
    assert "老街坊0 is already in 2 teams, the most a volunteer may join." in text_of(refused)
    assert count(TeamMembership, TeamMembership.team_id == teams[2].id) == 0
    assert db.session.get(User, volunteer.id).open_teams == 2

    # The same refusal in Chinese (the default) is a message too, not a crash and not a change.
    again = client.post(f"/roster/teams/{teams[2].id}/members", data={"user_id": volunteer.id},
                        follow_redirects=True)
    assert again.status_code == 200 and "organize-flash-error" in text_of(again)
    assert count(TeamMembership, TeamMembership.team_id == teams[2].id) == 0


def test_removing_a_member_keeps_the_history_and_the_alleys_can_be_changed(street):
    client, organizer, volunteer = street["client"], street["organizer"], street["volunteers"][0]
    team = create_team(organizer, street["street"].id, "一队")
    add_to_team(organizer, team.id, volunteer.id)
    removed = client.post(f"/roster/teams/{team.id}/members/{volunteer.id}/remove", headers=EN,
                          follow_redirects=True)
    assert "老街坊0 left the team." in text_of(removed)
    assert count(TeamMembership, TeamMembership.team_id == team.id) == 1  # kept, closed
    assert count(TeamMembership, TeamMembership.team_id == team.id, TeamMembership.left_at.is_(None)) == 0

    alley = alleys_of(street["street"])[3]
    client.post(f"/roster/teams/{team.id}/alleys", data={"alley_ids": [alley.id]})
    assert [a.id for a in db.session.get(Team, team.id).alleys] == [alley.id]
    elsewhere_alley = make_alley_elsewhere(street)
    refused = client.post(f"/roster/teams/{team.id}/alleys", data={"alley_ids": [elsewhere_alley]}, headers=EN,
                          follow_redirects=True)
    assert "Every alley must belong to the team&#39;s street." in text_of(refused)
    assert [a.id for a in db.session.get(Team, team.id).alleys] == [alley.id]


def make_alley_elsewhere(street) -> int:
    from geoalchemy2.shape import from_shape
    from shapely.geometry import LineString, MultiLineString

    from webapp.models import Alley

    alley = Alley(street_id=street["elsewhere"].id, name="别处胡同", length_m=100.0, source="test",
                  geom=from_shape(MultiLineString([LineString([(116.301, 39.801), (116.302, 39.801)])]), srid=4326))
    db.session.add(alley)
    db.session.commit()
    return alley.id


def test_a_bad_team_name_is_flashed_and_nothing_is_created(street):
    page = street["client"].post("/roster/teams", data={"name": "  ", "street": street["street"].id}, headers=EN,
                                 follow_redirects=True)
    assert page.status_code == 200 and "A name of 1 to 60 characters is needed." in text_of(page)
    assert count(Team) == 0


# --- service posts --------------------------------------------------------------------------------------------

def test_posts_are_created_assigned_and_released(street):
    client, first, second = street["client"], *street["volunteers"][:2]
    created = client.post("/roster/posts", data={"name": "调解员", "duties": "调解邻里纠纷",
                                                 "street": street["street"].id}, headers=EN, follow_redirects=True)
    assert "Service post created: 调解员" in text_of(created)
    post_id = db.session.scalar(db.select(ServicePost.id).where(ServicePost.name == "调解员"))

    client.post(f"/roster/posts/{post_id}/holders", data={"user_id": first.id})
    assigned = client.post(f"/roster/posts/{post_id}/holders", data={"user_id": second.id}, headers=EN,
                           follow_redirects=True)
    assert "老街坊1 now holds the post 调解员." in text_of(assigned)
    page = text_of(client.get("/roster/posts", headers=EN))
    assert "调解邻里纠纷" in page and "老街坊0" in page and "老街坊1" in page

    released = client.post(f"/roster/posts/{post_id}/holders/{first.id}/release", headers=EN, follow_redirects=True)
    assert "老街坊0 no longer holds the post 调解员." in text_of(released)
    assert db.session.scalars(db.select(PostHolding.user_id).where(
        PostHolding.post_id == post_id, PostHolding.left_at.is_(None))).all() == [second.id]
    assert db.session.get(User, first.id).open_posts == 0

    # A third post for a volunteer holding two: the limit's message, nothing held.
    take_post(street["organizer"], create_post(street["organizer"], street["street"].id, "宣传员").id, second.id)
    third = create_post(street["organizer"], street["street"].id, "监督员")
    refused = client.post(f"/roster/posts/{third.id}/holders", data={"user_id": second.id}, headers=EN,
                          follow_redirects=True)
    assert "老街坊1 already holds 2 posts, the most a volunteer may take." in text_of(refused)
    assert count(PostHolding, PostHolding.post_id == third.id) == 0
    no_one = client.post(f"/roster/posts/{third.id}/holders", data={"user_id": ""}, headers=EN, follow_redirects=True)
    assert "Choose a volunteer." in text_of(no_one)


# --- activities -------------------------------------------------------------------------------------------

def test_scheduling_converts_beijing_time_and_the_page_shows_the_qr_code_and_link(street):
    client = street["client"]
    done = client.post("/roster/activities", data=schedule_form(street=street["street"].id))
    activity = db.session.scalar(db.select(Activity))
    assert done.status_code == 302 and done.location.endswith(f"/roster/activities/{activity.id}")
    assert as_utc(activity.starts_at) == datetime(2026, 3, 5, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing
    assert as_utc(activity.ends_at) == datetime(2026, 3, 5, 3, 30, tzinfo=timezone.utc)
    assert (activity.lon, activity.lat, activity.capacity, activity.team_id) == (116.3735, 39.9444, 12, None)

    page = text_of(client.get(f"/roster/activities/{activity.id}"))
    assert "2026年3月5日 09:30" in page  # shown in Beijing time again
    link = f"http://localhost/activities/{activity.id}/check-in?code={activity.check_in_code}"
    assert f'value="{link}"' in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert ET.fromstring(svg).tag.endswith("svg") and "<path" in svg
    with street["app"].test_client().get("/static/css/organize.css") as stylesheet:
        assert "@media print" in stylesheet.get_data(as_text=True)

    listing = text_of(client.get("/roster/activities", headers=EN))
    assert "清理楼道堆物" in listing and "5 Mar, 09:30" in listing and "0 / 12" in listing


def test_an_activity_for_a_team_and_the_counts_after_it(street):
    client, organizer, (first, second, third) = street["client"], street["organizer"], street["volunteers"]
    team = create_team(organizer, street["street"].id, "一队")
    for volunteer in (first, second, third):
        add_to_team(organizer, team.id, volunteer.id)
    client.post("/roster/activities", data=schedule_form(team_id=str(team.id), starts_at="2026-03-02T10:00",
                                                         ends_at="2026-03-02T12:00", street=street["street"].id))
    activity = db.session.scalar(db.select(Activity))
    assert activity.team_id == team.id
    for volunteer in (first, second, third):
        act.sign_up(volunteer, activity.id)
    street["clock"].advance(minutes=45)  # 09:45, check-in is open
    act.check_in(first, activity.id, code=activity.check_in_code)
    street["clock"].advance(hours=4)  # over

    listing = text_of(client.get("/roster/activities", headers=EN))
    past = listing.split("Past")[-1]
    assert "清理楼道堆物" in past and "一队" in past and "3 / 12" in past
    cells = re.findall(r'data-label="(Attended|No-shows)" class="num[^"]*">(\d+)<', past)
    assert cells == [("Attended", "1"), ("No-shows", "2")]
    page = text_of(client.get(f"/roster/activities/{activity.id}", headers=EN))
    assert page.count(">No-show<") == 2 and ">Checked in<" in page and "QR code" in page


def test_bad_schedule_input_shows_a_clear_error_keeps_what_was_typed_and_creates_nothing(street):
    client, sid = street["client"], street["street"].id
    backwards = client.post("/roster/activities", headers=EN, data=schedule_form(
        street=sid, starts_at="2026-03-05T11:30", ends_at="2026-03-05T09:30"))
    assert backwards.status_code == 400 and "An activity must end after it starts." in text_of(backwards)
    assert 'value="清理楼道堆物"' in text_of(backwards) and 'value="2026-03-05T11:30"' in text_of(backwards)

    no_point = client.post("/roster/activities", headers=EN, data=schedule_form(street=sid, lon="", lat=""))
    assert no_point.status_code == 400 and "Pick the place on the map" in text_of(no_point)
    no_time = client.post("/roster/activities", headers=EN, data=schedule_form(street=sid, starts_at="tomorrow"))
    assert no_time.status_code == 400 and "Enter when the activity starts." in text_of(no_time)
    no_room = client.post("/roster/activities", headers=EN, data=schedule_form(street=sid, capacity="0"))
    assert no_room.status_code == 400 and "The capacity must be between 1 and 1000." in text_of(no_room)
    foreign_team = create_team(make_user(Role.ADMIN), street["elsewhere"].id, "外街队")
    wrong_team = client.post("/roster/activities", headers=EN,
                             data=schedule_form(street=sid, team_id=str(foreign_team.id)))
    assert wrong_team.status_code == 400 and "The team must be one of the street&#39;s." in text_of(wrong_team)
    chinese = client.post("/roster/activities", data=schedule_form(street=sid, lon="", lat=""))
    assert chinese.status_code == 400 and "organize-error" in text_of(chinese)
    assert count(Activity) == 0


def test_the_organizer_credits_hours_within_zero_to_twenty_four(street):
    client, (first, second) = street["client"], street["volunteers"][:2]
    starts = NOW + timedelta(hours=1)
    activity = act.schedule_activity(street["organizer"], street["street"].id, title="巡查", place="胡同口",
                                     lon=116.3735, lat=39.9444, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                     capacity=5)
    act.sign_up(first, activity.id)
    credited = client.post(f"/roster/activities/{activity.id}/hours", data={"user_id": first.id, "hours": "2.5"},
                           headers=EN, follow_redirects=True)
    assert "老街坊0: 2.5 hours credited." in text_of(credited) and ">Attended<" in text_of(credited)
    assert act.attendance_of(activity.id, first.id).hours == 2.5

    too_many = client.post(f"/roster/activities/{activity.id}/hours", data={"user_id": first.id, "hours": "30"},
                           headers=EN, follow_redirects=True)
    assert "Hours must be between 0 and 24." in text_of(too_many)
    not_a_number = client.post(f"/roster/activities/{activity.id}/hours", data={"user_id": first.id, "hours": "x"},
                               headers=EN, follow_redirects=True)
    assert "Hours must be between 0 and 24." in text_of(not_a_number)
    assert act.attendance_of(activity.id, first.id).hours == 2.5

    # A volunteer who came without signing up is credited too; a resident is not a volunteer.
    client.post(f"/roster/activities/{activity.id}/hours", data={"user_id": second.id, "hours": "1"})
    assert act.attendance_of(activity.id, second.id).hours == 1.0
    resident = make_user(Role.RESIDENT, street["street"])
    refused = client.post(f"/roster/activities/{activity.id}/hours", data={"user_id": resident.id, "hours": "1"},
                          headers=EN, follow_redirects=True)
    assert "Only the street&#39;s volunteers can be credited with hours." in text_of(refused)
    assert count(Attendance, Attendance.user_id == resident.id) == 0


# --- who may ----------------------------------------------------------------------------------------------

def test_an_organizer_of_another_street_gets_403_on_every_page_and_post(street):
    organizer, home, volunteer = street["organizer"], street["street"], street["volunteers"][0]
    team = create_team(organizer, home.id, "一队")
    add_to_team(organizer, team.id, volunteer.id)
    post = create_post(organizer, home.id, "调解员")
    take_post(organizer, post.id, volunteer.id)
    starts = NOW + timedelta(hours=1)
    activity = act.schedule_activity(organizer, home.id, title="巡查", place="胡同口", lon=116.3735, lat=39.9444,
                                     starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=5)
    act.sign_up(volunteer, activity.id)
    outsider = street["outsider"]
    for path in ("/roster/teams", "/roster/posts", "/roster/activities"):
        assert outsider.get(f"{path}?street={home.id}").status_code == 403, path
        assert outsider.get(path).status_code == 200, path  # their own street
    for path in (f"/roster/teams/{team.id}", f"/roster/activities/{activity.id}",
                 f"/roster/teams/{team.id}?street={street['elsewhere'].id}",
                 f"/roster/activities/{activity.id}?street={street['elsewhere'].id}"):
        assert outsider.get(path).status_code == 403, path
    posts = [
        ("/roster/teams", {"name": "外来队", "street": home.id}),
        ("/roster/posts", {"name": "外来岗", "street": home.id}),
        ("/roster/activities", schedule_form(street=home.id)),
        (f"/roster/teams/{team.id}/members", {"user_id": street["volunteers"][1].id}),
        (f"/roster/teams/{team.id}/members/{volunteer.id}/leader", {"leader": "1"}),
        (f"/roster/teams/{team.id}/members/{volunteer.id}/remove", {}),
        (f"/roster/teams/{team.id}/alleys", {"alley_ids": []}),
        (f"/roster/posts/{post.id}/holders", {"user_id": street["volunteers"][1].id}),
        (f"/roster/posts/{post.id}/holders/{volunteer.id}/release", {}),
        (f"/roster/activities/{activity.id}/hours", {"user_id": volunteer.id, "hours": "3"}),
    ]
    for path, data in posts:
        assert outsider.post(path, data=data).status_code == 403, path
        if "/roster/teams/" in path or "/roster/posts/" in path or "/roster/activities/" in path:
            # ?street= of their own street changes nothing: the team's, post's or activity's street decides.
            assert outsider.post(f"{path}?street={street['elsewhere'].id}", data=data).status_code == 403, path
    assert count(Team) == 1 and count(TeamMembership, TeamMembership.left_at.is_(None)) == 1
    assert not db.session.get(TeamMembership, db.session.scalar(db.select(TeamMembership.id))).is_leader
    assert count(PostHolding, PostHolding.left_at.is_(None)) == 1 and count(Activity) == 1
    assert act.attendance_of(activity.id, volunteer.id).hours == 0
    assert len(db.session.get(Team, team.id).alleys) == 0


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STEWARD, Role.OLD_NEIGHBOUR, Role.CHIEF, Role.OFFICER])
def test_only_organizers_and_admins_see_the_pages(street, role):
    team = create_team(street["organizer"], street["street"].id, "一队")
    client = street["app"].test_client(user=make_user(role, street["street"]))
    for path in ("/roster/teams", "/roster/posts", "/roster/activities", f"/roster/teams/{team.id}"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/roster/teams/{team.id}/members", data={"user_id": street["volunteers"][0].id}
                       ).status_code == 403
    assert street["app"].test_client().get("/roster/teams").status_code == 302  # signed out: to sign-in
    admin = street["app"].test_client(user=make_user(Role.ADMIN))
    assert admin.get(f"/roster/teams/{team.id}").status_code == 200
    assert admin.get(f"/roster/teams?street={street['street'].id}").status_code == 200
    assert street["client"].get("/roster/teams/999999").status_code == 404

"""Rosters as a specification: teams and posts with their limits, activities (capacity, sign-up, check-in by
QR code or position within its window, check-out hours, no-shows), the hours ledger and the Old Neighbour rule.
Every test runs on SpatiaLite and PostGIS."""
from datetime import datetime, timedelta, timezone

import pytest

from geo.metric import LocalPlane
from tests.factories import alleys_of, demo_street, make_user, other_street
from tests.services.places.test_patrols import patrol_of, walk_along
from tests.support.clock import Clock
from webapp.errors import (ActivityFull, AlreadyMember, BadRequest, CheckInRefused, Conflict, Forbidden,
                           LimitReached)
from webapp.clock import beijing_day
from webapp.extensions import db
from webapp.models import Role, User
from webapp.models.reports import as_utc
from webapp.services.organizing import activities as act
from webapp.services.places.claims import claim_alley
from webapp.services.places.patrols import record_patrol
from webapp.services.organizing.teams import (add_to_team, create_post, create_team, leave_post, remove_from_team,
                                     set_team_leader, take_post)
from webapp.services.volunteers.hours import AT_RISK, MET, NOT_MET, at_risk, ledger, standings

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 on 2 March in Beijing
PLACE = (116.4035, 39.9330)


@pytest.fixture
def street(app):
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    home = demo_street()
    organizer = make_user(Role.ORGANIZER, home, "组织者")
    volunteers = [make_user(Role.OLD_NEIGHBOUR, home, f"老街坊{i}") for i in range(3)]
    return {"street": home, "clock": clock, "organizer": organizer, "volunteers": volunteers,
            "steward": make_user(Role.STEWARD, home, "管家")}


def activity(s, minutes_from_now=60, hours=2, capacity=10, team_id=None):
    starts = s["clock"]() + timedelta(minutes=minutes_from_now)
    return act.schedule_activity(s["organizer"], s["street"].id, title="清理楼道堆物", place="南锣鼓巷口",
                                 lon=PLACE[0], lat=PLACE[1], starts_at=starts, ends_at=starts + timedelta(hours=hours),
                                 capacity=capacity, team_id=team_id)


def metres_from_place(east_m: float) -> tuple[float, float]:
    return LocalPlane(*PLACE).inverse_point(east_m, 0.0)


# --- teams and posts --------------------------------------------------------------------------------------

def test_a_volunteer_joins_at_most_two_teams_and_leaving_frees_a_place(street):
    organizer, volunteer = street["organizer"], street["volunteers"][0]
    teams = [create_team(organizer, street["street"].id, name) for name in ("一队", "二队", "三队")]
    add_to_team(organizer, teams[0].id, volunteer.id, leader=True)
    add_to_team(organizer, teams[1].id, volunteer.id)
    with pytest.raises(LimitReached, match="2"):
        add_to_team(organizer, teams[2].id, volunteer.id)
    with pytest.raises(AlreadyMember):
        add_to_team(organizer, teams[1].id, street["volunteers"][0].id)

    left = remove_from_team(organizer, teams[1].id, volunteer.id)
    assert left.left_at is not None  # kept as history
    add_to_team(organizer, teams[2].id, volunteer.id)
    assert db.session.get(User, volunteer.id).open_teams == 2
    assert [m.user_id for m in teams[0].memberships] == [volunteer.id] and teams[0].memberships[0].is_leader
    assert not set_team_leader(organizer, teams[0].id, volunteer.id, False).is_leader


def test_teams_hold_their_streets_volunteers_and_alleys_only(street):
    organizer, home = street["organizer"], street["street"]
    with pytest.raises(BadRequest):
        create_team(organizer, home.id, "  ")
    team = create_team(organizer, home.id, "胡同管家团", alley_ids=[a.id for a in alleys_of(home)[:2]])
    assert len(team.alleys) == 2
    with pytest.raises(Conflict):
        create_team(organizer, home.id, "胡同管家团")
    elsewhere = other_street()
    with pytest.raises(Forbidden):  # an organizer runs their own street only
        create_team(organizer, elsewhere.id, "外街队")
    with pytest.raises(BadRequest):  # a resident is not a volunteer
        add_to_team(organizer, team.id, make_user(Role.RESIDENT, home).id)
    with pytest.raises(BadRequest):  # nor is another street's steward
        add_to_team(organizer, team.id, make_user(Role.STEWARD, elsewhere).id)
    with pytest.raises(Forbidden):
        add_to_team(street["volunteers"][0], team.id, street["volunteers"][1].id)


def test_a_volunteer_takes_at_most_two_posts(street):
    organizer, volunteer = street["organizer"], street["volunteers"][0]
    posts = [create_post(organizer, street["street"].id, name) for name in ("宣传员", "调解员", "应急员")]
    take_post(volunteer, posts[0].id, volunteer.id)  # for themselves
    take_post(organizer, posts[1].id, volunteer.id)  # or assigned
    with pytest.raises(LimitReached):
        take_post(organizer, posts[2].id, volunteer.id)
    with pytest.raises(Forbidden):  # not for someone else
        take_post(street["volunteers"][1], posts[2].id, volunteer.id)
    leave_post(volunteer, posts[0].id, volunteer.id)
    take_post(volunteer, posts[2].id, volunteer.id)
    assert db.session.get(User, volunteer.id).open_posts == 2


# --- activities --------------------------------------------------------------------------------------------

def test_sign_up_holds_the_capacity_and_cancelling_frees_a_place(street):
    first, second, third = street["volunteers"]
    meeting = activity(street, capacity=2)
    act.sign_up(first, meeting.id)
    assert act.sign_up(first, meeting.id).id == act.attendance_of(meeting.id, first.id).id  # twice: one place
    act.sign_up(second, meeting.id)
    with pytest.raises(ActivityFull):
        act.sign_up(third, meeting.id)
    act.cancel_sign_up(first, meeting.id)
    act.sign_up(third, meeting.id)
    assert db.session.get(type(meeting), meeting.id).signed_up == 2

    street["clock"].advance(minutes=61)  # started
    with pytest.raises(Conflict):
        act.sign_up(first, meeting.id)
    with pytest.raises(Conflict):
        act.cancel_sign_up(second, meeting.id)


def test_a_teams_activity_is_for_its_members(street):
    member, outsider = street["volunteers"][:2]
    team = create_team(street["organizer"], street["street"].id, "一队")
    add_to_team(street["organizer"], team.id, member.id)
    meeting = activity(street, team_id=team.id)
    act.sign_up(member, meeting.id)
    with pytest.raises(Forbidden):
        act.sign_up(outsider, meeting.id)
    with pytest.raises(Forbidden):  # a resident may not sign up for any
        act.sign_up(make_user(Role.RESIDENT, street["street"]), activity(street).id)


def test_check_in_opens_thirty_minutes_before_the_start_and_closes_at_the_end(street):
    volunteer, clock = street["volunteers"][0], street["clock"]
    meeting = activity(street, minutes_from_now=60, hours=2)
    act.sign_up(volunteer, meeting.id)
    clock.advance(minutes=29)  # 31 minutes before the start
    with pytest.raises(CheckInRefused, match="30"):
        act.check_in(volunteer, meeting.id, code=meeting.check_in_code)
    clock.advance(minutes=1)  # 30 minutes before
    assert act.check_in(volunteer, meeting.id, code=meeting.check_in_code).check_in_method == "qr"

    late = activity(street, minutes_from_now=-120, hours=2)  # ended just now
    with pytest.raises(CheckInRefused):
        act.check_in(street["volunteers"][1], late.id, code=late.check_in_code)


def test_check_in_by_qr_code_needs_this_activitys_code(street):
    meeting, other = activity(street, minutes_from_now=0), activity(street, minutes_from_now=0)
    with pytest.raises(CheckInRefused):
        act.check_in(street["volunteers"][0], meeting.id, code=other.check_in_code)
    walk_in = act.check_in(street["volunteers"][0], meeting.id, code=meeting.check_in_code)
    assert walk_in.checked_in_at is not None and walk_in.signed_up_at is not None  # signed up by checking in
    assert act.check_in(street["volunteers"][0], meeting.id, code=meeting.check_in_code).id == walk_in.id


def test_check_in_by_position_within_a_hundred_metres_of_the_place(street):
    first, second, third = street["volunteers"]
    meeting = activity(street, minutes_from_now=0)
    near = act.check_in(first, meeting.id, lon=metres_from_place(80)[0], lat=metres_from_place(80)[1], accuracy_m=15)
    assert near.check_in_method == "position" and 79 <= near.check_in_distance_m <= 81
    with pytest.raises(CheckInRefused, match="120"):
        act.check_in(second, meeting.id, lon=metres_from_place(120)[0], lat=metres_from_place(120)[1], accuracy_m=15)
    with pytest.raises(CheckInRefused):  # near enough, but the fix is too vague to tell
        act.check_in(third, meeting.id, lon=metres_from_place(10)[0], lat=metres_from_place(10)[1], accuracy_m=300)
    with pytest.raises(BadRequest):
        act.check_in(third, meeting.id)


def test_hours_on_check_out_count_only_time_within_the_activity(street):
    volunteer, clock = street["volunteers"][0], street["clock"]
    meeting = activity(street, minutes_from_now=20, hours=2)  # 09:20 to 11:20
    act.check_in(volunteer, meeting.id, code=meeting.check_in_code)  # at 09:00: early
    clock.advance(hours=3)  # 12:00: after the end
    out = act.check_out(volunteer, meeting.id)
    assert out.hours == 2.0 and act.state(out, clock()) == act.ATTENDED

    short = activity(street, minutes_from_now=0, hours=3)
    act.check_in(volunteer, short.id, code=short.check_in_code)
    clock.advance(minutes=45)
    assert act.check_out(volunteer, short.id).hours == 0.75


def test_no_shows_and_the_organizers_credit(street):
    came, stayed_home, clock = street["volunteers"][0], street["volunteers"][1], street["clock"]
    meeting = activity(street, minutes_from_now=10, hours=1)
    for volunteer in (came, stayed_home):
        act.sign_up(volunteer, meeting.id)
    assert act.state(act.attendance_of(meeting.id, stayed_home.id), clock()) == act.SIGNED_UP
    clock.advance(hours=2)
    assert act.state(act.attendance_of(meeting.id, stayed_home.id), clock()) == act.NO_SHOW
    credited = act.credit_hours(street["organizer"], meeting.id, came.id, 1.5)  # forgot to check in: the organizer's word
    walk_in = act.credit_hours(street["organizer"], meeting.id, street["volunteers"][2].id, 1.0)  # never signed up
    assert walk_in.check_in_method == "organizer" and db.session.get(type(meeting), meeting.id).signed_up == 3
    assert (credited.hours, credited.check_in_method, act.state(credited, clock())) == (1.5, "organizer", act.ATTENDED)
    with pytest.raises(BadRequest):
        act.credit_hours(street["organizer"], meeting.id, came.id, 25)
    with pytest.raises(Forbidden):
        act.credit_hours(came, meeting.id, came.id, 3)


def test_an_activity_needs_a_time_a_place_and_room(street):
    starts = street["clock"]()
    for bad in (dict(title=""), dict(ends_at=starts), dict(capacity=0), dict(lon=500.0)):
        fields = dict(title="巡查", place="鼓楼", lon=PLACE[0], lat=PLACE[1], starts_at=starts,
                      ends_at=starts + timedelta(hours=1), capacity=5) | bad
        with pytest.raises(BadRequest):
            act.schedule_activity(street["organizer"], street["street"].id, **fields)


# --- hours and the Old Neighbour rule -----------------------------------------------------------------------

def attend(s, volunteer, hours=2):
    meeting = activity(s, minutes_from_now=0, hours=hours)
    act.check_in(volunteer, meeting.id, code=meeting.check_in_code)
    return meeting


def test_the_ledger_holds_covering_patrols_and_activities(street):
    """One ledger, oldest first: the patrol that covered its alley, then the activity's hours on check-out."""
    volunteer = street["volunteers"][0]
    alley = alleys_of(street["street"])[0]
    claim_alley(volunteer, alley.id)
    patrol, _ = record_patrol(volunteer, patrol_of(alley, walk_along(alley, seconds_apart=60)))
    street["clock"].now = as_utc(patrol.finished_at) + timedelta(hours=1)
    meeting = attend(street, volunteer)
    street["clock"].advance(hours=1)
    act.check_out(volunteer, meeting.id)

    year = beijing_day(street["clock"]()).year
    assert patrol.hours > 0
    assert [(e.source, e.title, e.hours) for e in ledger(volunteer.id, year)] == [
        ("patrol", alley.name, patrol.hours), ("activity", meeting.title, 1.0)]
    mine = standings([volunteer.id], year, street["clock"]())[volunteer.id]
    assert (mine.patrol_hours, mine.activity_hours, mine.activities) == (patrol.hours, 1.0, 1)
    assert mine.hours == round(patrol.hours + 1.0, 2)
    assert ledger(volunteer.id, year - 1) == []


def test_the_old_neighbour_rule_met_at_risk_and_not_met(street, app):
    organizer, (keen, slow, loner) = street["organizer"], street["volunteers"]
    team = create_team(organizer, street["street"].id, "老街坊一队")
    post = create_post(organizer, street["street"].id, "宣传员")
    for volunteer in (keen, slow):
        add_to_team(organizer, team.id, volunteer.id)
        take_post(organizer, post.id, volunteer.id)
    for _ in range(app.config["ACTIVITIES_PER_YEAR"]):
        attend(street, keen)
        street["clock"].advance(days=7)
    attend(street, slow)
    attend(street, loner)  # no team, no post

    now = street["clock"]()
    found = standings([keen.id, slow.id, loner.id], 2026, now)
    assert (found[keen.id].status, found[keen.id].missing) == (MET, [])
    assert (found[slow.id].status, found[slow.id].missing, found[slow.id].activities) == (AT_RISK, ["activities"], 1)
    assert (found[loner.id].status, found[loner.id].missing) == (NOT_MET, ["posts", "teams", "activities"])
    ours = {keen.id, slow.id, loner.id}  # (the demo street has Old Neighbours of its own)
    assert [s.user_id for s in at_risk(street["street"].id, 2026, now) if s.user_id in ours] == [slow.id, loner.id]

    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)  # midnight in Beijing: 2026 is over
    assert standings([slow.id], 2026, new_year)[slow.id].status == NOT_MET
    assert standings([slow.id], 2026, new_year - timedelta(seconds=1))[slow.id].status == AT_RISK

"""The volunteer's activity pages as a specification: the list holds their street's open activities and their
teams' (never another street's or another team's) and their own of the last 30 days; sign-up and cancel go back
where they came from; the QR code's page checks in with its code, a wrong code is refused with a message and
nothing recorded; check-in by position within 100 m; check-out credits the hours; a signed-out scan comes back
to the page after sign-in; only volunteers get in. Every test runs on SpatiaLite and PostGIS."""
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import FlaskLoginClient

from geo.metric import LocalPlane
from tests.factories import PASSWORD, demo_street, make_user, other_street
from tests.support.clock import Clock
from webapp.extensions import db
from webapp.models import Attendance, Role
from webapp.services.organizing import activities as act
from webapp.services.organizing.teams import add_to_team, create_team

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 on Monday 2 March in Beijing
PLACE = (116.4035, 39.9330)
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def street(app):
    app.test_client_class = FlaskLoginClient
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    home = demo_street()
    volunteer = make_user(Role.STEWARD, home, "王阿姨")
    return {"street": home, "clock": clock, "organizer": make_user(Role.ORGANIZER, home, "组织者"),
            "volunteer": volunteer, "me": app.test_client(user=volunteer),
            "login": lambda user: app.test_client(user=user)}


def activity(s, title="清理楼道堆物", minutes_from_now=60, hours=2, capacity=10, team_id=None, organizer=None,
             street_id=None):
    starts = s["clock"]() + timedelta(minutes=minutes_from_now)
    return act.schedule_activity(organizer or s["organizer"], street_id or s["street"].id, title=title,
                                 place="南锣鼓巷口", lon=PLACE[0], lat=PLACE[1], starts_at=starts,
                                 ends_at=starts + timedelta(hours=hours), capacity=capacity, team_id=team_id)


def metres_east(m: float) -> tuple[float, float]:
    return LocalPlane(*PLACE).inverse_point(m, 0.0)


def page(response) -> str:
    return response.get_data(as_text=True)


def check_in_url(meeting, code=None) -> str:
    return f"/activities/{meeting.id}/check-in" + (f"?code={code}" if code else "")


def attended(s, volunteer, title, days_ago):
    """An activity `days_ago` that the volunteer checked in to and out of (an hour)."""
    s["clock"].now = NOW - timedelta(days=days_ago)
    meeting = activity(s, title=title, minutes_from_now=0, hours=2)
    act.check_in(volunteer, meeting.id, code=meeting.check_in_code)
    s["clock"].advance(hours=1)
    act.check_out(volunteer, meeting.id)
    s["clock"].now = NOW
    return meeting


# --- the list --------------------------------------------------------------------------------------------------

def test_the_list_holds_my_streets_open_activities_my_teams_and_my_last_30_days(street):
    me, organizer, home = street["volunteer"], street["organizer"], street["street"]
    mine, theirs = create_team(organizer, home.id, "一队"), create_team(organizer, home.id, "二队")
    add_to_team(organizer, mine.id, me.id)
    elsewhere = other_street()
    activity(street, title="胡同大扫除")
    activity(street, title="一队巡查", team_id=mine.id)
    activity(street, title="二队巡查", team_id=theirs.id)
    activity(street, title="外街活动", organizer=make_user(Role.ORGANIZER, elsewhere), street_id=elsewhere.id)
    activity(street, title="昨天的活动", minutes_from_now=-24 * 60)  # over, and I was not there
    attended(street, me, "十天前的活动", days_ago=10)
    attended(street, me, "四十天前的活动", days_ago=40)

    response = street["me"].get("/activities/", headers=EN)
    html = page(response)
    assert response.status_code == 200
    for shown in ("胡同大扫除", "一队巡查", "十天前的活动"):
        assert shown in html, shown
    for hidden in ("二队巡查", "外街活动", "昨天的活动", "四十天前的活动"):
        assert hidden not in html, hidden
    assert "Members of 一队" in html and "Open to all volunteers of the street" in html
    assert "Attended. Hours credited: 1<" in html
    assert "Mon 2 Mar, 10:00–12:00" in html  # Beijing time: the activity starts at 02:00 UTC
    assert "10 of 10 left" in html
    assert html.index("胡同大扫除") < html.index("十天前的活动")  # coming up first, then my last 30 days

    zh = page(street["me"].get("/activities/", headers=ZH))
    assert "3月2日 星期一 10:00–12:00" in zh


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.CHIEF, Role.OFFICER, Role.ORGANIZER, Role.ADMIN])
def test_only_volunteers_have_activities(street, role):
    meeting = activity(street)
    someone = street["login"](make_user(role, street["street"]))
    assert someone.get("/activities/").status_code == 403
    assert someone.get(check_in_url(meeting, meeting.check_in_code)).status_code == 403
    assert someone.post(f"/activities/{meeting.id}/sign-up").status_code == 403
    assert act.attendance_of(meeting.id, street["volunteer"].id) is None


def test_an_old_neighbour_sees_the_list_and_another_teams_activity_is_closed_to_me(street):
    neighbour = street["login"](make_user(Role.OLD_NEIGHBOUR, street["street"]))
    assert neighbour.get("/activities/").status_code == 200
    team = create_team(street["organizer"], street["street"].id, "二队")
    closed = activity(street, team_id=team.id)
    response = street["me"].get(check_in_url(closed, closed.check_in_code), headers=EN)
    assert response.status_code == 403 and "of its team" in page(response)


# --- sign-up and cancel ----------------------------------------------------------------------------------------

def test_signing_up_and_cancelling_go_back_to_the_page_with_a_message(street):
    meeting = activity(street, title="清理楼道堆物")
    back = f"/activities/#activity-{meeting.id}"
    response = street["me"].post(f"/activities/{meeting.id}/sign-up", data={"next": back}, headers=EN)
    assert response.status_code == 302 and response.location == back
    html = page(street["me"].get("/activities/", headers=EN))
    assert "You are signed up for “清理楼道堆物”" in html and "You are signed up</p>" in html
    assert "9 of 10 left" in html and "Check-in opens at Mon 2 Mar, 09:30" in html
    assert act.attendance_of(meeting.id, street["volunteer"].id).cancelled_at is None

    response = street["me"].post(f"/activities/{meeting.id}/cancel", data={"next": "https://evil.example/"},
                                 headers=EN, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/activities/"  # never off the site
    assert "Your sign-up for “清理楼道堆物” is cancelled." in page(response)
    assert act.attendance_of(meeting.id, street["volunteer"].id).cancelled_at is not None


def test_a_full_or_started_activity_refuses_with_the_reason(street):
    full = activity(street, title="满员活动", capacity=1)
    act.sign_up(make_user(Role.STEWARD, street["street"]), full.id)
    response = street["me"].post(f"/activities/{full.id}/sign-up", headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "This activity is full." in page(response)
    assert act.attendance_of(full.id, street["volunteer"].id) is None

    started = activity(street, minutes_from_now=-10)
    response = street["me"].post(f"/activities/{started.id}/sign-up", headers=ZH, follow_redirects=True)
    assert response.status_code == 200 and "活动已开始，报名已截止。" in page(response)
    assert act.attendance_of(started.id, street["volunteer"].id) is None


# --- the check-in page -------------------------------------------------------------------------------------------

def test_the_qr_code_page_says_when_check_in_opens_then_checks_in_with_the_code(street):
    meeting = activity(street, minutes_from_now=60)
    before = page(street["me"].get(check_in_url(meeting, meeting.check_in_code), headers=EN))
    assert "Check-in opens at Mon 2 Mar, 09:30." in before and 'name="code"' not in before
    assert "南锣鼓巷口" in before and "Mon 2 Mar, 10:00–12:00" in before

    street["clock"].advance(minutes=30)  # 09:30: open
    html = page(street["me"].get(check_in_url(meeting, meeting.check_in_code), headers=EN))
    assert f'name="code" value="{meeting.check_in_code}"' in html and "Check in here by my position" in html
    assert "js/check-in.js" in html and "within 100 metres" in html

    response = street["me"].post(f"/activities/{meeting.id}/check-in",
                                 data={"code": meeting.check_in_code,
                                       "next": check_in_url(meeting, meeting.check_in_code)}, headers=EN)
    assert response.status_code == 302 and response.location == check_in_url(meeting, meeting.check_in_code)
    html = page(street["me"].get(response.location, headers=EN))
    assert "Checked in at 09:30. Welcome!" in html and "Check out" in html and 'name="code"' not in html
    attendance = act.attendance_of(meeting.id, street["volunteer"].id)
    assert attendance.check_in_method == "qr" and attendance.signed_up_at is not None  # signed up by checking in


def test_a_wrong_code_is_refused_in_my_language_and_nothing_is_recorded(street):
    meeting, other = activity(street, minutes_from_now=0), activity(street, minutes_from_now=0)
    url = check_in_url(meeting, other.check_in_code)
    answers = {}
    for language in (EN, ZH):
        response = street["me"].post(f"/activities/{meeting.id}/check-in",
                                     data={"code": other.check_in_code, "next": url}, headers=language,
                                     follow_redirects=True)
        assert response.status_code == 200 and response.request.full_path == url
        answers[language["Accept-Language"]] = page(response)
    assert "This QR code is not this activity&#39;s." in answers["en"]
    assert "这不是本活动的签到二维码。" in answers["zh-CN"]
    assert act.attendance_of(meeting.id, street["volunteer"].id) is None
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_check_in_by_position_within_a_hundred_metres(street):
    meeting = activity(street, minutes_from_now=0)
    lon, lat = metres_east(150)
    response = street["me"].post(f"/activities/{meeting.id}/check-in",
                                 data={"lon": lon, "lat": lat, "accuracy_m": "12"}, headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "You are 150 m from the place" in page(response)
    assert act.attendance_of(meeting.id, street["volunteer"].id) is None

    response = street["me"].post(f"/activities/{meeting.id}/check-in", data={"lon": "east", "lat": lat},
                                 headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "must be numbers" in page(response)

    lon, lat = metres_east(60)
    response = street["me"].post(f"/activities/{meeting.id}/check-in",
                                 data={"lon": lon, "lat": lat, "accuracy_m": "12"}, headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "Checked in at 09:00" in page(response)
    attendance = act.attendance_of(meeting.id, street["volunteer"].id)
    assert attendance.check_in_method == "position" and 59 <= attendance.check_in_distance_m <= 61


def test_check_out_credits_the_hours_and_the_page_says_so(street):
    meeting = activity(street, minutes_from_now=0, hours=3)
    street["me"].post(f"/activities/{meeting.id}/check-in", data={"code": meeting.check_in_code})
    street["clock"].advance(minutes=90)
    response = street["me"].post(f"/activities/{meeting.id}/check-out", headers=EN, follow_redirects=True)
    html = page(response)
    assert response.status_code == 200 and response.request.path == check_in_url(meeting)
    assert "Checked out. Hours credited: 1.5. Thank you!" in html and "Checked out at 10:30." in html
    assert "Attended. Hours credited: 1.5<" in html
    assert act.attendance_of(meeting.id, street["volunteer"].id).hours == 1.5

    again = street["me"].post(f"/activities/{meeting.id}/check-out", headers=EN, follow_redirects=True)
    assert again.status_code == 200 and act.attendance_of(meeting.id, street["volunteer"].id).hours == 1.5


def test_check_out_before_checking_in_is_refused(street):
    meeting = activity(street, minutes_from_now=0)
    response = street["me"].post(f"/activities/{meeting.id}/check-out", headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "Check in first." in page(response)


def test_after_the_end_the_page_says_it_is_over(street):
    meeting = activity(street, minutes_from_now=-180, hours=2)
    html = page(street["me"].get(check_in_url(meeting, meeting.check_in_code), headers=EN))
    assert "This activity is over: check-in is closed." in html and 'name="code"' not in html
    response = street["me"].post(f"/activities/{meeting.id}/check-in", data={"code": meeting.check_in_code},
                                 headers=EN, follow_redirects=True)
    assert response.status_code == 200 and "Check-in is open from 30 minutes before the start" in page(response)


def test_a_signed_out_scan_signs_in_and_comes_back_with_the_code(street, app):
    meeting = activity(street, minutes_from_now=0)
    browser = app.test_client()
    scanned = check_in_url(meeting, meeting.check_in_code)
    response = browser.get(scanned)
    assert response.status_code == 302
    login = urlsplit(response.location)
    assert login.path == "/login" and parse_qs(login.query)["next"] == [scanned]

    form = browser.get(response.location)
    assert form.status_code == 200
    signed_in = browser.post(response.location, data={"login": street["volunteer"].username, "password": PASSWORD,
                                                      "next": scanned})
    assert signed_in.status_code == 302 and signed_in.location == scanned
    assert f'value="{meeting.check_in_code}"' in page(browser.get(scanned))


def test_a_button_pressed_while_signed_out_comes_back_to_the_activity(street):
    meeting = activity(street)
    response = street["me"].get(f"/activities/{meeting.id}/check-out")
    assert response.status_code == 302 and response.location == check_in_url(meeting)

"""Reminders as a specification: the day before an activity, everyone signed up (once each, never the cancelled,
never for the day after tomorrow); a steward whose alley went PATROL_GAP_DAYS without a covering patrol (once per
claim in that many days, again after another gap); never at night; each once even when two workers run at the
same moment. Their messages work without a report: text, link, push payload, inbox. Both engines."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user
from tests.services.organizing.test_coverage import claim, patrol
from tests.support.clock import Clock
from webapp.clock import BEIJING
from webapp.extensions import db
from webapp.models import Notification, NotificationKind, Role, User
from webapp.models.notifications import Reminder
from webapp.services.notifications import delivery, reminders
from webapp.services.notifications.messages import message_for, path_to
from webapp.services.notifications.outbox import notify
from webapp.services.notifications.reminders import send_reminders
from webapp.services.organizing import activities as act

K = NotificationKind
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 on Monday 2 March in Beijing
PLACE = (116.4035, 39.9330)


def beijing(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BEIJING).astimezone(timezone.utc)


def told(kind=None) -> list[tuple[int, str, dict]]:
    return [(n.user_id, n.kind.value, n.params) for n in db.session.scalars(db.select(Notification)
                                                                            .order_by(Notification.id))
            if kind is None or n.kind is kind]


@pytest.fixture
def street(app):
    clock = Clock(NOW)
    app.extensions["clock"] = clock
    home = demo_street()
    return {"street": home, "clock": clock, "alleys": alleys_of(home),
            "organizer": make_user(Role.ORGANIZER, home, "组织者"),
            "volunteers": [make_user(Role.OLD_NEIGHBOUR, home, f"老街坊{i}") for i in range(4)]}


def activity(s, starts: datetime, title="清理楼道堆物"):
    return act.schedule_activity(s["organizer"], s["street"].id, title=title, place="南锣鼓巷口", lon=PLACE[0],
                                 lat=PLACE[1], starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=10)


# --- activity tomorrow ----------------------------------------------------------------------------------------

def test_everyone_signed_up_for_tomorrow_is_reminded_once(street):
    v = street["volunteers"]
    early = activity(street, beijing(3, 0, 30))  # tomorrow, just after midnight
    late = activity(street, beijing(3, 23, 30), title="夜巡")  # tomorrow, late
    for volunteer in v[:3]:
        act.sign_up(volunteer, early.id)
    act.sign_up(v[0], late.id)
    act.cancel_sign_up(v[2], early.id)  # cancelled: not reminded

    assert send_reminders(NOW) == 3
    assert sorted((uid, p["activity_id"]) for uid, _, p in told(K.ACTIVITY_TOMORROW)) == sorted(
        [(v[0].id, early.id), (v[1].id, early.id), (v[0].id, late.id)])
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == v[1].id))
    assert note.report_id is None and note.params["activity"] == "清理楼道堆物" and note.params["place"] == "南锣鼓巷口"
    assert datetime.fromisoformat(note.params["starts_at"]) == beijing(3, 0, 30)

    # The job runs every few minutes, all day: nobody hears twice.
    assert send_reminders(NOW) == 0
    street["clock"].advance(minutes=1)
    assert send_reminders(street["clock"]()) == 0
    street["clock"].advance(hours=10)
    assert send_reminders(street["clock"]()) == 0
    assert len(told(K.ACTIVITY_TOMORROW)) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(Reminder)) == 3


def test_not_for_today_the_day_after_tomorrow_or_a_cancelled_activity(street):
    v = street["volunteers"]
    today = activity(street, beijing(2, 20))
    after_tomorrow = activity(street, beijing(4, 0, 0))  # the first minute of the day after tomorrow
    cancelled = activity(street, beijing(3, 10))
    for one in (today, after_tomorrow, cancelled):
        act.sign_up(v[0], one.id)
    cancelled.cancelled_at = NOW
    db.session.commit()
    assert send_reminders(NOW) == 0 and told() == []

    street["clock"].now = beijing(3, 9)  # a day later the day after tomorrow is tomorrow
    assert send_reminders(street["clock"]()) == 1
    assert [(uid, p["activity_id"]) for uid, _, p in told()] == [(v[0].id, after_tomorrow.id)]


def test_someone_who_signs_up_later_in_the_day_is_reminded_too(street):
    v = street["volunteers"]
    tomorrow = activity(street, beijing(3, 9))
    act.sign_up(v[0], tomorrow.id)
    assert send_reminders(NOW) == 1
    street["clock"].advance(hours=3)
    act.sign_up(v[1], tomorrow.id)
    assert send_reminders(street["clock"]()) == 1
    assert [uid for uid, _, _ in told()] == [v[0].id, v[1].id]


def test_reminders_wait_for_the_day_never_at_night(app, street):
    v = street["volunteers"]
    tomorrow = activity(street, beijing(3, 9))
    act.sign_up(v[0], tomorrow.id)
    assert send_reminders(beijing(2, 7, 59)) == 0 and send_reminders(beijing(2, 21, 0)) == 0
    assert send_reminders(beijing(2, 23, 0), any_hour=True) == 1


# --- alley not patrolled --------------------------------------------------------------------------------------

def test_a_steward_is_reminded_of_an_unpatrolled_alley_once_per_gap(app, street):
    a, v = street["alleys"], street["volunteers"]
    neglected = claim(v[0], a[0], days_ago=10)
    claim(v[1], a[1], days_ago=10)
    patrol(v[1], a[1], days_ago=2)  # patrolled: nobody reminded
    claim(v[2], a[2], days_ago=3)  # claimed three days ago: give them time
    claim(v[3], a[3], days_ago=30)
    patrol(v[0], a[3], days_ago=1)  # someone else's covering patrol counts for the alley

    assert send_reminders(NOW) == 1
    assert told() == [(v[0].id, "alley_unpatrolled", {"alley": a[0].name, "alley_id": a[0].id,
                                                        "street_id": street["street"].id, "days": 7})]
    def reminded(user) -> int:
        return [uid for uid, _, _ in told()].count(user.id)

    for days in (0, 1, 3, 6):  # the job runs every few minutes for the next six days: no second reminder
        street["clock"].now = NOW + timedelta(days=days, minutes=5)
        send_reminders(street["clock"]())
        assert reminded(v[0]) == 1
    # Meanwhile the others' alleys went a week without a covering patrol (or their claims turned a week old).
    assert [reminded(x) for x in v[1:]] == [1, 1, 1]

    street["clock"].now = NOW + timedelta(days=7)  # another gap without a patrol: reminded again
    assert send_reminders(street["clock"]()) == 1 and reminded(v[0]) == 2
    assert sorted(r.nth for r in db.session.scalars(db.select(Reminder).where(Reminder.claim_id == neglected.id))) \
        == [1, 2]

    patrol(v[0], a[0], days_ago=-10)  # walked at last, three days after the second reminder
    street["clock"].now = NOW + timedelta(days=14, hours=1)
    assert send_reminders(street["clock"]()) == 3
    assert reminded(v[0]) == 2 and [reminded(x) for x in v[1:]] == [2, 2, 2]


def test_no_reminder_for_a_left_claim_or_a_deactivated_steward(street):
    a, v = street["alleys"], street["volunteers"]
    left = claim(v[0], a[0], days_ago=10)
    left.left_at = NOW - timedelta(days=1)
    claim(v[1], a[1], days_ago=10)
    db.session.get(User, v[1].id).active = False
    db.session.commit()
    assert send_reminders(NOW) == 0 and told() == []


# --- each once, whatever the number of workers -------------------------------------------------------------------

def test_a_second_worker_at_the_same_moment_writes_nothing_more(app, street, monkeypatch):
    """Two workers read the same reminders due; the one that inserts the reminder's row second writes nothing.
    Here the other worker inserts (and commits) between this one's read and its write."""
    v, a = street["volunteers"], street["alleys"]
    act.sign_up(v[0], activity(street, beijing(3, 9)).id)
    claim(v[1], a[0], days_ago=10)
    original = reminders._mark

    def other_worker_first(**values):
        with db.engine.begin() as conn:
            conn.execute(Reminder.__table__.insert().values(**values))
        return original(**values)

    monkeypatch.setattr(reminders, "_mark", other_worker_first)
    assert send_reminders(NOW) == 0
    assert told() == [] and db.session.scalar(db.select(db.func.count()).select_from(Reminder)) == 2


def test_the_worker_sends_reminders_and_delivers_them(app, street):
    v = street["volunteers"]
    act.sign_up(v[0], activity(street, beijing(3, 9)).id)
    delivery.run_worker(app, once=True)
    note = db.session.scalar(db.select(Notification))
    assert note.user_id == v[0].id and note.kind is K.ACTIVITY_TOMORROW and note.fanned_out_at is not None
    delivery.run_worker(app, once=True)
    assert len(told()) == 1


def test_the_command_writes_the_reminders_due(app, street):
    v = street["volunteers"]
    act.sign_up(v[0], activity(street, beijing(3, 9)).id)
    result = app.test_cli_runner().invoke(args=["roster", "remind"])
    assert result.exit_code == 0 and "1 reminder(s) written" in result.output
    assert "0 reminder(s)" in app.test_cli_runner().invoke(args=["roster", "remind"]).output
    street["clock"].now = beijing(2, 23)
    assert "outside the reminder hours" in app.test_cli_runner().invoke(args=["roster", "remind"]).output


# --- what they say, without a report ------------------------------------------------------------------------------

def test_reminders_speak_both_languages_and_link_where_to_act(app, street):
    v, a, home = street["volunteers"], street["alleys"], street["street"]
    tomorrow = activity(street, beijing(3, 9, 30))
    act.sign_up(v[0], tomorrow.id)
    claim(v[1], a[0], days_ago=10)
    send_reminders(NOW)
    chief = make_user(Role.CHIEF, home, "街巷长")
    released = notify([street["organizer"].id, chief.id], K.ALLEYS_RELEASED, None, volunteer="老王",
                      alleys=f"{a[0].name}、{a[1].name}", street_id=home.id)
    db.session.commit()
    by_kind = {n.kind: n for n in db.session.scalars(db.select(Notification).order_by(Notification.id))}

    with force_locale("zh_Hans"):
        reminder = message_for(by_kind[K.ACTIVITY_TOMORROW])
        assert "清理楼道堆物" in reminder.title and "09:30" in reminder.body and "南锣鼓巷口" in reminder.body
        alley = message_for(by_kind[K.ALLEY_UNPATROLLED])
        assert a[0].name in alley.title and "7" in alley.title
        told_organizer = message_for(released[0])
        assert "老王" in told_organizer.title and f"{a[0].name}、{a[1].name}" in told_organizer.body
    with force_locale("en"):
        reminder = message_for(by_kind[K.ACTIVITY_TOMORROW])
        assert reminder.title == "Tomorrow: 清理楼道堆物"
        assert reminder.body.startswith("清理楼道堆物 starts tomorrow at 09:30 at 南锣鼓巷口.")
        assert message_for(by_kind[K.ALLEY_UNPATROLLED]).title == f"{a[0].name} has not been patrolled for 7 days"
        assert message_for(released[0]).title == "Alleys without a steward: 老王 was deactivated"

    # Links, also in the worker (no request): the activity's check-in, the street's map, the coverage page.
    assert reminder.url == (path_to("activities.check_in", activity_id=tomorrow.id) or "/activities/")
    assert reminder.tag == f"activity-{tomorrow.id}"
    assert message_for(by_kind[K.ALLEY_UNPATROLLED]).url == f"/?street={home.id}"
    assert message_for(by_kind[K.ALLEY_UNPATROLLED]).tag == f"alley-{a[0].id}"
    assert message_for(released[0]).url == f"/roster/coverage?street={home.id}"
    assert message_for(released[1]).url == f"/?street={home.id}"  # a chief cannot open the coverage page
    with app.test_request_context("/"):
        assert message_for(released[0]).url == f"/roster/coverage?street={home.id}"
    unplaced = notify([street["organizer"].id, chief.id], K.ALLEYS_RELEASED, None, volunteer="老李", alleys="x")
    db.session.commit()
    assert [message_for(n).url for n in unplaced] == ["/roster/coverage", "/"]  # without street_id: their own

    data, topic = delivery.payload(by_kind[K.ACTIVITY_TOMORROW])
    assert json.loads(data)["title"] == "明天：清理楼道堆物" or json.loads(data)["title"].endswith("清理楼道堆物")
    assert topic == f"activity-{tomorrow.id}" and len(data.encode()) < 3000


def test_the_inbox_shows_notifications_without_a_report(app, street):
    v = street["volunteers"]
    act.sign_up(v[0], activity(street, beijing(3, 9)).id)
    claim(v[0], street["alleys"][0], days_ago=10)
    send_reminders(NOW)
    notify([v[0].id], K.ALLEYS_RELEASED, None, volunteer="老王", alleys="演示头条胡同")
    db.session.commit()
    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=db.session.get(User, v[0].id))
    page = client.get("/notifications?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tomorrow: 清理楼道堆物" in html and "has not been patrolled for 7 days" in html and "老王" in html
    items = client.get("/api/v1/notifications?lang=en").get_json()["items"]
    assert [i["kind"] for i in items] == ["alleys_released", "alley_unpatrolled", "activity_tomorrow"]
    assert all(i["report_id"] is None and i["title"] and i["url"] for i in items)
    unpatrolled = next(i for i in items if i["kind"] == "alley_unpatrolled")
    opened = client.get(f"/notifications/{unpatrolled['id']}")
    assert opened.status_code == 302 and opened.headers["Location"] == unpatrolled["url"]

"""Who is told of what (the outbox written with each step), the escalation of silence, and the inbox."""
import pytest

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley, report_at
from tests.support.clock import Clock
from webapp.errors import PartsOpen
from webapp.extensions import db
from webapp.models import Notification, NotificationKind, Role, RoleGrant
from webapp.services.cases.reports import follow_report
from webapp.services.cases.transitions import Step, transition
from webapp.services.notifications import outbox as notifications
from webapp.services.places.claims import claim_alley
from webapp.services.volunteers.people import create_user
from tests.factories import PASSWORD

K = NotificationKind


@pytest.fixture
def people(app):
    app.extensions["clock"] = clock = Clock()
    street = demo_street()
    alley = alleys_of(street)[0]
    steward = make_user(Role.STEWARD)
    claim_alley(steward, alley.id)
    police = create_user(display_name="派出所小李", username="police1", password=PASSWORD, role=Role.OFFICER,
                         street_name=street.name, department_name="公安")
    return {"reporter": make_user(Role.RESIDENT), "follower": make_user(Role.RESIDENT), "steward": steward,
            "chief": make_user(Role.CHIEF), "chief2": make_user(Role.CHIEF), "urban": make_user(Role.OFFICER),
            "police": police, "other_chief": make_user(Role.CHIEF, street=other_street()), "alley": alley,
            "clock": clock}


def chiefs_of_the_street(but=None) -> list[int]:
    """The demo street's chiefs (the demo data has one too), never the other street's."""
    street = demo_street()
    return sorted(g.user_id for g in db.session.scalars(db.select(RoleGrant).where(
        RoleGrant.role == Role.CHIEF, RoleGrant.street_id == street.id)) if g.user_id != but)


def told(kind=None) -> list[tuple[int, str]]:
    """(user id, kind) of every notification written, in order."""
    rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    return [(n.user_id, n.kind.value) for n in rows if kind is None or n.kind is kind]


def new_case(p):
    report, _ = file_report(p["reporter"], report_at(*on_alley(p["alley"])))
    follow_report(p["follower"], report.id)
    return report


def whistled_case(p, departments=("urban_management", "police")):
    report = new_case(p)
    transition(p["steward"], report.id, Step.ESCALATE)
    transition(p["chief"], report.id, Step.ACCEPT)
    transition(p["chief"], report.id, Step.WHISTLE, departments=list(departments))
    return report


def test_filing_tells_nobody_and_escalating_tells_every_chief_of_the_street(people):
    report = new_case(people)
    assert told() == []
    transition(people["steward"], report.id, Step.ESCALATE)
    assert told() == [(uid, "escalated") for uid in chiefs_of_the_street()]
    assert people["chief2"].id in chiefs_of_the_street() and people["other_chief"].id not in chiefs_of_the_street()


def test_a_whistle_tells_the_officers_of_the_called_departments_only(people):
    report = whistled_case(people, departments=("police",))
    assert told(K.WHISTLED) == [(people["police"].id, "whistled")]
    note = db.session.scalar(db.select(Notification).where(Notification.kind == K.WHISTLED))
    assert note.report_id == report.id and note.params["departments"] == ["police"]


def test_resolving_asks_the_reporter_for_a_verdict_and_tells_the_followers(people):
    report = whistled_case(people, departments=("police",))
    for step in (Step.REPORT_ON_SITE, Step.FINISH_PART):
        transition(people["police"], report.id, step)
    transition(people["chief"], report.id, Step.RESOLVE, note="已清理")
    assert told(K.VERDICT_REQUESTED) == [(people["reporter"].id, "verdict_requested")]
    assert told(K.RESOLVED) == [(people["follower"].id, "resolved")]


def test_not_satisfied_tells_the_chiefs_and_satisfied_tells_nobody(people):
    report = whistled_case(people, departments=("police",))
    for step in (Step.REPORT_ON_SITE, Step.FINISH_PART):
        transition(people["police"], report.id, step)
    transition(people["chief"], report.id, Step.RESOLVE, note="已清理")
    before = len(told())
    transition(people["follower"], report.id, Step.VERDICT, satisfaction="unsatisfied")  # a follower: no reopening
    assert len(told()) == before
    transition(people["reporter"], report.id, Step.VERDICT, satisfaction="unsatisfied", note="还在")
    assert told(K.REOPENED) == [(uid, "reopened") for uid in chiefs_of_the_street()]
    transition(people["chief"], report.id, Step.RESOLVE, note="再次清理")
    count = len(told())
    transition(people["reporter"], report.id, Step.VERDICT, satisfaction="satisfied")
    assert len(told()) == count


def test_a_rejected_report_tells_its_reporter(people):
    report = new_case(people)
    transition(people["chief"], report.id, Step.REJECT, note="不属于本街道")
    assert told() == [(people["reporter"].id, "rejected")]


def test_nobody_is_told_of_their_own_step(people):
    report, _ = file_report(people["chief"], report_at(*on_alley(people["alley"])))
    transition(people["chief"], report.id, Step.ESCALATE)
    assert told() == [(uid, "escalated") for uid in chiefs_of_the_street(but=people["chief"].id)]


def test_a_refused_step_writes_no_notification(people):
    report = whistled_case(people, departments=("police",))
    before = told()
    with pytest.raises(PartsOpen):
        transition(people["chief"], report.id, Step.RESOLVE, note="还没完")
    assert told() == before


def test_a_step_that_fails_late_rolls_back_its_notifications_with_it(people, monkeypatch):
    """The outbox shares the step's transaction: no notice of a step that did not happen."""
    report = new_case(people)

    def broken_commit():
        raise RuntimeError("database gone")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        transition(people["steward"], report.id, Step.ESCALATE)
    monkeypatch.undo()
    assert told() == []


def test_silence_near_the_deadline_warns_the_chiefs_once_then_overdue_tells_chiefs_and_department(app, people):
    whistled_case(people)
    clock = people["clock"]
    assert notifications.warn_silent_whistles() == 0  # 30 minutes left
    transition(people["urban"], db.session.scalar(db.select(Notification.report_id)), Step.REPORT_ON_SITE)
    clock.advance(minutes=30 - app.config["WHISTLE_WARN_MINUTES"] + 1)
    chiefs = chiefs_of_the_street()
    assert notifications.warn_silent_whistles() == len(chiefs)  # the chiefs, of the police only (城管 is on site)
    assert notifications.warn_silent_whistles() == 0  # once
    due_soon = db.session.scalars(db.select(Notification).where(Notification.kind == K.WHISTLE_DUE_SOON)).all()
    assert {n.params["departments"][0] for n in due_soon} == {"police"}
    clock.advance(minutes=5)
    assert notifications.warn_silent_whistles() == len(chiefs) + 1  # the chiefs and the police officer
    assert sorted(told(K.WHISTLE_OVERDUE)) == sorted((uid, "whistle_overdue") for uid in chiefs + [people["police"].id])
    clock.advance(hours=1)
    assert notifications.warn_silent_whistles() == 0


def test_the_inbox_is_mine_newest_first_and_marks_read_only_mine(people):
    report = new_case(people)
    transition(people["steward"], report.id, Step.ESCALATE)
    transition(people["chief"], report.id, Step.REJECT, note="重复")
    chief, reporter = people["chief"], people["reporter"]
    assert [n.kind for n in notifications.inbox(chief)] == [K.ESCALATED]
    assert notifications.unread_count(chief) == 1
    theirs = notifications.inbox(reporter)[0]
    assert notifications.mark_read(chief, [theirs.id]) == 0  # someone else's: untouched
    assert notifications.unread_count(reporter) == 1
    assert notifications.mark_read(chief) == 1
    assert notifications.unread_count(chief) == 0 and notifications.inbox(chief)[0].read_at is not None


def test_the_inbox_pages_by_id(people):
    notifications.notify([people["reporter"].id] * 1, K.REJECTED, None)
    for _ in range(notifications.INBOX_PAGE + 4):
        notifications.notify([people["chief"].id], K.ESCALATED, None)
    db.session.commit()
    first = notifications.inbox(people["chief"])
    rest = notifications.inbox(people["chief"], before_id=first[-1].id)
    assert len(first) == notifications.INBOX_PAGE and len(rest) == 4
    assert first[0].id > first[-1].id > rest[0].id

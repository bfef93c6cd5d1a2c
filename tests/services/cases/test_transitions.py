"""Steps of a report: 劝导 on the spot or up to the street chief, each written to the case file, by whom may."""
import threading

import pytest
from flask_babel import force_locale

from tests.factories import alleys_of, demo_street, make_user, file_report
from tests.services.cases.test_reports import jpeg, on_alley, report_at
from webapp.errors import BadRequest, Forbidden, IllegalTransition
from webapp.extensions import db
from webapp.models import Report, ReportPhoto, ReportStatus, Role
from webapp.policies import can_see_reporter_details
from webapp.services.cases.reports import my_reports, open_reports_in_alley
from webapp.services.cases.transitions import Step, holds_alley, transition
from webapp.services.places.claims import claim_alley
from webapp.storage import LocalPhotoStorage


@pytest.fixture
def case(app, tmp_path):
    """A resident's report on an alley that one steward holds."""
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    alley = alleys_of(demo_street())[0]
    steward, resident = make_user(Role.STEWARD), make_user(Role.RESIDENT)
    claim_alley(steward, alley.id)
    report, _ = file_report(resident, report_at(*on_alley(alley, 0.0001), description="门口堆了旧家具"))
    return report, steward, resident


def steps(report):
    return [(e.from_status, e.to_status) for e in report.events]


def test_the_alley_steward_handles_it_on_the_spot_with_a_note_and_a_photo(case):
    report, steward, _ = case
    done = transition(steward, report.id, Step.HANDLE_ON_SPOT, note="已劝导店主搬走", photo=jpeg())
    assert done.status is ReportStatus.HANDLED_ON_SPOT and not done.status.is_open
    last = done.events[-1]
    assert last.actor_id == steward.id and last.note == "已劝导店主搬走" and last.details == {"step": "handle_on_spot", "role": "steward"}
    assert steps(done)[-1] == (ReportStatus.SUBMITTED, ReportStatus.HANDLED_ON_SPOT)
    assert [p.event_id for p in done.photos] == [last.id] and last.photos[0].position == 0


def test_handling_on_the_spot_needs_a_note(case):
    report, steward, _ = case
    with force_locale("en"), pytest.raises(BadRequest, match="short note"):
        transition(steward, report.id, Step.HANDLE_ON_SPOT, note="  ")
    assert db.session.get(Report, report.id).status is ReportStatus.SUBMITTED


def test_a_bad_evidence_photo_changes_nothing(case, tmp_path):
    report, steward, _ = case
    with pytest.raises(BadRequest):
        transition(steward, report.id, Step.HANDLE_ON_SPOT, note="劝导", photo=b"not a photo")
    db.session.expire_all()
    assert db.session.get(Report, report.id).status is ReportStatus.SUBMITTED and len(report.events) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportPhoto)) == 0


def test_only_a_steward_of_that_alley_handles_it_on_the_spot(case):
    report, _, resident = case
    other_steward = make_user(Role.STEWARD)  # same street, but holds no claim on this alley
    for user in (resident, other_steward, make_user(Role.CHIEF)):
        with pytest.raises(Forbidden):
            transition(user, report.id, Step.HANDLE_ON_SPOT, note="劝导")


def test_the_steward_escalates_to_the_street_chief(case):
    report, steward, _ = case
    up = transition(steward, report.id, Step.ESCALATE, note="店主不听劝")
    assert up.status is ReportStatus.ESCALATED and up.status.is_open
    assert steps(up) == [(None, ReportStatus.SUBMITTED), (ReportStatus.SUBMITTED, ReportStatus.ESCALATED)]


def test_a_reporter_who_is_no_steward_escalates_directly(case):
    report, _, resident = case
    assert transition(resident, report.id, Step.ESCALATE).status is ReportStatus.ESCALATED


def test_someone_else_may_not_escalate(case):
    report, _, _ = case
    with pytest.raises(Forbidden):
        transition(make_user(Role.RESIDENT), report.id, Step.ESCALATE)


def test_a_step_taken_already_is_refused_with_409(case):
    report, steward, resident = case
    transition(resident, report.id, Step.ESCALATE)
    with pytest.raises(IllegalTransition):
        transition(steward, report.id, Step.HANDLE_ON_SPOT, note="劝导")
    with pytest.raises(IllegalTransition):
        transition(resident, report.id, Step.ESCALATE)
    assert len(db.session.get(Report, report.id).events) == 2


def test_safety_hazards_go_to_the_chief_at_once(case):
    _, _, resident = case
    alley = alleys_of(demo_street())[1]
    report, _ = file_report(resident, report_at(*on_alley(alley), category="gas_hazard"))
    assert report.status is ReportStatus.ESCALATED
    assert report.events[-1].details == {"step": "escalate", "automatic": True, "role": "system", "reason": "safety"}


def test_two_stewards_acting_at_once_make_one_step(case, app, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race needs two PostgreSQL connections")
    report, steward, _ = case
    second = make_user(Role.STEWARD)
    claim_alley(second, report.alley_id)
    ids, outcomes, barrier = [steward.id, second.id], [], threading.Barrier(2)

    def act(user_id):
        with app.app_context():
            from webapp.models import User
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                transition(user, report.id, Step.HANDLE_ON_SPOT, note="劝导")
                outcomes.append("moved")
            except IllegalTransition:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(i,)) for i in ids]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["moved", "refused"]
    db.session.expire_all()
    assert len(db.session.get(Report, report.id).events) == 2


def test_who_sees_the_reporter(case):
    report, steward, resident = case
    officer = make_user(Role.OFFICER)  # 城管执法
    chief, stranger, other_steward = make_user(Role.CHIEF), make_user(Role.RESIDENT), make_user(Role.STEWARD)

    def sees():
        db.session.refresh(report)
        return {name: can_see_reporter_details(user, report, holds_alley(user, report))
                for name, user in [("reporter", resident), ("steward", steward), ("chief", chief),
                                   ("officer", officer), ("stranger", stranger), ("other steward", other_steward)]}

    assert sees() == {"reporter": True, "steward": True, "chief": True, "officer": False, "stranger": False,
                      "other steward": False}
    transition(resident, report.id, Step.ESCALATE)
    transition(chief, report.id, Step.ACCEPT)
    transition(chief, report.id, Step.WHISTLE, departments=("urban_management",))
    assert sees()["officer"] is True  # once their department is whistled


def test_my_reports_include_the_ones_i_follow_and_the_alley_lists_its_open_ones(case):
    from webapp.services.cases.reports import follow_report
    report, steward, resident = case
    neighbour = make_user(Role.RESIDENT)
    follow_report(neighbour, report.id)
    assert [(r.id, mine) for r, mine in my_reports(resident)] == [(report.id, True)]
    assert [(r.id, mine) for r, mine in my_reports(neighbour)] == [(report.id, False)]
    assert [r.id for r in open_reports_in_alley(report.alley_id)] == [report.id]
    transition(steward, report.id, Step.HANDLE_ON_SPOT, note="劝导")
    assert open_reports_in_alley(report.alley_id) == []


def test_the_cli_closes_cases_nobody_rated_in_time_as_not_rated(case, app):
    from datetime import timedelta

    from webapp.models.places import utcnow

    report, _, resident = case
    chief = make_user(Role.CHIEF)
    start = utcnow()
    app.extensions["clock"] = lambda: start
    transition(resident, report.id, Step.ESCALATE)
    transition(chief, report.id, Step.ACCEPT)
    transition(chief, report.id, Step.RESOLVE, note="已清理")
    runner = app.test_cli_runner()
    assert "0 case(s)" in runner.invoke(args=["cases", "close-unrated"]).output  # within the 3 days
    app.extensions["clock"] = lambda: start + timedelta(days=3, minutes=1)
    assert f"1 case(s) closed as not rated: {report.id}" in runner.invoke(args=["cases", "close-unrated"]).output
    db.session.expire_all()
    closed = db.session.get(Report, report.id)
    assert closed.status is ReportStatus.UNRATED and closed.verdicts == []

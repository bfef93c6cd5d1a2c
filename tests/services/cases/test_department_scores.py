"""The chief scores each whistled department's part of a resolved case (评价权): the rules, who may, one score per
whistle whatever is clicked twice, and corrections kept with who and when. Real cases, real steps, a test clock."""
import threading

import pytest
from flask_babel import force_locale

from tests.factories import make_user
from tests.services.performance.test_metrics import World, world  # noqa: F401  (world: the fixture)
from webapp.errors import BadRequest, Conflict, Forbidden
from webapp.extensions import db
from webapp.models import DepartmentScore, DepartmentScoreRevision, Report, Role, Whistle
from webapp.services.cases.department_scores import ScoreInput, score_department, scores_for_officer
from webapp.services.cases.transitions import Step


def whistled_case(world: World, *codes: str, resolve: bool = True) -> Report:
    """Accepted, whistled to `codes`, each on site and done, and (unless told) resolved by the chief."""
    report_id = world.accepted()
    world.whistle(report_id, *codes)
    officer = {"urban_management": "urban", "police": "police"}
    for code in codes:
        world.take(officer[code], Step.REPORT_ON_SITE, report_id)
        world.take(officer[code], Step.FINISH_PART, report_id)
    if resolve:
        world.resolve(report_id)
    return db.session.get(Report, report_id)


def whistle_of(report: Report, code: str) -> Whistle:
    return next(w for w in report.whistles if w.department.code == code)


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(db.select(db.func.count()).select_from(DepartmentScore)),
            db.session.scalar(db.select(db.func.count()).select_from(DepartmentScoreRevision)))


def test_the_chief_scores_each_whistled_department_of_a_resolved_case(world):
    report = whistled_case(world, "urban_management", "police")
    chief = world.people["chief"]
    urban, police = whistle_of(report, "urban_management"), whistle_of(report, "police")
    first = score_department(chief, report.id, ScoreInput(urban.id, 5, 4, 3, comment="  到得快  "))
    score_department(chief, report.id, ScoreInput(police.id, 2, 3, 4))
    assert first.changed
    saved = db.session.scalar(db.select(DepartmentScore).where(DepartmentScore.whistle_id == urban.id))
    assert (saved.on_time, saved.attitude, saved.result, saved.comment) == (5, 4, 3, "到得快")
    assert saved.scored_by_id == chief.id and saved.version == 1 and saved.average == 4.0
    assert counts() == (2, 2)  # one score and its first version per whistle


def test_the_same_score_sent_twice_makes_one_and_changes_nothing(world):
    """A second click, a retry after a lost answer, or the back button and send again: still one score."""
    report = whistled_case(world, "urban_management")
    whistle, chief = whistle_of(report, "urban_management"), world.people["chief"]
    score_department(chief, report.id, ScoreInput(whistle.id, 4, 4, 5, "好"))
    world.clock.advance(minutes=1)
    again = score_department(chief, report.id, ScoreInput(whistle.id, 4, 4, 5, "好"))
    assert not again.changed and again.score.version == 1
    assert counts() == (1, 1)


def test_a_correction_overwrites_the_score_and_keeps_every_version_with_who_and_when(world):
    report = whistled_case(world, "urban_management")
    whistle, chief = whistle_of(report, "urban_management"), world.people["chief"]
    second_chief = make_user(Role.CHIEF, name="副街巷长")
    first_at = world.clock.now
    score_department(chief, report.id, ScoreInput(whistle.id, 2, 2, 2, "迟到"))
    corrected_at = world.clock.advance(hours=3)
    fixed = score_department(second_chief, report.id, ScoreInput(whistle.id, 4, 3, 2, "核实后改正：按时到场"))
    assert fixed.changed
    score = db.session.scalar(db.select(DepartmentScore).where(DepartmentScore.whistle_id == whistle.id))
    assert (score.on_time, score.attitude, score.result, score.version) == (4, 3, 2, 2)
    assert score.scored_by_id == second_chief.id
    history = [(r.version, r.on_time, r.attitude, r.result, r.comment, r.by_id) for r in score.revisions]
    assert history == [(1, 2, 2, 2, "迟到", chief.id), (2, 4, 3, 2, "核实后改正：按时到场", second_chief.id)]
    assert [r.at.replace(tzinfo=None) for r in score.revisions] == [first_at.replace(tzinfo=None),
                                                                    corrected_at.replace(tzinfo=None)]
    assert counts() == (1, 2)


@pytest.mark.parametrize("marks, field", [((0, 3, 3), "on_time"), ((3, 6, 3), "attitude"), ((3, 3, -1), "result"),
                                          ((3, 3, 2.5), "result"), ((True, 3, 3), "on_time"), ((3, "4", 3), "attitude")])
def test_a_mark_out_of_range_is_refused_in_the_users_language_and_nothing_is_saved(world, marks, field):
    report = whistled_case(world, "urban_management")
    whistle = whistle_of(report, "urban_management")
    with force_locale("en"), pytest.raises(BadRequest, match="whole number from 1 to 5") as refused:
        score_department(world.people["chief"], report.id, ScoreInput(whistle.id, *marks))
    assert refused.value.details == {"field": field}
    with force_locale("zh_Hans"), pytest.raises(BadRequest, match="1 到 5"):
        score_department(world.people["chief"], report.id, ScoreInput(whistle.id, *marks))
    assert counts() == (0, 0)


def test_a_too_long_comment_is_refused(world):
    report = whistled_case(world, "urban_management")
    whistle = whistle_of(report, "urban_management")
    with pytest.raises(BadRequest) as refused:
        score_department(world.people["chief"], report.id, ScoreInput(whistle.id, 3, 3, 3, "很" * 501))
    assert refused.value.details == {"field": "comment"} and counts() == (0, 0)


def test_only_departments_whistled_on_this_case_are_scored(world):
    """Another case's whistle, an id that does not exist: refused as "not whistled on this case"."""
    report = whistled_case(world, "urban_management")
    other = whistled_case(world, "police")
    chief = world.people["chief"]
    for whistle_id in (whistle_of(other, "police").id, 999999, -1):
        with force_locale("en"), pytest.raises(BadRequest, match="not whistled on this case"):
            score_department(chief, report.id, ScoreInput(whistle_id, 3, 3, 3))
    assert counts() == (0, 0)


def test_departments_are_scored_only_once_the_case_is_resolved(world):
    report = whistled_case(world, "urban_management", resolve=False)
    whistle = whistle_of(report, "urban_management")
    with force_locale("en"), pytest.raises(Conflict, match="once the case is resolved"):
        score_department(world.people["chief"], report.id, ScoreInput(whistle.id, 3, 3, 3))
    world.resolve(report.id)
    assert score_department(world.people["chief"], report.id, ScoreInput(whistle.id, 3, 3, 3)).changed


def test_a_confirmed_case_is_still_scored_and_a_reopened_one_waits_for_its_next_resolution(world):
    report = whistled_case(world, "urban_management")
    whistle, chief = whistle_of(report, "urban_management"), world.people["chief"]
    world.verdict(report.id, "unsatisfied")  # reopened
    with pytest.raises(Conflict):
        score_department(chief, report.id, ScoreInput(whistle.id, 2, 2, 2))
    world.resolve(report.id)
    world.verdict(report.id, "satisfied")  # confirmed
    assert score_department(chief, report.id, ScoreInput(whistle.id, 2, 2, 2)).changed


def test_only_a_chief_of_the_cases_street_scores(world):
    """Not the departments themselves, not a steward, not a chief of another street, not even an admin."""
    report = whistled_case(world, "urban_management")
    whistle = whistle_of(report, "urban_management")
    elsewhere_chief = make_user(Role.CHIEF, street=world.elsewhere)
    for who in (world.people["urban"], world.people["steward"], world.people["resident"], elsewhere_chief,
                make_user(Role.ORGANIZER), make_user(Role.ADMIN)):
        with pytest.raises(Forbidden):
            score_department(who, report.id, ScoreInput(whistle.id, 5, 5, 5))
    assert counts() == (0, 0)


def test_officers_see_their_own_departments_scores_only(world):
    report = whistled_case(world, "urban_management", "police")
    chief = world.people["chief"]
    score_department(chief, report.id, ScoreInput(whistle_of(report, "urban_management").id, 5, 5, 4, "很好"))
    score_department(chief, report.id, ScoreInput(whistle_of(report, "police").id, 1, 2, 3, "迟到"))
    mine = scores_for_officer(world.people["urban"])
    assert [(s.whistle.department.code, s.comment) for s in mine] == [("urban_management", "很好")]
    assert [s.whistle.department.code for s in scores_for_officer(world.people["police"])] == ["police"]
    # An officer of 城管执法 in another street sees nothing of this street's 城管执法 scores.
    assert scores_for_officer(make_user(Role.OFFICER, street=world.elsewhere)) == []
    assert scores_for_officer(world.people["chief"]) == []


def test_two_first_scores_at_once_make_one(world, app, database_url):
    """Two tabs, or a double tap that sends twice: the unique index keeps one score; the later one is a
    correction of it (or the same marks, changing nothing)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race needs two PostgreSQL connections")
    report = whistled_case(world, "urban_management")
    whistle_id, chief_id = whistle_of(report, "urban_management").id, world.people["chief"].id
    barrier, outcomes = threading.Barrier(2), []

    def send(marks):
        with app.app_context():
            from webapp.models import User
            app.extensions["clock"] = world.clock
            chief = db.session.get(User, chief_id)
            barrier.wait()
            outcomes.append(score_department(chief, report.id, ScoreInput(whistle_id, *marks)).changed)
            db.session.remove()

    threads = [threading.Thread(target=send, args=(m,)) for m in ((4, 4, 4), (4, 4, 4))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, True]
    assert counts() == (1, 1)

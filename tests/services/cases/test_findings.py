"""Patrol findings: a problem ticked on a patrol is filed as a case that names the patrol by its client id, and is
listed with that patrol whichever of the two reaches the server first; never with someone else's patrol."""
import hashlib
import json
import uuid
from dataclasses import asdict, replace

import pytest
from flask_babel import force_locale

from tests.factories import alleys_of, demo_street, file_report, make_user
from tests.services.cases.test_reports import on_alley, report_at
from tests.services.places.test_patrols import patrol_of, walk_along
from webapp.errors import BadRequest, Forbidden, IdempotencyConflict
from webapp.extensions import db
from webapp.models import CHECKLIST_ITEMS, Category, Report, Role
from webapp.services.cases.categories import checklist_categories
from webapp.services.cases.findings import findings_waiting_for_patrol, my_patrols
from webapp.services.cases.reports import submit_report
from webapp.services.places.claims import claim_alley
from webapp.services.places.patrols import record_patrol


@pytest.fixture
def walker(app):
    """A steward on patrol in an alley they look after: (steward, alley, the running patrol's client id)."""
    steward = make_user(Role.STEWARD)
    alley = alleys_of(demo_street())[0]
    claim_alley(steward, alley.id)
    return steward, alley, str(uuid.uuid4())


def finding(alley, patrol_client_id, item="piled_goods", **extra):
    return report_at(*on_alley(alley), category=item, patrol_client_id=patrol_client_id, checklist_item=item,
                     description="纸箱堆在门口", **extra)


def patrol_with_problems(alley, client_id):
    return patrol_of(alley, walk_along(alley), client_id=client_id,
                     checklist={"piled_goods": "problem", "illegal_parking": "problem", "wall_openings": "ok"},
                     problems={"piled_goods": "纸箱", "illegal_parking": "三轮车堵在胡同口"})


def test_a_finding_that_arrives_before_its_patrol_joins_it_when_the_patrol_comes(walker):
    steward, alley, patrol_id = walker
    filed = submit_report(steward, finding(alley, patrol_id))
    assert filed.created and filed.patrol_client_id == patrol_id and filed.patrol_id is None
    assert [r.id for r in findings_waiting_for_patrol(steward)] == [filed.id]

    patrol, _ = record_patrol(steward, patrol_with_problems(alley, patrol_id))
    [view] = my_patrols(steward)
    assert view.patrol.id == patrol.id
    assert [(r.id, r.checklist_item, r.status.value) for r in view.cases] == [(filed.id, "piled_goods", "submitted")]
    # The problem noted without a report stays a note on the patrol; the one reported is a case now.
    assert view.unreported == {"illegal_parking": "三轮车堵在胡同口"}
    assert findings_waiting_for_patrol(steward) == []


def test_a_finding_sent_after_its_patrol_is_linked_at_once(walker):
    steward, alley, patrol_id = walker
    patrol, _ = record_patrol(steward, patrol_with_problems(alley, patrol_id))
    filed = submit_report(steward, finding(alley, patrol_id))
    assert filed.patrol_id == patrol.id
    assert [r.id for r in my_patrols(steward)[0].cases] == [filed.id]


def test_a_replay_answers_the_same_case_and_another_patrol_under_the_same_key_is_refused(walker):
    steward, alley, patrol_id = walker
    data = finding(alley, patrol_id)
    first = submit_report(steward, data)
    record_patrol(steward, patrol_with_problems(alley, patrol_id))
    again = submit_report(steward, data)  # the phone lost the answer and sends it again, after the patrol
    assert not again.created and again.id == first.id and again.patrol_id is not None
    moved = replace(data, patrol_client_id=str(uuid.uuid4()))
    with pytest.raises(IdempotencyConflict):
        submit_report(steward, moved)
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 1


def test_naming_someone_elses_patrol_is_refused_and_stores_nothing(walker):
    steward, alley, patrol_id = walker
    record_patrol(steward, patrol_with_problems(alley, patrol_id))
    intruder = make_user(Role.STEWARD)
    with force_locale("en"), pytest.raises(Forbidden, match="someone else's"):
        submit_report(intruder, finding(alley, patrol_id))
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0
    assert my_patrols(steward)[0].cases == []


def test_naming_someone_elses_patrol_before_it_arrives_never_links_to_it(walker):
    steward, alley, patrol_id = walker
    intruder = make_user(Role.STEWARD)
    planted = submit_report(intruder, finding(alley, patrol_id))  # accepted: nobody's patrol has that id yet
    record_patrol(steward, patrol_with_problems(alley, patrol_id))
    assert my_patrols(steward)[0].cases == []
    assert [r.id for r in findings_waiting_for_patrol(intruder)] == [planted.id]
    with pytest.raises(Forbidden):  # and now that the patrol is here, naming it is refused
        submit_report(intruder, finding(alley, patrol_id))


def test_an_unknown_patrol_id_files_the_case_and_waits_for_that_patrol(walker):
    steward, alley, _ = walker
    filed = submit_report(steward, finding(alley, str(uuid.uuid4())))
    report = db.session.get(Report, filed.id)
    assert filed.created and filed.patrol_id is None and report.status.value == "submitted"
    assert [r.id for r in findings_waiting_for_patrol(steward)] == [filed.id]
    assert my_patrols(steward) == []


@pytest.mark.parametrize("fields, message", [
    ({"patrol_client_id": None, "checklist_item": "piled_goods"}, "from its patrol"),
    ({"checklist_item": "flying_saucers"}, "unknown items"),
])
def test_a_checklist_item_must_be_known_and_come_with_its_patrol(walker, fields, message):
    steward, alley, patrol_id = walker
    data = report_at(*on_alley(alley), **{"patrol_client_id": patrol_id, **fields})
    with force_locale("en"), pytest.raises(BadRequest, match=message):
        submit_report(steward, data)


def test_an_ordinary_report_keeps_the_fingerprint_it_had_before_findings_existed(walker):
    """A phone that queued a report before the upgrade and sends it again after must get the same case back."""
    steward, alley, _ = walker
    data = report_at(*on_alley(alley), description="杂物")
    # ReportInput's fields before issue 18 added any (kind, patrol, item, shop): the hash a queued report carries.
    before = {k: v for k, v in asdict(data).items() if k in ("client_id", "category_code", "lon", "lat", "accuracy_m",
                                                                "description", "anonymous", "photos", "alley_id")}
    before["photos"] = []
    assert data.fingerprint() == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()
    report, _ = file_report(steward, data)
    assert report.patrol_client_id is None and report.checklist_item is None


def test_each_checklist_item_is_reported_in_its_category_and_falls_back_when_it_is_retired(app):
    assert checklist_categories() == {item: item for item in CHECKLIST_ITEMS}
    db.session.execute(db.update(Category).where(Category.code == "wall_openings").values(active=False))
    assert checklist_categories()["wall_openings"] == "other"
    db.session.execute(db.update(Category).where(Category.code == "other").values(active=False))
    first = db.session.scalar(db.select(Category.code).where(Category.active.is_(True))
                              .order_by(Category.sort_order, Category.id))
    assert checklist_categories()["wall_openings"] == first == "illegal_structures"
    assert checklist_categories()["piled_goods"] == "piled_goods"

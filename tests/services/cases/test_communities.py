"""The community tier (小事不出社区、大事不出街道), through the real services on both engines: who sees a case first,
street-first categories, passing up, the worker's resolution, the chief pulling a case up, who may act on what,
the rates per community, and the boundary checks."""
import json
import uuid
from datetime import timedelta

import pytest
from flask_babel import force_locale
from shapely.geometry import MultiPolygon, box, mapping

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import jpeg, on_alley, report_at
from webapp import clock
from webapp.errors import BadRequest, Conflict, Forbidden
from webapp.extensions import db
from webapp.models import (CaseFacts, Category, Community, Notification, NotificationKind, ReportEvent, ReportStatus,
                           Role)
from webapp.services.cases import community_queue, triage
from webapp.services.cases.transitions import Step, allowed_steps, transition
from webapp.services.organizing.communities import invite_community_worker, remove_community_worker
from webapp.services.performance.dashboard import Period, Scope, breakdown
from webapp.services.places.claims import claim_alley
from webapp.services.places.communities import (CommunityRecord, import_communities, read_feature_collection,
                                                save_community)
from webapp.services.volunteers.accounts import Registration, register
from webapp.services.volunteers.people import create_user

S = ReportStatus
WEST = box(116.3700, 39.9420, 116.3750, 39.9480)  # the demo street's western half: its first two north-south alleys
EAST = box(116.3755, 39.9420, 116.3780, 39.9480)  # a strip between them lies in no community


def community(street, name, geom) -> Community:
    import_communities(None, street.id, [CommunityRecord(name, MultiPolygon([geom]))])
    return db.session.scalar(db.select(Community).where(Community.street_id == street.id, Community.name == name))


def worker_of(place: Community, name="社区专员"):
    n = uuid.uuid4().hex[:8]
    return create_user(display_name=name, username=f"worker{n}", password="correct-horse-1",
                       role=Role.COMMUNITY_WORKER, street_name=place.street.name, community_name=place.name)


@pytest.fixture
def world(app):
    street = demo_street()
    west, east = community(street, "西社区", WEST), community(street, "东社区", EAST)
    alleys = alleys_of(street)
    west_alley = next(a for a in alleys if a.name == "演示北巷")  # north-south at 116.372: in the west
    east_alley = next(a for a in alleys if a.name == "演示井儿胡同")  # at 116.376: in the east
    steward = make_user(Role.STEWARD, street)
    claim_alley(steward, west_alley.id)
    claim_alley(steward, east_alley.id)
    return {"street": street, "west": west, "east": east, "west_alley": west_alley, "east_alley": east_alley,
            "steward": steward, "worker": worker_of(west), "chief": make_user(Role.CHIEF, street),
            "resident": make_user(Role.RESIDENT, street)}


def passed_up(world, alley_key="west_alley", category="piled_goods"):
    """A resident's report on the alley, passed up by the alley's steward."""
    report, _ = file_report(world["resident"], report_at(*on_alley(world[alley_key]), category=category))
    return transition(world["steward"], report.id, Step.ESCALATE)


def steps_of(report) -> list[tuple[str, str | None]]:
    events = db.session.scalars(db.select(ReportEvent).where(ReportEvent.report_id == report.id)
                                .order_by(ReportEvent.id)).all()
    return [((e.details or {}).get("step"), (e.details or {}).get("community")) for e in events]


# --- who sees a case first ----------------------------------------------------------------------------

def test_a_case_in_a_community_with_a_worker_goes_to_its_queue_first(world):
    report = passed_up(world)
    assert report.status is S.ESCALATED and report.community_id == world["west"].id
    assert report.held_by_community_id == world["west"].id
    assert steps_of(report)[-1] == ("escalate", "西社区")
    # The worker's queue has it; the chief's does not (nor its alley filter).
    assert [c.id for c in community_queue.community_cases(world["worker"], world["west"])] == [report.id]
    assert report.id not in [item.id for item in triage.chief_queue(world["chief"])]
    assert world["west_alley"].id not in [a for a, _ in triage.queue_alleys(world["chief"])]
    # The worker is told, the chief is not.
    told = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification).where(
        Notification.report_id == report.id))}
    assert (world["worker"].id, NotificationKind.COMMUNITY_CASE) in told
    assert not any(uid == world["chief"].id for uid, _ in told)


def test_a_community_without_a_worker_or_no_community_leaves_the_case_to_the_street(world):
    report = passed_up(world, "east_alley")  # 东社区 has no worker
    assert report.community_id == world["east"].id and report.held_by_community_id is None
    assert report.id in [item.id for item in triage.chief_queue(world["chief"])]
    outside, _ = file_report(world["resident"], report_at(116.3752, 39.9460))  # between the two communities
    outside = transition(world["resident"], outside.id, Step.ESCALATE)
    assert outside.community_id is None and outside.held_by_community_id is None


def test_a_deactivated_worker_does_not_count(world):
    world["worker"].active = False
    db.session.commit()
    assert passed_up(world).held_by_community_id is None


def test_street_first_categories_skip_the_community(world):
    category = db.session.scalar(db.select(Category).where(Category.code == "piled_goods"))
    category.street_first = True
    db.session.commit()
    report = passed_up(world)
    assert report.community_id == world["west"].id and report.held_by_community_id is None
    assert report.id in [item.id for item in triage.chief_queue(world["chief"])]


def test_safety_hazards_go_to_the_chief_at_filing_whatever_the_community(world):
    report, _ = file_report(world["resident"], report_at(*on_alley(world["west_alley"]), category="gas_hazard"))
    assert report.status is S.ESCALATED and report.held_by_community_id is None


# --- what the worker does ----------------------------------------------------------------------------

def test_the_worker_passes_a_case_up_with_a_note(world):
    report = passed_up(world)
    with force_locale("en"), pytest.raises(BadRequest, match="short note"):
        transition(world["worker"], report.id, Step.PASS_UP)
    report = transition(world["worker"], report.id, Step.PASS_UP, note="需要城管执法")
    assert report.status is S.ESCALATED and report.held_by_community_id is None
    event = db.session.scalars(db.select(ReportEvent).where(ReportEvent.report_id == report.id)
                               .order_by(ReportEvent.id.desc())).first()
    assert event.note == "需要城管执法" and event.details["role"] == "community" and event.details["community"] == "西社区"
    assert report.id in [item.id for item in triage.chief_queue(world["chief"])]
    assert community_queue.community_cases(world["worker"], world["west"]) == []
    # The chief now works it as any case; the worker no longer can.
    transition(world["chief"], report.id, Step.ACCEPT)
    with pytest.raises(Forbidden):
        transition(world["worker"], report.id, Step.COMMUNITY_RESOLVE, note="x")


def test_the_worker_resolves_with_evidence_and_the_reporter_answers(world, tmp_path, app):
    app.config["PHOTO_STORAGE_DIR"] = str(tmp_path)
    report = passed_up(world)
    with force_locale("en"), pytest.raises(BadRequest, match="evidence"):
        transition(world["worker"], report.id, Step.COMMUNITY_RESOLVE)
    report = transition(world["worker"], report.id, Step.COMMUNITY_RESOLVE, note="已联系物业清理", photo=jpeg())
    assert report.status is S.RESOLVED and report.resolution_round == 1
    assert report.held_by_community_id == world["west"].id  # waits for the verdict in the community's queue
    assert [c.status for c in community_queue.community_cases(world["worker"], world["west"])] == ["resolved"]
    assert report.id not in [item.id for item in triage.chief_queue(world["chief"])]
    assert steps_of(report)[-1] == ("community_resolve", "西社区")
    # 不满意 sends it back to the community, and its worker is told.
    report = transition(world["resident"], report.id, Step.VERDICT, satisfaction="unsatisfied")
    assert report.status is S.REOPENED and report.held_by_community_id == world["west"].id
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == world["worker"].id,
                                                          Notification.kind == NotificationKind.REOPENED))
    report = transition(world["worker"], report.id, Step.COMMUNITY_RESOLVE, note="再次清理")
    report = transition(world["resident"], report.id, Step.VERDICT, satisfaction="satisfied")
    assert report.status is S.CONFIRMED and report.held_by_community_id is None  # closed: in nobody's queue


def test_the_worker_handles_a_case_on_the_spot(world):
    report = passed_up(world)
    report = transition(world["worker"], report.id, Step.COMMUNITY_ON_SPOT, note="已劝导店主搬走")
    assert report.status is S.HANDLED_ON_SPOT and report.held_by_community_id is None
    assert steps_of(report)[-1] == ("community_on_spot", "西社区")


def test_the_chief_looks_and_pulls_a_case_up(world):
    report = passed_up(world)
    assert set(allowed_steps(world["chief"], report, False)) == {Step.PULL_UP}  # nothing else while it is held
    with pytest.raises(Forbidden):
        transition(world["chief"], report.id, Step.ACCEPT)
    assert report.id in [c.id for c in community_queue.community_cases(world["chief"], world["west"])]
    assert community_queue.held_counts({world["street"].id}) == {world["west"].id: 1}
    report = transition(world["chief"], report.id, Step.PULL_UP, note="涉及多个部门")
    assert report.held_by_community_id is None and report.status is S.ESCALATED
    assert steps_of(report)[-1] == ("pull_up", "西社区")
    assert Step.ACCEPT in allowed_steps(world["chief"], report, False)
    with pytest.raises(Forbidden):  # a second click: no community holds it any more
        transition(world["chief"], report.id, Step.PULL_UP)



# --- who may act on what -----------------------------------------------------------------------------

def test_a_worker_acts_only_on_their_own_communitys_cases(world, app):
    east_worker = worker_of(world["east"], "东社区专员")
    west_case = passed_up(world)
    east_case = passed_up(world, "east_alley")
    assert east_case.held_by_community_id == world["east"].id
    for step, note in ((Step.COMMUNITY_RESOLVE, "x"), (Step.PASS_UP, "x"), (Step.COMMUNITY_ON_SPOT, "x")):
        with pytest.raises(Forbidden):
            transition(east_worker, west_case.id, step, note=note)
        with pytest.raises(Forbidden):
            transition(world["worker"], east_case.id, step, note=note)
    assert allowed_steps(east_worker, west_case, False) == []
    # Nor on another street's case, nor may they open another street's community queue.
    elsewhere = other_street()
    far = community(elsewhere, "别的社区", box(116.301, 39.801, 116.309, 39.809))
    far_worker = worker_of(far, "别处专员")
    with pytest.raises(Forbidden):
        transition(far_worker, west_case.id, Step.PASS_UP, note="x")
    with pytest.raises(Forbidden):
        community_queue.queue_page(far_worker, world["west"].id)
    with pytest.raises(Forbidden):
        community_queue.queue_page(world["worker"], far.id)
    # A steward or resident cannot open any community's queue.
    with pytest.raises(Forbidden):
        community_queue.queue_page(world["steward"], None)
    # Unchanged after all the refusals.
    db.session.expire_all()
    assert db.session.get(type(west_case), west_case.id).held_by_community_id == world["west"].id


def test_invitations_make_workers_of_one_community_and_organizers_remove_them(world):
    organizer = make_user(Role.ORGANIZER, world["street"])
    invitation = invite_community_worker(organizer, world["street"].id, world["east"].id)
    user = register(Registration(display_name="新专员", password="correct-horse-1", username="new-worker",
                                 code=invitation.code))
    assert [(g.role, g.community_id) for g in user.grants] == [(Role.COMMUNITY_WORKER, world["east"].id)]
    assert passed_up(world, "east_alley").held_by_community_id == world["east"].id
    # Another street's community, or another street's organizer: refused.
    elsewhere = other_street()
    with pytest.raises(Exception) as refused:
        invite_community_worker(organizer, elsewhere.id, world["east"].id)
    assert isinstance(refused.value, (Forbidden, BadRequest)) or refused.typename == "NotFound"
    other_organizer = make_user(Role.ORGANIZER, elsewhere)
    with pytest.raises(Forbidden):
        remove_community_worker(other_organizer, world["street"].id, world["east"].id, user.id)
    remove_community_worker(organizer, world["street"].id, world["east"].id, user.id)
    db.session.refresh(user)
    assert [(g.role, g.street_id) for g in user.grants] == [(Role.RESIDENT, world["street"].id)]


# --- rates per community -----------------------------------------------------------------------------

def test_rates_count_per_community_and_the_worker_acknowledges(world, app):
    resolved = transition(world["worker"], passed_up(world).id, Step.COMMUNITY_RESOLVE, note="已清理")
    transition(world["resident"], resolved.id, Step.VERDICT, satisfaction="satisfied")
    passed_up(world, "east_alley")
    later = clock.now() + timedelta(days=30)
    rows = {row.label: row.rates for row in breakdown("community", Scope((world["street"].id,)),
                                                      Period.last(2, clock.today()), later)}
    assert rows["西社区"].cases == 1 and rows["西社区"].response_rate == 1.0
    assert rows["西社区"].resolution_rate == 1.0 and rows["西社区"].satisfaction_rate == 1.0
    assert rows["东社区"].cases == 1 and rows["东社区"].response_rate == 0.0  # nobody acknowledged it
    facts = db.session.get(CaseFacts, resolved.id)
    assert facts.community_id == world["west"].id
    page = community_queue.queue_page(world["worker"], None)
    assert page.community.id == world["west"].id and page.rates.cases == 1


# --- boundaries --------------------------------------------------------------------------------------

def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": mapping(geom)} for name, geom in features]}).encode()


def test_a_drawn_boundary_is_saved_and_edited(world):
    organizer = make_user(Role.ORGANIZER, world["street"])
    north = box(116.3710, 39.9460, 116.3770, 39.9478)
    made = save_community(organizer, world["street"].id, "北社区", mapping(north))
    assert made.id and made.name == "北社区"
    moved = save_community(organizer, world["street"].id, "北社区二", mapping(box(116.371, 39.947, 116.377, 39.9478)),
                           made.id)
    assert moved.id == made.id and moved.name == "北社区二"


@pytest.mark.parametrize("name, geom, error, message", [
    ("外社区", box(116.3650, 39.9420, 116.3720, 39.9440), BadRequest, "does not lie within"),  # 400 m out west
    ("领结", {"type": "Polygon", "coordinates": [[[116.371, 39.943], [116.373, 39.945], [116.373, 39.943],
                                               [116.371, 39.945], [116.371, 39.943]]]}, BadRequest, "not a valid polygon"),
    ("西社区", box(116.371, 39.943, 116.372, 39.944), Conflict, "already a community named 西社区"),
    ("", box(116.371, 39.943, 116.372, 39.944), BadRequest, "a name"),
    ("线", {"type": "LineString", "coordinates": [[116.371, 39.943], [116.372, 39.944]]}, BadRequest, "polygon"),
])
def test_a_bad_boundary_is_refused_clearly_and_changes_nothing(world, name, geom, error, message):
    organizer = make_user(Role.ORGANIZER, world["street"])
    before = db.session.scalar(db.select(db.func.count()).select_from(Community))
    geometry = geom if isinstance(geom, dict) else mapping(geom)
    with force_locale("en"), pytest.raises(error, match=message):
        save_community(organizer, world["street"].id, name, geometry)
    with force_locale("zh_Hans"), pytest.raises(error) as refused:
        save_community(organizer, world["street"].id, name, geometry)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)  # in Chinese too
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Community)) == before


def test_a_few_metres_outside_the_street_is_digitising_error(world):
    organizer = make_user(Role.ORGANIZER, world["street"])
    # The street's west edge is 116.3700: 0.00003 degrees is about 2.6 m; 0.0002 about 17 m.
    save_community(organizer, world["street"].id, "边社区", mapping(box(116.36997, 39.9430, 116.3710, 39.9440)))
    with pytest.raises(BadRequest):
        save_community(organizer, world["street"].id, "越界社区", mapping(box(116.3698, 39.9450, 116.3710, 39.9460)))


def test_only_the_streets_organizer_draws_its_communities(world):
    for who in (make_user(Role.ORGANIZER, other_street()), world["chief"], world["worker"]):
        with pytest.raises(Forbidden):
            save_community(who, world["street"].id, "北社区", mapping(box(116.371, 39.946, 116.377, 39.9478)))


def test_an_upload_is_all_or_nothing_and_converted_from_gcj02(world):
    from geo.crs import wgs84_to_gcj02_array  # the shift the file was made with
    import shapely

    north_wgs = box(116.3710, 39.9460, 116.3770, 39.9478)
    north_gcj = shapely.transform(north_wgs, wgs84_to_gcj02_array)
    records = read_feature_collection(geojson(("北社区", north_gcj)), "gcj02")
    assert records[0].geom.bounds == pytest.approx(north_wgs.bounds, abs=1e-6)
    # Read as WGS-84, the same file lies hundreds of metres off: refused, nothing written.
    organizer = make_user(Role.ORGANIZER, world["street"])
    bad = read_feature_collection(geojson(("北社区", north_gcj)), "wgs84")
    with force_locale("en"), pytest.raises(BadRequest, match="does not lie within"):
        import_communities(organizer, world["street"].id, records + bad[:0] + [CommunityRecord("南社区", bad[0].geom)])
    assert db.session.scalar(db.select(Community.id).where(Community.name == "北社区")) is None
    created, updated = import_communities(organizer, world["street"].id, records)
    assert (created, updated) == (1, 0)


@pytest.mark.parametrize("raw, message", [
    (b"not json", "not valid JSON"),
    (b'{"type": "Feature"}', "FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": []}', "no communities"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}]}', "no name"),
])
def test_a_bad_file_is_refused_clearly(app, raw, message):
    with force_locale("en"), pytest.raises(BadRequest, match=message):
        read_feature_collection(raw, "wgs84")


def test_a_name_twice_in_a_file_is_refused(app):
    square = box(116.371, 39.943, 116.372, 39.944)
    with force_locale("en"), pytest.raises(BadRequest, match="twice"):
        read_feature_collection(geojson(("甲", square), ("甲", square)), "wgs84")

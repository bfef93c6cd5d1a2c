"""Every route, walked with every role (and signed out): each answers as its policy says, never 500."""
import uuid
from datetime import timedelta

import pytest
from flask_login import FlaskLoginClient

from webapp import clock
from webapp.extensions import db
from webapp.models import Alley, Role, Shop, User
from webapp.services.cases.reports import ReportInput
from webapp.services.demo import load_demo
from webapp.services.organizing.activities import schedule_activity
from webapp.services.organizing.teams import create_post, create_team
from webapp.services.places.frontage import ShopInput, register_shop
from webapp.services.volunteers.accounts import create_invitation
from tests.factories import file_report
from tests.services.cases.test_reports import jpeg, on_alley

ANON = "anonymous"
WHO = [ANON] + [role.value for role in Role]
VOLUNTEERS = {"steward", "old_neighbour"}
STREET_STAFF = {"chief", "organizer", "admin"}  # who sees a street's performance
EVERYONE = {who: 200 for who in WHO}


def signed_in(status_signed_in, status_anonymous):
    return {who: status_anonymous if who == ANON else status_signed_in for who in WHO}


def only(allowed: set, status_allowed: int, status_other: int = 403):
    return {who: 401 if who == ANON else status_allowed if who in allowed else status_other for who in WHO}


# (endpoint, method) -> (request builder, expected status per role). A new route must be added here.
def routes(alley_id, code, street_id, report_id, lon, lat, roster):
    patrol = {"client_id": str(uuid.uuid4()), "alley_id": alley_id, "started_at": "2026-01-01T08:00:00+00:00",
              "finished_at": "2026-01-01T08:10:00+00:00",
              "fixes": [{"lon": 116.371, "lat": 39.9432, "t": 1767254400000},
                        {"lon": 116.372, "lat": 39.9432, "t": 1767254460000}]}
    return {
        ("map.index", "GET"): (("/",), EVERYONE),
        ("auth.login", "GET"): (("/login",), {**EVERYONE, **{w: 302 for w in WHO if w != ANON}}),
        ("auth.login", "POST"): (("/login", {"data": {"login": "nobody", "password": "wrong-password"}}),
                                 {who: 401 for who in WHO}),
        ("auth.logout", "POST"): (("/logout",), {who: 302 for who in WHO}),
        ("auth.register", "GET"): (("/register",), EVERYONE),
        ("auth.register", "POST"): (("/register", {"data": {}}), {who: 400 for who in WHO}),
        ("auth.invite", "GET"): ((f"/invite/{code}",), EVERYONE),
        ("auth.change_password", "GET"): (("/account/password",), signed_in(200, 302)),
        ("auth.change_password", "POST"): (("/account/password", {"data": {}}), signed_in(400, 302)),
        ("auth.display", "GET"): (("/account/display",), EVERYONE),
        ("auth.save_display", "POST"): (("/account/display", {"json": {"text_scale": 130}}), signed_in(200, 401)),
        ("api.streets", "GET"): (("/api/v1/streets",), EVERYONE),
        ("api.alleys", "GET"): (("/api/v1/alleys?bbox=116,39,117,41",), EVERYONE),
        ("api.alley", "GET"): ((f"/api/v1/alleys/{alley_id}",), EVERYONE),
        ("api.claim", "POST"): ((f"/api/v1/alleys/{alley_id}/claim",), only(VOLUNTEERS, 201)),
        # Walked after the claim above: volunteers leave what they just claimed, others hold nothing.
        ("api.leave", "DELETE"): ((f"/api/v1/alleys/{alley_id}/claim",), only(VOLUNTEERS, 200, 404)),
        ("api.me", "GET"): (("/api/v1/me",), signed_in(200, 401)),
        ("api.my_alleys", "GET"): (("/api/v1/me/alleys",), signed_in(200, 401)),
        ("api.create_invitation", "POST"): (("/api/v1/invitations", {"json": {"role": "steward",
                                                                              "street_id": street_id}}),
                                            only({"organizer", "admin"}, 201)),
        ("api.checklist", "GET"): (("/api/v1/patrols/checklist",), EVERYONE),
        ("api.record_patrol", "POST"): (("/api/v1/patrols", {"json": patrol}), only(set(), 403)),
        ("api.openapi", "GET"): (("/api/v1/openapi.json",), EVERYONE),
        ("api.categories", "GET"): (("/api/v1/categories",), EVERYONE),
        ("api.file_report", "POST"): (("/api/v1/reports", {"json": {
            "client_id": str(uuid.uuid4()), "category": "noise", "lon": lon, "lat": lat}}), signed_in(201, 401)),
        ("api.nearby", "GET"): ((f"/api/v1/reports/nearby?category=piled_goods&lon={lon}&lat={lat}",), EVERYONE),
        ("api.report", "GET"): ((f"/api/v1/reports/{report_id}",), EVERYONE),
        ("api.follow", "POST"): ((f"/api/v1/reports/{report_id}/follow",),
                                 {**signed_in(200, 401), "resident": 409}),  # the resident filed it
        ("api.photo", "GET"): ((f"/api/v1/reports/{report_id}/photos/0",), EVERYONE),
        ("pwa.service_worker", "GET"): (("/sw.js",), EVERYONE),
        ("pwa.manifest", "GET"): (("/manifest.webmanifest",), EVERYONE),
        ("pwa.offline", "GET"): (("/offline",), EVERYONE),
        ("tiles.tile", "GET"): (("/tiles/16/54000/24800.mvt",), EVERYONE),
        # Report pages: a refused step or "me too" shows the page again, with the error's status.
        ("reports.show", "GET"): ((f"/reports/{report_id}",), EVERYONE),
        ("reports.take_step", "POST"): ((f"/reports/{report_id}/steps/escalate", {"data": {}}),
                                        {**only({"resident", "admin"}, 302), ANON: 302}),  # the resident filed it
        # Everyone signed in has said "me too" through the API above already (the resident filed it).
        ("reports.follow", "POST"): ((f"/reports/{report_id}/follow",), signed_in(409, 302)),
        # The chief scores a whistled department (empty form: refused with 400); others may not (403).
        ("reports.score_department", "POST"): ((f"/reports/{report_id}/scores", {"data": {}}),
                                               {**only({"chief"}, 400), ANON: 302}),
        ("reports.back_to_report", "GET"): ((f"/reports/{report_id}/steps/escalate",), {who: 302 for who in WHO}),
        ("reports.mine", "GET"): (("/reports/mine",), signed_in(200, 302)),
        # Walked after the page's escalation above: nobody holds the alley (one endpoint for both API steps).
        ("api.take_step", "POST"): ((f"/api/v1/reports/{report_id}/handle-on-spot", {"json": {"note": "劝导"}}),
                                         only(set(), 403)),
        ("api.my_reports", "GET"): (("/api/v1/me/reports",), signed_in(200, 401)),
        ("api.my_patrols", "GET"): (("/api/v1/me/patrols",), signed_in(200, 401)),
        ("patrols.mine", "GET"): (("/patrols/mine",), signed_in(200, 302)),
        ("api.alley_reports", "GET"): ((f"/api/v1/alleys/{alley_id}/reports",), EVERYONE),
        ("categories.index", "GET"): (("/categories",), {**only({"organizer", "admin"}, 200), ANON: 302}),
        ("notifications.index", "GET"): (("/notifications",), signed_in(200, 302)),
        ("notifications.open_one", "GET"): (("/notifications/999999",), signed_in(302, 302)),  # nobody's: the inbox
        ("notifications.read_all", "POST"): (("/notifications/read",), signed_in(302, 302)),
        ("notifications.settings", "GET"): (("/notifications/settings",), signed_in(200, 302)),
        ("notifications.settings", "POST"): (("/notifications/settings", {"data": {}}), signed_in(302, 302)),
        ("notifications.remove_device", "POST"): (("/notifications/devices/999999/remove",), signed_in(302, 302)),
        ("api.notification_list", "GET"): (("/api/v1/notifications",), signed_in(200, 401)),
        ("api.notification_unread", "GET"): (("/api/v1/notifications/unread",), signed_in(200, 401)),
        ("api.notification_read", "POST"): (("/api/v1/notifications/read", {"json": {}}), signed_in(200, 401)),
        ("api.preferences_get", "GET"): (("/api/v1/notifications/preferences",), signed_in(200, 401)),
        ("api.preferences_put", "PUT"): (("/api/v1/notifications/preferences", {"json": {}}), signed_in(200, 401)),
        ("api.push_key", "GET"): (("/api/v1/push/key",), EVERYONE),
        ("api.subscription_list", "GET"): (("/api/v1/push/subscriptions",), signed_in(200, 401)),
        ("api.subscription_create", "POST"): (("/api/v1/push/subscriptions", {"json": {"endpoint": "x"}}),
                                              signed_in(400, 401)),
        ("api.subscription_delete_by_endpoint", "DELETE"): (("/api/v1/push/subscriptions", {"json": {}}),
                                                            signed_in(204, 401)),
        ("api.subscription_delete", "DELETE"): (("/api/v1/push/subscriptions/999999",), signed_in(204, 401)),
        ("categories.save", "POST"): (("/categories/noise", {"data": {}}), {**only({"organizer", "admin"}, 400), ANON: 302}),
        ("triage.index", "GET"): (("/triage",), {**only({"chief", "admin"}, 200), ANON: 302}),
        # The demo community's worker sees its queue; chiefs and admins look at every community of their streets.
        ("community.index", "GET"): (("/community",), {**only({"chief", "admin", "community_worker"}, 200),
                                                       ANON: 302}),
        ("api.triage_queue", "GET"): (("/api/v1/triage/queue",), only({"chief", "admin"}, 200)),
        ("department.index", "GET"): (("/department",), {**only({"officer"}, 200), ANON: 302}),
        ("api.department_whistles", "GET"): (("/api/v1/department/whistles",), only({"officer"}, 200)),
        ("performance.dashboard", "GET"): (("/performance",), {**only(STREET_STAFF, 200), ANON: 302}),
        ("performance.chart", "GET"): (("/performance/charts/rates.svg",), {**only(STREET_STAFF, 200), ANON: 302}),
        ("performance.export", "GET"): (("/performance/export/alleys.xlsx",), {**only(STREET_STAFF, 200), ANON: 302}),
        ("performance.brief", "GET"): (("/performance/brief",), {**only(STREET_STAFF, 200), ANON: 302}),
        ("performance.scorecard_page", "GET"): (("/performance/scorecard",), {**only(STREET_STAFF, 200), ANON: 302}),
        ("performance.scorecard_xlsx", "GET"): (("/performance/scorecard.xlsx",),
                                                {**only(STREET_STAFF, 200), ANON: 302}),
        ("api.performance_dashboard", "GET"): (("/api/v1/performance?days=7",), only(STREET_STAFF, 200)),
        ("api.performance_heat", "GET"): (("/api/v1/performance/heat",), only(STREET_STAFF, 200)),
        # Open311: public reads; writes need a partner's api_key, whoever is signed in to the app.
        ("open311.discovery", "GET"): (("/open311/v2/discovery.json",), EVERYONE),
        ("open311.services", "GET"): (("/open311/v2/services.xml",), EVERYONE),
        ("open311.service_definition", "GET"): (("/open311/v2/services/damaged_roads.json",), EVERYONE),
        ("open311.list_requests", "GET"): (("/open311/v2/requests.json",), EVERYONE),
        ("open311.one_request", "GET"): ((f"/open311/v2/requests/{report_id}.xml",), EVERYONE),
        ("open311.token", "GET"): (("/open311/v2/tokens/unknown.json",), {who: 404 for who in WHO}),
        ("open311.create_request", "POST"): (("/open311/v2/requests.json", {"data": {}}), {who: 403 for who in WHO}),
        ("open311.post_update", "POST"): (("/open311/v2/servicerequestupdates.xml", {"data": {}}),
                                          {who: 403 for who in WHO}),
        ("open311.list_updates", "GET"): (("/open311/v2/servicerequestupdates.json",), {who: 403 for who in WHO}),
        **roster_routes(street_id, **roster),
        **frontage_routes(street_id, alley_id, lon, lat),
    }


def frontage_routes(street_id, alley_id, lon, lat):
    """门前三包: the street's organizers and chiefs keep the shops; stewards check them from the map (walked after the
    claims above: nobody holds the alley, so every check is refused)."""
    staff = {"chief", "organizer", "admin"}
    page = {**only(staff, 200), ANON: 302}
    refused = {**only(staff, 400), ANON: 302}  # empty forms: the page again with the error
    shop = db.session.scalar(db.select(Shop.id))
    q = f"?street={street_id}"
    check = {"client_id": str(uuid.uuid4()), "shop_id": shop, "results": {"safety": "kept"}}
    return {
        ("frontage.index", "GET"): ((f"/frontage/{q}",), page),
        ("frontage.register_shop", "POST"): ((f"/frontage/shops{q}", {"data": {}}), refused),
        ("frontage.shop", "GET"): ((f"/frontage/shops/{shop}",), page),
        ("frontage.update_shop", "POST"): ((f"/frontage/shops/{shop}", {"data": {}}), refused),
        ("frontage.breaches", "GET"): ((f"/frontage/breaches{q}",), page),
        ("frontage.export_breaches", "GET"): ((f"/frontage/breaches.xlsx{q}",), page),
        ("frontage.import_shops", "GET"): ((f"/frontage/import{q}",), page),
        ("frontage.import_preview_or_commit", "POST"): ((f"/frontage/import{q}", {"data": {}}), refused),
        ("api.alley_shops", "GET"): ((f"/api/v1/alleys/{alley_id}/shops",), EVERYONE),
        ("api.shops_nearby", "GET"): ((f"/api/v1/shops/nearby?lon={lon}&lat={lat}",), EVERYONE),
        ("api.record_frontage_check", "POST"): (("/api/v1/frontage-checks", {"json": check}), only(set(), 403)),
        ("api.frontage_check_photo", "GET"): (("/api/v1/frontage-checks/999999/photo",), signed_in(404, 401)),
    }


def roster_routes(street_id, team, post, activity, check_in_code, steward, resident, alley):
    """The organizer's pages (their street's only; the statuses for other streets are in
    tests/web/test_roster_pages.py and test_organize_pages.py) and the volunteers' activities."""
    page = {**only({"organizer", "admin"}, 200), ANON: 302}
    acted = {**only({"organizer", "admin"}, 302), ANON: 302}  # done or refused: back to the page with a message
    q = f"?street={street_id}"
    volunteer_page = {**only(VOLUNTEERS, 200), ANON: 302}
    return {
        ("roster.index", "GET"): ((f"/roster/{q}",), page),
        ("roster.person", "GET"): ((f"/roster/people/{steward}{q}",), page),
        ("roster.set_roles", "POST"): ((f"/roster/people/{steward}/roles{q}", {"data": {"roles": ["steward"]}}),
                                       acted),
        ("roster.invite", "GET"): ((f"/roster/invite{q}",), page),
        ("roster.create_invitation", "POST"): ((f"/roster/invite{q}", {"data": {}}), acted),  # no role: refused
        ("roster.import_roster", "GET"): ((f"/roster/import{q}",), page),
        ("roster.import_preview_or_commit", "POST"): ((f"/roster/import{q}", {"data": {}}),
                                                      {**only({"organizer", "admin"}, 400), ANON: 302}),
        ("roster.export", "GET"): ((f"/roster/export.csv{q}",), page),
        ("roster.coverage", "GET"): ((f"/roster/coverage{q}",), page),
        ("roster.coverage_json", "GET"): ((f"/roster/coverage.json{q}",), page),
        ("roster.chiefs", "GET"): ((f"/roster/chiefs{q}",), page),
        ("roster.assign_chief", "POST"): ((f"/roster/chiefs/{alley}", {"data": {}}), acted),  # no chief chosen: refused
        ("roster.end_chief", "POST"): ((f"/roster/chiefs/{alley}/end", {"data": {}}), acted),  # none to end: refused
        ("roster.communities_page", "GET"): ((f"/roster/communities{q}",), page),
        ("roster.save_community", "POST"): ((f"/roster/communities{q}", {"data": {}}), acted),  # nothing drawn
        ("roster.import_communities", "POST"): ((f"/roster/communities/import{q}", {"data": {}}), acted),  # no file
        ("roster.invite_community_worker", "POST"): ((f"/roster/communities/999999/invite{q}",), acted),  # no such
        ("roster.remove_community_worker", "POST"): ((f"/roster/communities/999999/workers/{steward}/remove{q}",),
                                                     acted),
        ("api.roster", "GET"): ((f"/api/v1/roster{q}",), only({"organizer", "admin"}, 200)),
        ("roster.teams", "GET"): ((f"/roster/teams{q}",), page),
        ("roster.create_team", "POST"): ((f"/roster/teams{q}", {"data": {}}), acted),
        ("roster.team", "GET"): ((f"/roster/teams/{team}",), page),
        ("roster.set_team_alleys", "POST"): ((f"/roster/teams/{team}/alleys", {"data": {}}), acted),
        ("roster.add_member", "POST"): ((f"/roster/teams/{team}/members", {"data": {}}), acted),
        ("roster.set_leader", "POST"): ((f"/roster/teams/{team}/members/{steward}/leader", {"data": {}}), acted),
        ("roster.remove_member", "POST"): ((f"/roster/teams/{team}/members/{steward}/remove", {"data": {}}), acted),
        ("roster.posts", "GET"): ((f"/roster/posts{q}",), page),
        ("roster.create_post", "POST"): ((f"/roster/posts{q}", {"data": {}}), acted),
        ("roster.assign_post", "POST"): ((f"/roster/posts/{post}/holders", {"data": {}}), acted),
        ("roster.release_post", "POST"): ((f"/roster/posts/{post}/holders/{steward}/release", {"data": {}}), acted),
        ("roster.activities", "GET"): ((f"/roster/activities{q}",), page),
        ("roster.schedule_activity", "POST"): ((f"/roster/activities{q}", {"data": {}}),
                                               {**only({"organizer", "admin"}, 400), ANON: 302}),
        ("roster.activity", "GET"): ((f"/roster/activities/{activity}",), page),
        ("roster.credit_hours", "POST"): ((f"/roster/activities/{activity}/hours", {"data": {}}), acted),
        # The volunteers' side: pages answer a refused step with a message (302), an outsider with 403.
        ("activities.index", "GET"): (("/activities/",), volunteer_page),
        ("activities.check_in", "GET"): ((f"/activities/{activity}/check-in",), volunteer_page),
        ("activities.sign_up", "POST"): ((f"/activities/{activity}/sign-up",), {**only(VOLUNTEERS, 302), ANON: 302}),
        ("activities.cancel", "POST"): ((f"/activities/{activity}/cancel",), {who: 302 for who in WHO}),
        ("activities.record_check_in", "POST"): ((f"/activities/{activity}/check-in", {"data": {}}),
                                                 {**only(VOLUNTEERS, 302), ANON: 302}),
        ("activities.check_out", "POST"): ((f"/activities/{activity}/check-out",), {who: 302 for who in WHO}),
        ("activities.back_to_activity", "GET"): ((f"/activities/{activity}/sign-up",), {who: 302 for who in WHO}),
        ("api.activity_sign_up", "POST"): ((f"/api/v1/activities/{activity}/sign-up",), only(VOLUNTEERS, 200)),
        ("api.activity_cancel", "DELETE"): ((f"/api/v1/activities/{activity}/sign-up",), only(VOLUNTEERS, 200, 404)),
        ("api.activity_check_in", "POST"): ((f"/api/v1/activities/{activity}/check-in",
                                             {"json": {"code": check_in_code}}), only(VOLUNTEERS, 200)),
        ("api.activity_check_out", "POST"): ((f"/api/v1/activities/{activity}/check-out",),
                                             only(VOLUNTEERS, 200, 409)),
        # Last: these change who the demo people are.
        ("roster.approve", "POST"): ((f"/roster/people/{resident}/approve{q}", {"data": {}}), acted),
        ("roster.deactivate", "POST"): ((f"/roster/people/{steward}/deactivate{q}",), acted),
        ("roster.reactivate", "POST"): ((f"/roster/people/{steward}/reactivate{q}",), acted),
    }


UNCHECKED = {"static", "leaflet.static"}  # files, the same for everyone


@pytest.fixture
def world(app):
    load_demo()
    alley = db.session.scalars(db.select(Alley).order_by(Alley.id)).first()
    code = create_invitation(None, alley.street_id, Role.STEWARD, max_uses=50).code
    lon, lat = on_alley(alley)
    resident = db.session.scalar(db.select(User).where(User.username == "demo_resident"))
    report, _ = file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat, photos=[jpeg()]))
    chief = db.session.scalar(db.select(User).where(User.username == "demo_chief"))
    register_shop(chief, alley.street_id, ShopInput(name="老北京炸酱面", lon=lon, lat=lat))
    return alley.id, code, alley.street_id, report.id, lon, lat, roster_world(alley.street_id, lon, lat)


def roster_world(street_id, lon, lat) -> dict:
    """A team, a post and an activity (check-in open now) in the demo street, by its organizer."""
    people = {u.username: u for u in db.session.scalars(db.select(User).where(User.username.like("demo_%")))}
    organizer = people["demo_organizer"]
    starts = clock.now() + timedelta(minutes=10)
    activity = schedule_activity(organizer, street_id, title="清理楼道", place="胡同口", lon=lon, lat=lat,
                                 starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20)
    return {"team": create_team(organizer, street_id, "一队").id, "post": create_post(organizer, street_id, "调解员").id,
            "activity": activity.id, "check_in_code": activity.check_in_code, "steward": people["demo_steward"].id,
            "resident": people["demo_resident"].id,
            "alley": db.session.scalars(db.select(Alley.id).where(Alley.street_id == street_id).order_by(Alley.id)).first()}


def test_every_route_is_in_the_walk(app, world):
    table = routes(*world)
    present = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
               for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint not in UNCHECKED}
    assert present - set(table) == set(), "add the new routes to tests/web/test_route_policies.py"


@pytest.mark.parametrize("who", WHO)
def test_each_role_gets_what_its_policies_allow(app, world, who):
    app.test_client_class = FlaskLoginClient
    user = None if who == ANON else db.session.scalar(db.select(User).where(User.username == f"demo_{who}"))
    present = {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods}
    wrong = []
    for (endpoint, method), (request, expected) in routes(*world).items():
        if (endpoint, method) not in present:
            continue
        client = app.test_client(user=user)
        path, options = request[0], (request[1] if len(request) > 1 else {})
        status = client.open(path, method=method, **options).status_code
        if status != expected[who]:
            wrong.append(f"{method} {path}: {status}, expected {expected[who]}")
    assert not wrong, f"{who}: " + "; ".join(wrong)

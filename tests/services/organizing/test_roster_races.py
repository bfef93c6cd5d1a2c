"""The roster's limits under simultaneous requests, as the claim limits are: two teams or posts for a
volunteer at the limit, or two volunteers for an activity's last place, give exactly one winner."""
from datetime import timedelta

from tests.factories import demo_street, make_user
from tests.support.race import race
from webapp import clock
from webapp.extensions import db
from webapp.models import Activity, Attendance, PostHolding, Role, TeamMembership, User
from webapp.services.organizing.activities import schedule_activity, sign_up
from webapp.services.organizing.teams import add_to_team, create_post, create_team, take_post


def organizer_and_volunteer():
    home = demo_street()
    return home, make_user(Role.ORGANIZER, home, "组织者"), make_user(Role.OLD_NEIGHBOUR, home, "老街坊")


def test_a_volunteer_at_the_team_limit_joins_one_of_two_teams_at_once(app, database_url):
    home, organizer, volunteer = organizer_and_volunteer()
    add_to_team(organizer, create_team(organizer, home.id, "一队").id, volunteer.id)
    teams = [create_team(organizer, home.id, name).id for name in ("二队", "三队")]
    ids = (organizer.id, volunteer.id)

    def join(team_id):
        return lambda: add_to_team(db.session.get(User, ids[0]), team_id, ids[1])

    assert race(database_url, [join(t) for t in teams]) == ["limit_reached", "won"]
    assert db.session.get(User, volunteer.id).open_teams == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(TeamMembership)) == 2


def test_a_volunteer_at_the_post_limit_takes_one_of_two_posts_at_once(app, database_url):
    home, organizer, volunteer = organizer_and_volunteer()
    take_post(organizer, create_post(organizer, home.id, "宣传员").id, volunteer.id)
    posts = [create_post(organizer, home.id, name).id for name in ("调解员", "应急员")]
    ids = (organizer.id, volunteer.id)

    def take(post_id):
        return lambda: take_post(db.session.get(User, ids[0]), post_id, ids[1])

    assert race(database_url, [take(p) for p in posts]) == ["limit_reached", "won"]
    assert db.session.get(User, volunteer.id).open_posts == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(PostHolding)) == 2


def test_two_volunteers_for_the_last_place_of_an_activity_give_one_winner(app, database_url):
    home, organizer, _volunteer = organizer_and_volunteer()
    start = clock.now() + timedelta(days=1)
    activity = schedule_activity(organizer, home.id, title="清理楼道", place="社区活动室", lon=116.4035,
                                 lat=39.9330, starts_at=start, ends_at=start + timedelta(hours=2), capacity=1)
    racers = [make_user(Role.OLD_NEIGHBOUR, home, f"报名{i}").id for i in range(2)]
    activity_id = activity.id

    def join(user_id):
        return lambda: sign_up(db.session.get(User, user_id), activity_id)

    assert race(database_url, [join(uid) for uid in racers]) == ["activity_full", "won"]
    assert db.session.get(Activity, activity_id).signed_up == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 1

"""Teams and service posts of a street: organizers create them and put volunteers in; a volunteer holds 1 to
TEAMS_PER_VOLUNTEER teams and 1 to POSTS_PER_VOLUNTEER posts. The upper limits hold under concurrent requests
(conditional updates on the volunteer's counters, as for claims); leaving keeps the row as history."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from webapp.errors import AlreadyMember, BadRequest, Conflict, Forbidden, LimitReached, NotFound
from webapp.extensions import db
from webapp.models import Alley, PostHolding, ServicePost, Team, TeamMembership, User
from webapp.models.places import utcnow
from webapp.policies import can_manage_roster, is_volunteer_of


def _get(model, row_id: int, message):
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(message)
    return row


def _name(name: str, longest: int) -> str:
    name = (name or "").strip()
    if not name or len(name) > longest:
        raise BadRequest(_l("A name of 1 to %(n)s characters is needed.", n=longest))
    return name


def _commit_new(row, duplicate_message):
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(duplicate_message)
    return row


# --- teams ------------------------------------------------------------------------------------------------

def create_team(organizer: User, street_id: int, name: str, alley_ids=()) -> Team:
    if not can_manage_roster(organizer, street_id):
        raise Forbidden()
    team = Team(street_id=street_id, name=_name(name, 60), alleys=_alleys_of_street(street_id, alley_ids))
    return _commit_new(team, _l("This street already has a team of that name."))


def set_team_alleys(organizer: User, team_id: int, alley_ids) -> Team:
    team = _get(Team, team_id, _l("No such team."))
    if not can_manage_roster(organizer, team.street_id):
        raise Forbidden()
    team.alleys = _alleys_of_street(team.street_id, alley_ids)
    db.session.commit()
    return team


def _alleys_of_street(street_id: int, alley_ids) -> list[Alley]:
    ids = {int(i) for i in alley_ids}
    alleys = db.session.scalars(db.select(Alley).where(Alley.id.in_(ids), Alley.street_id == street_id)).all()
    if len(alleys) != len(ids):
        raise BadRequest(_l("Every alley must belong to the team's street."))
    return list(alleys)


def add_to_team(organizer: User, team_id: int, user_id: int, leader: bool = False) -> TeamMembership:
    team = _get(Team, team_id, _l("No such team."))
    if not can_manage_roster(organizer, team.street_id):
        raise Forbidden()
    member = _volunteer(user_id, team.street_id)
    if _find_open(TeamMembership, TeamMembership.team_id == team.id, member.id):
        raise AlreadyMember()
    return _hold(member, User.open_teams, "TEAMS_PER_VOLUNTEER",
                 TeamMembership(team_id=team.id, user_id=member.id, is_leader=leader),
                 _l("%(name)s is already in %(n)s teams, the most a volunteer may join.", name=member.display_name,
                    n=current_app.config["TEAMS_PER_VOLUNTEER"]))


def set_team_leader(organizer: User, team_id: int, user_id: int, leader: bool) -> TeamMembership:
    membership = _open_membership(team_id, user_id)
    if not can_manage_roster(organizer, membership.team.street_id):
        raise Forbidden()
    membership.is_leader = leader
    db.session.commit()
    return membership


def remove_from_team(organizer: User, team_id: int, user_id: int) -> TeamMembership:
    membership = _open_membership(team_id, user_id)
    if not can_manage_roster(organizer, membership.team.street_id):
        raise Forbidden()
    return _release(membership, TeamMembership, User.open_teams, user_id)


def _open_membership(team_id: int, user_id: int) -> TeamMembership:
    membership = _find_open(TeamMembership, TeamMembership.team_id == team_id, user_id)
    if membership is None:
        raise NotFound(_l("This volunteer is not in that team."))
    return membership


# --- service posts ------------------------------------------------------------------------------------------

def create_post(organizer: User, street_id: int, name: str, duties: str = "") -> ServicePost:
    if not can_manage_roster(organizer, street_id):
        raise Forbidden()
    post = ServicePost(street_id=street_id, name=_name(name, 40), duties=(duties or "").strip()[:300])
    return _commit_new(post, _l("This street already has a post of that name."))


def take_post(actor: User, post_id: int, user_id: int) -> PostHolding:
    """An organizer assigns a post, or a volunteer of the street takes one for themselves."""
    post = _get(ServicePost, post_id, _l("No such post."))
    if not (can_manage_roster(actor, post.street_id) or actor.id == user_id):
        raise Forbidden()
    holder = _volunteer(user_id, post.street_id)
    if _find_open(PostHolding, PostHolding.post_id == post.id, holder.id):
        raise AlreadyMember()
    return _hold(holder, User.open_posts, "POSTS_PER_VOLUNTEER", PostHolding(post_id=post.id, user_id=holder.id),
                 _l("%(name)s already holds %(n)s posts, the most a volunteer may take.", name=holder.display_name,
                    n=current_app.config["POSTS_PER_VOLUNTEER"]))


def leave_post(actor: User, post_id: int, user_id: int) -> PostHolding:
    holding = _find_open(PostHolding, PostHolding.post_id == post_id, user_id)
    if holding is None:
        raise NotFound(_l("This volunteer does not hold that post."))
    if not (can_manage_roster(actor, holding.post.street_id) or actor.id == user_id):
        raise Forbidden()
    return _release(holding, PostHolding, User.open_posts, user_id)


# --- shared: the limit, the history --------------------------------------------------------------------

def _volunteer(user_id: int, street_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not is_volunteer_of(user, street_id):
        raise BadRequest(_l("Only the street's stewards and Old Neighbours can be put in its teams and posts."))
    if not user.active:
        raise Conflict(_l("This volunteer's account is deactivated."))
    return user


def _find_open(model, of, user_id: int):
    """The user's open membership (or holding) of one team (or post)."""
    return db.session.scalar(db.select(model).where(of, model.user_id == user_id, model.left_at.is_(None)))


def _hold(user: User, counter, setting: str, row, limit_message):
    """Insert the membership or holding if the user's counter is below the setting, both in one transaction."""
    try:
        within_limit = db.session.execute(
            update(User).where(User.id == user.id, counter < current_app.config[setting])
            .values({counter.key: counter + 1})).rowcount
        if not within_limit:
            raise LimitReached(limit_message)
        db.session.add(row)
        db.session.commit()
    except IntegrityError:  # already in it (the open-row unique index)
        db.session.rollback()
        raise AlreadyMember()
    except Exception:
        db.session.rollback()
        raise
    return row


def _release(row, model, counter, user_id: int):
    try:
        closed = db.session.execute(update(model).where(model.id == row.id, model.left_at.is_(None))
                                    .values(left_at=utcnow())).rowcount
        if closed:
            db.session.execute(update(User).where(User.id == user_id, counter > 0).values({counter.key: counter - 1}))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(row)
    return row

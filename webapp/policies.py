"""Who may do what: one can_<verb>_<noun>(user, ...) -> bool per action, used by every route."""
from webapp.models import Role

VOLUNTEER = (Role.STEWARD, Role.OLD_NEIGHBOUR)
# Roles an organizer may hand out through an invitation (admins are made on the command line).
INVITABLE = (Role.STEWARD, Role.OLD_NEIGHBOUR, Role.CHIEF, Role.OFFICER, Role.ORGANIZER, Role.RESIDENT,
             Role.COMMUNITY_WORKER)


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _has(user, roles, street_id) -> bool:
    return _signed_in(user) and any(user.has_role(role, street_id) for role in roles)


def is_admin(user) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def can_view_map(user, street=None) -> bool:
    # Street boundaries and alley centrelines are public information: anyone may see the map.
    return True


def can_view_account(user) -> bool:
    return _signed_in(user)


def can_view_display_settings(user) -> bool:
    # Text size and contrast are for everyone; signed out they are kept on the device only.
    return True


def can_change_display_settings(user) -> bool:
    """Saving them with an account needs one; the device keeps its own without."""
    return _signed_in(user)


def can_change_password(user) -> bool:
    return _signed_in(user)


def can_claim_alley(user, alley) -> bool:
    """Stewards and Old Neighbours claim alleys of their own street."""
    return _has(user, VOLUNTEER, alley.street_id)


def can_leave_alley(user, claim) -> bool:
    return _signed_in(user) and (claim.user_id == user.id or _has(user, (Role.ORGANIZER,), claim.alley.street_id)
                                 or is_admin(user))


def can_record_patrol(user, alley, holds_claim: bool) -> bool:
    """A patrol starts from an alley the volunteer has claimed."""
    return _has(user, VOLUNTEER, alley.street_id) and holds_claim


def can_create_invitation(user, street_id: int, role: Role) -> bool:
    return role in INVITABLE and (_has(user, (Role.ORGANIZER,), street_id) or is_admin(user))


def can_submit_report(user, street_id: int) -> bool:
    """Anyone with a role in the street (resident, steward, Old Neighbour, chief, ...) reports there; a partner
    system (Open311) files cases in every street."""
    return _signed_in(user) and (any(g.street_id == street_id for g in user.grants) or is_admin(user)
                                 or is_partner(user))


def is_partner(user) -> bool:
    return _signed_in(user) and bool(getattr(user, "is_partner", False))


def can_see_partner_contact(user, report) -> bool:
    """The resident a partner (12345) passed on is called back by the street chief: only the chief (and admins)
    see their name, phone and email, not the stewards or departments who see the rest of the case."""
    return _has(user, (Role.CHIEF,), report.street_id) or is_admin(user)


def can_post_partner_update(user, report=None, holds_claim: bool = False) -> bool:
    """A partner system adds its updates (servicerequestupdates) to any case; the chief decides what follows."""
    return is_partner(user)


def can_follow_report(user, report) -> bool:
    """ "Me too" is for someone else's report in one's own street."""
    return can_submit_report(user, report.street_id) and report.reporter_id != user.id


def can_see_reporter_details(user, report, holds_claim: bool = False) -> bool:
    """The public sees a report without its reporter. The reporter, the alley's stewards (holds_claim),
    the street chief and the officers of the departments assigned to it see it in full."""
    return _signed_in(user) and (report.reporter_id == user.id or _is_alley_steward(user, report, holds_claim)
                                 or _has(user, (Role.CHIEF,), report.street_id)
                                 or _is_assigned_officer(user, report) or _works_where(user, report)
                                 or is_admin(user))


def can_handle_on_spot(user, report, holds_claim: bool) -> bool:
    """劝导: a steward who holds the report's alley settles it there and then."""
    return _is_alley_steward(user, report, holds_claim)


def can_escalate_report(user, report, holds_claim: bool) -> bool:
    """The alley's stewards pass a report up to the street chief; a reporter who is no steward does it directly."""
    return _signed_in(user) and (_is_alley_steward(user, report, holds_claim) or report.reporter_id == user.id
                                 or is_admin(user))


def can_edit_categories(user) -> bool:
    return _signed_in(user) and (any(g.role is Role.ORGANIZER for g in user.grants) or is_admin(user))


def _is_alley_steward(user, report, holds_claim: bool) -> bool:
    return holds_claim and report.alley_id is not None and _has(user, VOLUNTEER, report.street_id)


def community_ids_of(user, street_id: int | None = None) -> set[int]:
    """The communities (社区) the user works for as a community worker (in one street, or in any)."""
    if not _signed_in(user):
        return set()
    return {g.community_id for g in user.grants if g.role is Role.COMMUNITY_WORKER and g.community_id is not None
            and (street_id is None or g.street_id == street_id)}


def _works_where(user, report) -> bool:
    """A worker of the community the case lies in, or of the one holding it."""
    mine = community_ids_of(user, report.street_id)
    return bool(mine) and (report.community_id in mine or report.held_by_community_id in mine)


def can_act_for_community(user, report, holds_claim: bool = False) -> bool:
    """A worker of the community holding the case resolves it, handles it on the spot or passes it up."""
    return report.held_by_community_id is not None and \
        report.held_by_community_id in community_ids_of(user, report.street_id)


def can_pull_up_report(user, report, holds_claim: bool = False) -> bool:
    """The street chief may take a case a community holds into their own queue (大事不出街道)."""
    return report.held_by_community_id is not None and can_triage_report(user, report)


def can_view_community_queue(user) -> bool:
    """Community workers see their community's queue; chiefs and admins look at every community's."""
    return bool(community_ids_of(user)) or can_view_triage(user)


def can_manage_communities(user, street_id: int) -> bool:
    """The street's organizers (and admins) draw or import its communities and appoint their workers."""
    return can_manage_roster(user, street_id)


def can_triage_report(user, report, holds_claim: bool = False) -> bool:
    """The street chief (街巷长) of the report's street takes, whistles, resolves, rejects and merges cases."""
    return _has(user, (Role.CHIEF,), report.street_id) or is_admin(user)


def can_act_for_department(user, report, holds_claim: bool = False) -> bool:
    """An officer of a department whistled to this case reports on site, adds notes and finishes its part."""
    mine = officer_department_ids(user, report.street_id)
    return bool(mine) and any(w.is_active and w.department_id in mine for w in report.whistles)


def can_give_verdict(user, report, holds_claim: bool = False) -> bool:
    """The reporter, and those who said "me too", say whether they are satisfied with a resolution."""
    return _signed_in(user) and (report.reporter_id == user.id
                                 or any(f.user_id == user.id for f in report.followers))


def can_view_triage(user) -> bool:
    return _signed_in(user) and (any(g.role is Role.CHIEF for g in user.grants) or is_admin(user))


def can_view_performance(user, street_id: int | None) -> bool:
    """A street's chiefs and organizers see its performance (and, as the city publishes them, every street's
    rates in the district's ranking); only admins see every street's cases at once (None)."""
    if street_id is None:
        return is_admin(user)
    return _has(user, (Role.CHIEF, Role.ORGANIZER), street_id) or is_admin(user)


def performance_street_ids(user) -> set[int] | None:
    """The streets whose performance the user may see; None: every street."""
    if is_admin(user):
        return None
    if not _signed_in(user):
        return set()
    return {g.street_id for g in user.grants if g.role in (Role.CHIEF, Role.ORGANIZER) and g.street_id is not None}


def can_view_department_work(user) -> bool:
    return _signed_in(user) and any(g.role is Role.OFFICER for g in user.grants)


def is_system(user, report=None, holds_claim: bool = False) -> bool:
    """Steps no person takes (closing a case nobody rated in time)."""
    return user is None


def officer_department_ids(user, street_id: int) -> set[int]:
    if not _signed_in(user):
        return set()
    return {g.department_id for g in user.grants if g.role is Role.OFFICER and g.street_id == street_id}


def _is_assigned_officer(user, report) -> bool:
    """Officers of a department whistled to the case (now or before) see it in full."""
    mine = officer_department_ids(user, report.street_id)
    return bool(mine) and any(w.department_id in mine for w in report.whistles)


def is_volunteer_of(user, street_id: int) -> bool:
    """A steward or Old Neighbour of the street."""
    return _has(user, VOLUNTEER, street_id)


def can_manage_roster(user, street_id: int) -> bool:
    """Organizers run their own street's teams, posts, activities and volunteers; admins every street's."""
    return _has(user, (Role.ORGANIZER,), street_id) or is_admin(user)


def can_manage_roster_anywhere(user) -> bool:
    """Organizers (of some street) and admins see the Volunteers pages."""
    return _signed_in(user) and (is_admin(user) or any(g.role is Role.ORGANIZER for g in user.grants))


def can_assign_alley_chief(user, street_id: int) -> bool:
    """The street's organizer (and admins) decides which of its chiefs answers for which alley."""
    return _has(user, (Role.ORGANIZER,), street_id) or is_admin(user)


def can_attend_activity(user, activity, team_member: bool) -> bool:
    """The street's volunteers sign up for its open activities; a team's activity is for its members."""
    return is_volunteer_of(user, activity.street_id) and (activity.team_id is None or team_member)


def can_score_department(user, report) -> bool:
    """评价权: the chief of the case's street scores each whistled department's part (not admins: the score is
    the street's word on the departments that served it)."""
    return _has(user, (Role.CHIEF,), report.street_id)


def can_view_department_scores(user) -> bool:
    """A department's officers see their own department's scores (department_scores.scores_for_officer keeps
    them to it)."""
    return can_view_department_work(user)


def can_view_scorecard(user, street_id: int) -> bool:
    """The monthly scorecard of a street's departments (考核): its chiefs, organizers and admins, as its rates."""
    return can_view_performance(user, street_id)


def can_manage_shops(user, street_id: int) -> bool:
    """门前三包: the street's organizers and chiefs keep its registry of shopfronts."""
    return _has(user, (Role.ORGANIZER, Role.CHIEF), street_id) or is_admin(user)


def can_check_frontage(user, shop, holds_claim: bool) -> bool:
    """A steward or Old Neighbour checks the shops of an alley they look after."""
    return _has(user, VOLUNTEER, shop.street_id) and holds_claim


def can_view_frontage_breaches(user, street_id: int) -> bool:
    """The street's organizers and chiefs see (and export) the shops' repeat breaches."""
    return _has(user, (Role.ORGANIZER, Role.CHIEF), street_id) or is_admin(user)

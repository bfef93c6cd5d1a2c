"""A community's queue (小事不出社区): the cases its community holds, oldest first, for its workers on a phone or a
tablet; the street chief looks at every community of their streets from the same page and may pull a case up."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.errors import Forbidden, NotFound
from webapp.extensions import db
from webapp.labels import SHORT_STATUS_LABELS
from webapp.models import COMMUNITY_QUEUE, Community, Report, User
from webapp.models.reports import as_utc
from webapp.policies import can_view_community_queue, community_ids_of, is_admin
from webapp.services.cases.transitions import allowed_steps
from webapp.services.cases.triage import age_text, chief_street_ids
from webapp.services.performance.dashboard import Period, Scope, totals
from webapp.services.performance.rates import Rates

RATES_DAYS = 30  # the community's rates on its queue page: the last 30 days, as the dashboard's default

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class CommunityCase:
    id: int
    category_name: str
    alley_name: str | None
    description: str
    status: str
    status_label: str
    created_at: datetime
    age_text: str
    community: str
    actions: tuple[str, ...]  # the steps the viewer may take here (Step values)


@dataclass(frozen=True)
class QueuePage:
    community: Community
    communities: list[Community]  # those the viewer may open
    cases: list[CommunityCase]
    rates: Rates  # the community's, over the last RATES_DAYS days
    held: dict[int, int]  # cases held now per community id


def queue_page(user: User, community_id: int | None) -> QueuePage:
    """Everything the community queue page shows for this user."""
    community = community_for_queue(user, community_id)
    communities = viewable_communities(user)
    now = clock.now()
    rates = totals(Scope((community.street_id,), community_id=community.id), Period.last(RATES_DAYS, clock.today()),
                   now)
    return QueuePage(community, communities, community_cases(user, community, now), rates,
                     held_counts({c.street_id for c in communities}))


def viewable_communities(user: User) -> list[Community]:
    """The communities whose queue the user may open: their own as a worker, every one of a chief's streets."""
    if not can_view_community_queue(user):
        raise Forbidden()
    query = db.select(Community).order_by(Community.street_id, Community.name)
    if not is_admin(user):
        own, streets = community_ids_of(user), chief_street_ids(user) or set()
        query = query.where(Community.id.in_(own or {-1}) | Community.street_id.in_(streets or {-1}))
    return list(db.session.scalars(query))


def community_for_queue(user: User, community_id: int | None) -> Community:
    """The community the page shows: the one asked for, if the user may see it, else their first."""
    viewable = viewable_communities(user)
    if not viewable:
        raise NotFound(_l("Your street has no communities yet."))
    if community_id is None:
        own = community_ids_of(user)
        return next((c for c in viewable if c.id in own), viewable[0])
    found = next((c for c in viewable if c.id == community_id), None)
    if found is None:
        raise Forbidden()
    return found


def community_cases(user: User, community: Community, now: datetime | None = None,
                    limit: int = QUEUE_LIMIT) -> list[CommunityCase]:
    """The cases the community holds (open ones and those waiting for the reporter's verdict), oldest first."""
    now = now or clock.now()
    locale = get_locale() or "zh_Hans"
    reports = db.session.scalars(
        db.select(Report).where(Report.held_by_community_id == community.id, Report.status.in_(COMMUNITY_QUEUE))
        .options(joinedload(Report.category), joinedload(Report.alley))
        .order_by(Report.created_at, Report.id).limit(limit))
    return [CommunityCase(r.id, r.category.name_for(locale), r.alley.name if r.alley else None, r.description,
                          r.status.value, str(SHORT_STATUS_LABELS[r.status]), as_utc(r.created_at),
                          age_text(int((now - as_utc(r.created_at)).total_seconds() // 60)), community.name,
                          tuple(step.value for step in allowed_steps(user, r, False)))
            for r in reports]


def held_counts(street_ids: set[int] | None) -> dict[int, int]:
    """How many cases each community of these streets (None: every street) holds now: the chief's hint."""
    query = (db.select(Report.held_by_community_id, func.count()).where(Report.held_by_community_id.is_not(None),
                                                                       Report.status.in_(COMMUNITY_QUEUE))
             .group_by(Report.held_by_community_id))
    if street_ids is not None:
        query = query.where(Report.street_id.in_(street_ids or {-1}))
    return dict(db.session.execute(query).all())

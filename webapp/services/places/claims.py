"""Claiming and leaving alleys, with limits the database enforces under concurrent requests."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from webapp.errors import AlleyFull, AlreadyClaimed, ClaimLimitReached, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import Alley, Claim, User
from webapp.models.places import utcnow
from webapp.policies import can_claim_alley, can_leave_alley, can_record_patrol
from webapp.services.places.alley_state import count_open_reports, last_patrol_at, open_claim
from webapp.services.places.alleys import claim_state


def _alley(alley_id: int) -> Alley:
    alley = db.session.get(Alley, alley_id)
    if alley is None:
        raise NotFound(_l("No such alley."))
    return alley


def claim_alley(user: User, alley_id: int) -> Claim:
    """Take a place in the alley's team. Conditional updates on the two counters make the limits
    hold when requests race: the database lets exactly as many through as there are places."""
    alley = _alley(alley_id)
    if not can_claim_alley(user, alley):
        raise Forbidden(_l("Only stewards and Old Neighbours of this alley's street can claim it."))
    if open_claim(user.id, alley.id):
        raise AlreadyClaimed()
    settings = current_app.config
    try:
        took_place = db.session.execute(
            update(Alley).where(Alley.id == alley.id, Alley.steward_count < settings["STEWARDS_PER_ALLEY"])
            .values(steward_count=Alley.steward_count + 1)).rowcount
        if not took_place:
            raise AlleyFull()
        within_limit = db.session.execute(
            update(User).where(User.id == user.id, User.open_claims < settings["CLAIMS_PER_VOLUNTEER"])
            .values(open_claims=User.open_claims + 1)).rowcount
        if not within_limit:
            raise ClaimLimitReached()
        claim = Claim(user_id=user.id, alley_id=alley.id)
        db.session.add(claim)
        db.session.commit()
    except IntegrityError:  # the same volunteer's second request lost the race
        db.session.rollback()
        raise AlreadyClaimed()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(alley)
    return claim


def leave_alley(user: User, alley_id: int) -> Claim:
    """Give up a place; the claim stays, closed, as the history of who held the alley and when."""
    alley = _alley(alley_id)
    claim = open_claim(user.id, alley.id)
    if claim is None:
        raise NotFound(_l("You do not look after this alley."))
    if not can_leave_alley(user, claim):
        raise Forbidden()
    try:
        closed = db.session.execute(update(Claim).where(Claim.id == claim.id, Claim.left_at.is_(None))
                                    .values(left_at=utcnow())).rowcount
        if not closed:  # a parallel request already left
            raise NotFound(_l("You do not look after this alley."))
        db.session.execute(update(Alley).where(Alley.id == alley.id, Alley.steward_count > 0)
                           .values(steward_count=Alley.steward_count - 1))
        db.session.execute(update(User).where(User.id == user.id, User.open_claims > 0)
                           .values(open_claims=User.open_claims - 1))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(claim)
    return claim


def my_alleys(user: User) -> list[Claim]:
    return db.session.scalars(db.select(Claim).where(Claim.user_id == user.id, Claim.left_at.is_(None))
                              .order_by(Claim.claimed_at)).all()


def claimed_alley_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(db.select(Claim.alley_id).where(Claim.user_id == user.id,
                                                                  Claim.left_at.is_(None))))


def stewards_of(alley_id: int) -> list[str]:
    return list(db.session.scalars(db.select(User.display_name).join(Claim, Claim.user_id == User.id)
                                   .where(Claim.alley_id == alley_id, Claim.left_at.is_(None))
                                   .order_by(Claim.claimed_at)))


def alley_for_volunteer(alley: Alley, user) -> dict:
    """What the alley's sheet shows one user: its team, last patrol and what they may do."""
    signed_in = getattr(user, "is_authenticated", False)
    mine = signed_in and open_claim(user.id, alley.id) is not None
    last = last_patrol_at(alley.id)
    return {
        "stewards": stewards_of(alley.id),
        "open_reports": count_open_reports(alley.id),
        "last_patrol_at": last.isoformat() if last else None,
        "claim": claim_state(alley.id, alley.steward_count, {alley.id} if mine else set()),
        "max_stewards": current_app.config["STEWARDS_PER_ALLEY"],
        "can_claim": bool(signed_in and not mine and can_claim_alley(user, alley)),
        "can_patrol": bool(signed_in and can_record_patrol(user, alley, holds_claim=mine)),
    }

"""Coverage gaps of one street, for its organizer: alleys nobody has claimed, claimed alleys nobody has patrolled
within PATROL_GAP_DAYS, alleys without a chief of their own (街巷长), and volunteers who have done nothing for INACTIVE_DAYS (with their phone numbers)."""
import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from geo import queries
from webapp.extensions import db
from webapp.models import Alley, Claim, Patrol, RoleGrant, User
from webapp.models.people import VOLUNTEER_ROLES
from webapp.models.reports import as_utc
from webapp.services.places.chiefs import alleys_without_chief
from webapp.services.volunteers.hours import last_active

UNCLAIMED, UNPATROLLED, COVERED = "unclaimed", "unpatrolled", "covered"
GAPS = (UNCLAIMED, UNPATROLLED, COVERED)
WORLD = (-180.0, -90.0, 180.0, 90.0)  # every alley of the street, through the same query as the map's


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def _days(now: datetime, moment: datetime | None) -> int | None:
    """Whole days since then (None: never)."""
    return (now - moment).days if moment is not None else None


def coverage_gaps(street_id: int, now: datetime) -> dict:
    """The street's gaps as JSON-ready data: lists, counts and a GeoJSON FeatureCollection of every alley with
    its "gap" (unclaimed | unpatrolled | covered). A handful of grouped queries, whatever the number of alleys."""
    settings = current_app.config
    gap_days, inactive_days = settings["PATROL_GAP_DAYS"], settings["INACTIVE_DAYS"]
    patrolled_since = now - timedelta(days=gap_days)

    alleys = queries.alleys_in_bbox(db.session, WORLD, street_id=street_id)
    stewards: dict[int, list[dict]] = {}
    for alley_id, user_id, name, phone in db.session.execute(
            select(Claim.alley_id, User.id, User.display_name, User.phone)
            .join(User, User.id == Claim.user_id).join(Alley, Alley.id == Claim.alley_id)
            .where(Alley.street_id == street_id, Claim.left_at.is_(None)).order_by(Claim.claimed_at, Claim.id)):
        stewards.setdefault(alley_id, []).append({"id": user_id, "name": name, "phone": phone})
    last_covered = {alley_id: as_utc(at) for alley_id, at in db.session.execute(
        select(Patrol.alley_id, func.max(Patrol.finished_at)).join(Alley, Alley.id == Patrol.alley_id)
        .where(Alley.street_id == street_id, Patrol.covered.is_(True)).group_by(Patrol.alley_id))}

    features, unclaimed, unpatrolled = [], [], []
    for alley_id, name, _street, length_m, _count, geometry in alleys:
        held_by, last = stewards.get(alley_id, []), last_covered.get(alley_id)
        if not held_by:
            gap = UNCLAIMED
            unclaimed.append({"id": alley_id, "name": name, "length_m": round(length_m, 1)})
        elif last is None or last < patrolled_since:
            gap = UNPATROLLED
            unpatrolled.append({"id": alley_id, "name": name, "stewards": [s["name"] for s in held_by],
                                "contacts": held_by, "last_patrol_at": _iso(last), "days": _days(now, last)})
        else:
            gap = COVERED
        features.append({"type": "Feature", "id": alley_id, "geometry": json.loads(geometry),
                         "properties": {"name": name, "length_m": round(length_m, 1), "gap": gap,
                                        "stewards": len(held_by), "last_patrol_at": _iso(last)}})
    unclaimed.sort(key=lambda a: a["name"])
    # The longest neglected first; never patrolled before all.
    unpatrolled.sort(key=lambda a: (a["last_patrol_at"] or "", a["name"]))

    volunteers = _volunteers(street_id)
    idle_since = now - timedelta(days=inactive_days)
    inactive = [v for v in volunteers if v["last_active_at"] is None or v["last_active_at"] < idle_since]
    inactive.sort(key=lambda v: (v["last_active_at"] is not None, v["last_active_at"] or now, v["name"]))  # never first
    inactive = [{**v, "last_active_at": _iso(v["last_active_at"]), "days": _days(now, v["last_active_at"]),
                 "joined_at": _iso(v["joined_at"])} for v in inactive]

    no_chief = [{"id": alley_id, "name": name} for alley_id, name in alleys_without_chief(street_id)]

    counts = {"alleys": len(features), UNCLAIMED: len(unclaimed), UNPATROLLED: len(unpatrolled),
              COVERED: len(features) - len(unclaimed) - len(unpatrolled),
              "volunteers": len(volunteers), "inactive": len(inactive), "no_chief": len(no_chief)}
    return {"street_id": street_id, "as_of": now.isoformat(), "patrol_gap_days": gap_days,
            "inactive_days": inactive_days, "counts": counts, "unclaimed": unclaimed, "unpatrolled": unpatrolled,
            "inactive": inactive, "no_chief": no_chief, "geojson": {"type": "FeatureCollection", "features": features}}


def _volunteers(street_id: int) -> list[dict]:
    """The street's stewards and Old Neighbours with active accounts, each with the last time they did
    anything (volunteer_hours.last_active: anywhere, as the account is what an organizer would deactivate)."""
    people = db.session.execute(
        select(User.id, User.display_name, User.phone, func.min(RoleGrant.granted_at))
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.street_id == street_id, RoleGrant.role.in_(list(VOLUNTEER_ROLES)), User.active.is_(True))
        .group_by(User.id, User.display_name, User.phone)).all()
    last = last_active([uid for uid, *_rest in people])
    return [{"id": uid, "name": name, "phone": phone, "last_active_at": last[uid],
             "joined_at": as_utc(joined) if joined else None} for uid, name, phone, joined in people]

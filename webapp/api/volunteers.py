"""Volunteers' API: claim and leave alleys, my alleys, the patrol checklist, finished patrols and what they found."""
import uuid
from dataclasses import asdict
from datetime import datetime, timezone

from flask import jsonify, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from geo.tracks import Fix
from webapp import clock
from webapp.api.blueprint import bp
from webapp.errors import BadRequest
from webapp.labels import CHECKLIST_LABELS, status_label
from webapp.models import CHECKLIST_ITEMS
from webapp.periods import chosen_period
from webapp.services.cases import findings
from webapp.services.cases.categories import checklist_categories
from webapp.services.places import alley_state, claims, patrols
from webapp.services.places import alleys as places


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@bp.post("/alleys/<int:alley_id>/claim")
@login_required
def claim(alley_id: int):
    taken = claims.claim_alley(current_user, alley_id)
    return jsonify({"alley_id": alley_id, "claimed_at": _iso(taken.claimed_at),
                    "steward_count": taken.alley.steward_count}), 201


@bp.delete("/alleys/<int:alley_id>/claim")
@login_required
def leave(alley_id: int):
    left = claims.leave_alley(current_user, alley_id)
    return jsonify({"alley_id": alley_id, "left_at": _iso(left.left_at)})


@bp.get("/me/alleys")
@login_required
def my_alleys():
    held = claims.my_alleys(current_user)
    extents = places.alley_extents([c.alley_id for c in held])
    return jsonify({"alleys": [
        {"id": c.alley.id, "name": c.alley.name, "length_m": c.alley.length_m, "street_id": c.alley.street_id,
         "claimed_at": _iso(c.claimed_at), "last_patrol_at": _iso(alley_state.last_patrol_at(c.alley_id)),
         "bbox": extents.get(c.alley_id)}
        for c in held]})


@bp.get("/patrols/checklist")
def checklist():
    """The items, each with the category a problem ticked there is reported in (None: the reporter chooses)."""
    categories = checklist_categories()
    return jsonify({"items": [{"code": code, "label": str(CHECKLIST_LABELS[code]), "category": categories[code]}
                              for code in CHECKLIST_ITEMS]})


def _when(value, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(_l("%(field)s must be a date and time (ISO 8601).", field=name))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_patrol(body) -> patrols.PatrolInput:
    if not isinstance(body, dict):
        raise BadRequest(_l("Send the patrol as a JSON object."))
    try:
        client_id = str(uuid.UUID(str(body.get("client_id"))))
        alley_id = int(body["alley_id"])
        fixes = [Fix(float(f["lon"]), float(f["lat"]), int(f["t"]),
                     float(f["accuracy"]) if f.get("accuracy") is not None else None)
                 for f in body.get("fixes") or []]
    except (KeyError, TypeError, ValueError):
        raise BadRequest(_l("The patrol needs client_id (a UUID), alley_id and fixes with lon, lat and t."))
    checklist, problems = body.get("checklist") or {}, body.get("problems") or {}
    if not isinstance(checklist, dict) or not isinstance(problems, dict):
        raise BadRequest(_l("The checklist has unknown items or answers."))
    return patrols.PatrolInput(
        client_id=client_id, alley_id=alley_id, fixes=fixes,
        started_at=_when(body.get("started_at"), "started_at"),
        finished_at=_when(body.get("finished_at"), "finished_at"),
        checklist={str(k): str(v) for k, v in checklist.items()},
        problems={str(k): str(v)[:500] for k, v in problems.items()},
    )


@bp.post("/patrols")
@login_required
def record_patrol():
    patrol, created = patrols.record_patrol(current_user, parse_patrol(request.get_json(silent=True)))
    return jsonify({
        "id": patrol.id, "client_id": patrol.client_id, "alley_id": patrol.alley_id, "covered": patrol.covered,
        "coverage_ratio": patrol.coverage_ratio, "distance_m": patrol.distance_m,
        "duration_s": patrol.duration_s, "hours": patrol.hours, "fix_count": patrol.fix_count,
    }), 201 if created else 200


def _finding_json(report) -> dict:
    return {"id": report.id, "client_id": report.client_id, "category": report.category.code,
            "category_name": report.category.name_for(get_locale()), "checklist_item": report.checklist_item,
            "status": report.status.value, "status_label": status_label(report.status, report.held_by_community_id is not None), "url": f"/reports/{report.id}"}


@bp.get("/me/patrols")
@login_required
def my_patrols():
    """My latest patrols with the cases found on them, my findings whose patrol has not arrived yet, and my figures
    this year (or in ?from=&to=)."""
    period, _chosen = chosen_period(request.args, clock.today().year, clock.today())
    page = findings.my_patrols_page(current_user, period)
    shown = [{"id": view.patrol.id, "client_id": view.patrol.client_id, "alley_id": view.patrol.alley_id,
              "alley": view.patrol.alley.name, "started_at": _iso(view.patrol.started_at),
              "finished_at": _iso(view.patrol.finished_at), "covered": view.patrol.covered, "hours": view.patrol.hours,
              "checklist": view.patrol.checklist, "cases": [_finding_json(r) for r in view.cases],
              "unreported": view.unreported}
             for view in page.patrols]
    response = jsonify({"patrols": shown,
                        "waiting_for_patrol": [_finding_json(r) | {"patrol_client_id": r.patrol_client_id}
                                               for r in page.waiting],
                        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                        "achieved": asdict(page.achieved)})
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""GET /api/v1/triage/queue: the chief's queue as JSON."""
from flask import jsonify, request
from flask_login import current_user, login_required

from webapp import clock
from webapp.api.blueprint import bp
from webapp.errors import Forbidden
from webapp.policies import can_view_triage
from webapp.services.cases import triage
from webapp.services.cases.triage import QueueFilters


def queue_item_json(item: triage.QueueItem) -> dict:
    return {
        "id": item.id, "url": f"/reports/{item.id}", "street_id": item.street_id,
        "category": item.category, "category_name": item.category_name,
        "alley_id": item.alley_id, "alley": item.alley_name,
        "status": item.status.value, "status_label": item.status_label, "status_short": item.status_short,
        "priority": item.priority.value, "priority_label": item.priority_label,
        "created_at": item.created_at.isoformat(), "age_minutes": item.age_minutes, "age_text": item.age_text,
        "lon": item.lon, "lat": item.lat, "follower_count": item.follower_count, "overdue": item.overdue,
        "whistles": [{"id": w.id, "department": w.department, "department_name": w.department_name,
                      "kind": w.kind, "status": w.status, "whistled_at": w.whistled_at.isoformat(),
                      "due_at": w.due_at.isoformat(), "overdue": w.overdue} for w in item.whistles],
    }


def counts_json(counts: triage.QueueCounts) -> dict:
    return {"total": counts.total, "overdue": counts.overdue, "by_status": counts.by_status}


@bp.get("/triage/queue")
@login_required
def triage_queue():
    if not can_view_triage(current_user):
        raise Forbidden()
    filters, now = QueueFilters.parse(request.args), clock.now()
    cases = triage.chief_queue(current_user, filters, now)
    counts = triage.queue_counts(current_user, filters, now)
    response = jsonify({"generated_at": now.isoformat(), "filters": filters.as_args(),
                        "cases": [queue_item_json(item) for item in cases], "counts": counts_json(counts),
                        "truncated": len(cases) >= triage.QUEUE_LIMIT})
    response.headers["Cache-Control"] = "no-store"  # live and private: never from a cache
    return response

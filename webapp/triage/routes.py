"""GET /triage: the chief's screen. Without JavaScript a plain list of cases linking to their files;
with it (static/js/triage.js) the queue, its map and the open case's file with the steps, on one screen."""
from babel.units import format_unit
from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.api.triage import counts_json, queue_item_json
from webapp.errors import Forbidden
from webapp.labels import SHORT_STATUS_LABELS
from webapp.policies import can_view_triage
from webapp.services.cases import triage
from webapp.services.cases.community_queue import held_counts
from webapp.services.cases.triage import QUEUE_STATUSES, QueueFilters
from webapp.services.places import alleys as places
from webapp.services.places.chiefs import chief_alley_ids
from webapp.triage.blueprint import bp

POLL_SECONDS = 20
AGE_CHOICES = (2, 24, 72, 168)  # hours: the "older than" options
MAP_STREETS = 3  # up to this many streets, their alleys are drawn under the cases


def _age_label(hours: float) -> str:
    locale = get_locale() or "zh_Hans"
    if hours >= 24 and hours % 24 == 0:
        amount = format_unit(int(hours // 24), "duration-day", length="short", locale=locale)
    else:
        amount = format_unit(int(hours) if float(hours).is_integer() else hours, "duration-hour", length="short",
                             locale=locale)
    return _("Older than %(age)s", age=amount)


def _link(filters: QueueFilters, **changed) -> str:
    """The queue's address with some filters changed (None removes one): the chips work without JavaScript."""
    args = filters.as_args() | changed
    return url_for("triage.index", **{k: v for k, v in args.items() if v is not None})


def _map_streets() -> list[dict]:
    streets = triage.chief_street_ids(current_user)
    shown = [s for s in places.list_streets() if streets is None or s["id"] in streets]
    return [{"id": s["id"], "name": s["name"], "bbox": s["bbox"]} for s in shown if s["bbox"]]


@bp.get("/triage")
@login_required
def index():
    if not can_view_triage(current_user):
        raise Forbidden()
    filters, now = QueueFilters.parse(request.args), clock.now()
    items = triage.chief_queue(current_user, filters, now)
    counts = triage.queue_counts(current_user, filters, now)
    statuses = [{"value": s.value, "label": str(SHORT_STATUS_LABELS[s]), "count": counts.by_status[s.value],
                 "href": _link(filters, status=s.value), "current": filters.status is s} for s in QUEUE_STATUSES]
    alleys = triage.queue_alleys(current_user)
    if filters.alley_id is not None and filters.alley_id not in {a for a, _name in alleys}:
        alleys.append((filters.alley_id, f"#{filters.alley_id}"))
    ages = list(AGE_CHOICES)
    if filters.older_than_hours is not None and filters.older_than_hours not in ages:
        ages = sorted(ages + [filters.older_than_hours])
    config = current_app.config
    live = {
        "queueUrl": url_for("api.triage_queue"),
        "pageUrl": url_for("triage.index"),
        "reportUrl": "/reports/",
        "alleysUrl": "/api/v1/alleys",
        "pollSeconds": POLL_SECONDS,
        "tileUrl": config["TILE_URL"], "tileAttribution": config["TILE_ATTRIBUTION"], "tileCrs": config["TILE_CRS"],
        "streets": _map_streets()[:MAP_STREETS + 1],
        "mapStreets": MAP_STREETS,
        "generatedAt": now.isoformat(),
        "cases": [queue_item_json(item) for item in items],
        "counts": counts_json(counts),
    }
    return render_template(
        "triage/index.html", items=items, counts=counts, filters=filters, statuses=statuses,
        all_href=_link(filters, status=None), overdue_href=_link(filters, overdue=None if filters.overdue_only else 1),
        categories=triage.queue_categories(), alleys=alleys, ages=[(h, _age_label(h)) for h in ages],
        live=live, truncated=len(items) >= triage.QUEUE_LIMIT, has_alleys=bool(chief_alley_ids(current_user)),
        held_by_communities=sum(held_counts(triage.chief_street_ids(current_user)).values()))

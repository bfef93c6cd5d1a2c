"""GET /api/v1/roster: the street's volunteers with their year and the problems they handled in the period, for
organizers (the roster page's table, with its filters, ?from=&to= and ?sort=)."""
from flask import jsonify
from flask_login import current_user, login_required

from webapp.api.blueprint import bp
from webapp.roster.routes import roster_query
from webapp.roster.scope import managed_street
from webapp.services.organizing.roster import roster_page

FIELDS = ("id", "name", "phone", "teams", "posts", "activities", "patrol_hours", "activity_hours", "hours",
          "on_the_spot", "escalated", "confirmed", "rule", "is_active")


@bp.get("/roster")
@login_required
def roster():
    street = managed_street(current_user)
    now, year, period, _chosen, wanted = roster_query()
    rows = roster_page(street.id, year, now, wanted, period)
    volunteers = [{**{key: row[key] for key in FIELDS}, "roles": sorted(row["role_codes"]),
                   "last_active": row["last_active"].isoformat() if row["last_active"] else None} for row in rows]
    response = jsonify({"street": {"id": street.id, "name": street.name}, "year": year,
                        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                        "volunteers": volunteers})
    response.headers["Cache-Control"] = "private, no-store"
    return response

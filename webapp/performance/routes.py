"""GET /performance: the street dashboard (tables without JavaScript; charts and the heat map with
static/js/performance.js), its chart SVGs, CSV/xlsx exports and the printable daily brief."""
from datetime import date, timedelta

from flask import Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.errors import BadRequest, NotFound
from webapp.performance import charts, exports
from webapp.performance.blueprint import bp
from webapp.performance.query import DAY_CHOICES, KIND_CHOICES, DashboardQuery, check_day
from webapp.services.performance import dashboard as performance
from webapp.services.performance.dashboard import BUCKETS, TABLES, Period
from webapp.services.places import alleys

CHART_TABLES = {"rates": "series", "categories": "categories", "hotspots": "hotspots"}


def _parse() -> DashboardQuery:
    return DashboardQuery.parse(request.args, current_user, clock.today())


def _links(query: DashboardQuery) -> dict:
    args = query.args
    street = args["street"] if args["street"] != "all" else str(query.viewable[0]["id"])
    return {
        "json": url_for("api.performance_dashboard", **args),
        "heat": url_for("api.performance_heat", **args),
        "brief": url_for("performance.brief", street=street),
        "scorecard": url_for("performance.scorecard_page", street=street),
        "exports": {table: {fmt: url_for("performance.export", table=table, fmt=fmt, **args) for fmt in ("csv", "xlsx")}
                    for table in TABLES},
        "charts": {name: url_for("performance.chart", name=name, **args) for name in charts.CHARTS},
    }


def _map_config(query: DashboardQuery) -> dict:
    config = current_app.config
    boxes = [s["bbox"] for s in alleys.list_streets()
             if s["bbox"] and (query.scope.street_ids is None or s["id"] in query.scope.street_ids)]
    bbox = ([min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
            if boxes else None)
    return {"tile_url": config["TILE_URL"], "tile_attribution": config["TILE_ATTRIBUTION"],
            "tile_crs": config["TILE_CRS"], "bbox": bbox}


@bp.get("/performance")
@login_required
def dashboard():
    query = _parse()
    data = performance.dashboard(query.scope, query.period, query.bucket, clock.now(), query.viewable)
    return render_template("performance/dashboard.html", data=data, query=query.args,
                           choices={"days": list(DAY_CHOICES), "buckets": list(BUCKETS), "kinds": KIND_CHOICES},
                           links=_links(query), map_config=_map_config(query))


@bp.get("/performance/charts/<name>.svg")
@login_required
def chart(name: str):
    if name not in charts.CHARTS:
        raise NotFound()
    query = _parse()
    table = CHART_TABLES[name]
    data = {table: performance.table(table, query.scope, query.period, query.bucket, clock.now())}
    return Response(charts.render(name, data), mimetype="image/svg+xml")


@bp.get("/performance/export/<table>.<fmt>")
@login_required
def export(table: str, fmt: str):
    if table not in TABLES or fmt not in exports.CONTENT_TYPES:
        raise NotFound()
    query = _parse()
    rows = performance.table(table, query.scope, query.period, query.bucket, clock.now())
    period = f"{query.period.start.isoformat()}_{query.period.end.isoformat()}"
    body = exports.as_csv(table, rows) if fmt == "csv" else exports.as_xlsx(table, rows, table)
    response = Response(body, content_type=exports.CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="performance-{table}-{period}.{fmt}"'
    return response


@bp.get("/performance/brief")
@login_required
def brief():
    """One printable page per street and day: the day's cases and rates beside the 30 days up to it."""
    query = _parse()
    if query.scope.street_ids is None:
        raise BadRequest(_("The daily brief is for one street: please choose it."), field="street")
    try:
        day = date.fromisoformat(request.args["day"]) if request.args.get("day") else clock.today()
    except ValueError:
        raise BadRequest(_("Please give the day as YYYY-MM-DD."), field="day") from None
    check_day(day, clock.today(), "day")
    now = clock.now()
    day_data = performance.dashboard(query.scope, Period(day, day), "day", now, query.viewable)
    month_data = performance.dashboard(query.scope, Period(day - timedelta(days=29), day), "day", now,
                                       query.viewable)
    return render_template("performance/brief.html", street=day_data["scope"]["street"], day=day,
                           day_data=day_data, month_data=month_data, definitions=day_data["definitions"],
                           charts={"rates": charts.inline("rates", month_data),
                                   "categories": charts.inline("categories", month_data)},
                           generated_at=now)

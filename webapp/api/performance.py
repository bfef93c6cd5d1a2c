"""GET /api/v1/performance: the street dashboard as JSON (what the page's charts draw), and its heat map grid."""
from flask import jsonify, request
from flask_login import current_user, login_required

from webapp import clock
from webapp.api.blueprint import bp
from webapp.performance.query import DashboardQuery
from webapp.services.performance import dashboard as performance


def _private(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/performance")
@login_required
def performance_dashboard():
    query = DashboardQuery.parse(request.args, current_user, clock.today())
    return _private(jsonify(performance.dashboard(query.scope, query.period, query.bucket, clock.now(),
                                                  query.viewable)))


@bp.get("/performance/heat")
@login_required
def performance_heat():
    query = DashboardQuery.parse(request.args, current_user, clock.today())
    return _private(jsonify(performance.heat(query.scope, query.period)))

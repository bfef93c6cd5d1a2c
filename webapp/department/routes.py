"""GET /department: the whistles for the officer's department, and the scores the street chiefs gave it."""
from flask import render_template
from flask_login import current_user, login_required

from webapp.api.department import department_work
from webapp.department.blueprint import bp
from webapp.errors import Forbidden
from webapp.policies import can_view_department_scores, can_view_department_work
from webapp.services.cases.department_scores import scores_for_officer


@bp.get("/department")
@login_required
def index():
    if not can_view_department_work(current_user):
        raise Forbidden()
    work = department_work(current_user, include_closed=True)
    departments = sorted({g.department.name for g in current_user.grants if g.department_id is not None})
    return render_template("department/index.html", whistles=[w for w in work["whistles"] if w["active"]],
                           closed=[w for w in work["whistles"] if not w["active"]], departments=departments,
                           generated_at=work["generated_at"],
                           scores=scores_for_officer(current_user) if can_view_department_scores(current_user) else [])

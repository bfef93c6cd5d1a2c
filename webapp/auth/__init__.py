"""Accounts pages: sign in and out, register (with an invitation), change the password."""
from flask import Blueprint, redirect, request, url_for

from webapp.errors import Unauthorized
from webapp.labels import role_label
from webapp.policies import can_view_department_work, can_view_triage

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def role_labels():
    # The header links to the work screens of the roles the user holds.
    return {"role_label": role_label, "can_view_triage": can_view_triage,
            "can_view_department_work": can_view_department_work}


def unauthorized():
    """Flask-Login's answer to a signed-out visitor: JSON 401 for the API, the sign-in page otherwise."""
    if request.path.startswith("/api/"):
        raise Unauthorized()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


from webapp.auth import routes  # noqa: E402,F401

"""The blueprint of webapp/auth/ (its __init__ says what it serves) and the helpers it lends the whole app."""
from flask import Blueprint, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import update

from webapp.errors import Unauthorized
from webapp.extensions import db
from webapp.labels import role_label
from webapp.models import User
from webapp.policies import (can_manage_roster_anywhere, can_view_department_work, can_view_triage, community_ids_of,
                             performance_street_ids)

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def role_labels():
    # The header links to the work screens of the roles the user holds.
    return {"role_label": role_label, "can_view_triage": can_view_triage,
            "can_view_department_work": can_view_department_work,
            "works_for_a_community": lambda user: bool(community_ids_of(user)),
            "can_view_performance": lambda user: performance_street_ids(user) != set(),
            "can_manage_roster_anywhere": can_manage_roster_anywhere,
            "is_volunteer_anywhere": lambda user: any(g.role.is_volunteer for g in getattr(user, "grants", ()))}


@bp.before_app_request
def remember_language():
    """Keep the language a signed-in person uses, so notifications sent while they are away (push, SMS)
    speak it too. The session remembers what was saved, so other requests (the alley layer, the bell's
    polling) load nobody for it."""
    if request.endpoint is None or request.endpoint.endswith("static") or "_user_id" not in session:
        return
    locale = str(get_locale())
    saved = f"{session['_user_id']}:{locale}"
    if session.get("saved_locale") == saved or not current_user.is_authenticated:
        return
    if current_user.locale != locale:
        db.session.execute(update(User).where(User.id == current_user.id).values(locale=locale))
        db.session.commit()
    session["saved_locale"] = saved


def unauthorized():
    """Flask-Login's answer to a signed-out visitor: JSON 401 for the API, the sign-in page otherwise."""
    if request.path.startswith("/api/"):
        raise Unauthorized()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

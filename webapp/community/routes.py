"""GET /community: a community's queue. Each case's steps are plain forms that post to the case file's step
route (/reports/<id>/steps/<step>) and come back here, with what happened or why it was refused."""
from flask import render_template, request
from flask_login import current_user, login_required

from webapp.community.blueprint import bp
from webapp.errors import BadRequest
from webapp.services.cases.community_queue import queue_page
from webapp.services.performance.rates import rate_level


@bp.get("/community")
@login_required
def index():
    raw = (request.args.get("community") or "").strip()
    if raw and not raw.isdigit():
        raise BadRequest(field="community")
    page = queue_page(current_user, int(raw) if raw else None)
    return render_template("community/queue.html", page=page, rate_level=rate_level)

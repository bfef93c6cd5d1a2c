"""GET /patrols/mine: my latest patrols with the cases found on them, and the problems I handled this year (or in
?from=&to=)."""
from flask import render_template, request
from flask_login import current_user, login_required

from webapp import clock
from webapp.labels import CHECKLIST_LABELS, status_label
from webapp.patrols.blueprint import bp
from webapp.periods import chosen_period
from webapp.services.cases.findings import my_patrols_page


@bp.get("/mine")
@login_required
def mine():
    period, chosen = chosen_period(request.args, clock.today().year, clock.today())
    return render_template("patrols/mine.html", page=my_patrols_page(current_user, period), period_chosen=chosen,
                           item_label=lambda code: CHECKLIST_LABELS.get(code, code), status_label=status_label)

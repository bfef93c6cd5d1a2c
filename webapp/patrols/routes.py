"""GET /patrols/mine: my latest patrols with the cases found on them, and the problems I handled this year (or in
?from=&to=)."""
from flask import render_template, request
from flask_login import current_user, login_required

from webapp import clock
from webapp.labels import CHECKLIST_LABELS, status_label
from webapp.patrols.blueprint import bp
from webapp.periods import chosen_period
from webapp.services.cases import findings
from webapp.services.volunteers.achievements import volunteer_achievements


@bp.get("/mine")
@login_required
def mine():
    year = clock.today().year
    period, chosen = chosen_period(request.args, year, clock.today())
    return render_template("patrols/mine.html", patrols=findings.my_patrols(current_user),
                           waiting=findings.findings_waiting_for_patrol(current_user), period=period,
                           period_chosen=chosen, achieved=volunteer_achievements([current_user.id], period)[current_user.id],
                           item_label=lambda code: CHECKLIST_LABELS.get(code, code), status_label=status_label)

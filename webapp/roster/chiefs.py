"""GET /roster/chiefs: the street's alleys with their chief (街巷长), each with a form to assign or change the chief and
the phone on the alley's sign, one to end the assignment, and the alley's history of chiefs. Tablet and desktop first;
each POST changes one alley through webapp/services/places/chiefs.py and comes back with a flash."""
from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.errors import BadRequest
from webapp.roster.blueprint import bp
from webapp.roster.organize import _changed, _organizer_only
from webapp.roster.scope import managed_street
from webapp.services.places import chiefs
from webapp.services.places.alleys import get_alley


@dataclass(frozen=True)
class ChiefForm:
    chief_id: int
    phone: str

    @classmethod
    def parse(cls, form) -> "ChiefForm":
        raw = (form.get("chief_id") or "").strip()
        if not raw.isdigit() or len(raw) > 9:
            raise BadRequest(_("Please choose a chief from the list."), field="chief_id")
        return cls(int(raw), (form.get("phone") or "").strip()[:40])


def _back(street_id: int, alley_id: int) -> str:
    return url_for("roster.chiefs", street=street_id) + f"#alley-{alley_id}"


@bp.get("/chiefs", endpoint="chiefs")
@login_required
def chiefs_page():
    _organizer_only()
    street = managed_street(current_user)
    alleys, history = chiefs.street_assignments(street.id)
    return render_template("roster/chiefs.html", street=street, alleys=alleys, history=history,
                           chiefs=chiefs.street_chiefs(street.id),
                           without=sum(1 for alley_id, _name in alleys
                                       if not (history.get(alley_id) and history[alley_id][0].ended_at is None)))


@bp.post("/chiefs/<int:alley_id>")
@login_required
def assign_chief(alley_id: int):
    _organizer_only()
    street = managed_street(current_user, get_alley(alley_id).street_id)

    def assign():
        given = ChiefForm.parse(request.form)
        return chiefs.assign_chief(current_user, alley_id, given.chief_id, given.phone)

    return _changed(assign, lambda a: _("%(name)s is now the chief of %(alley)s.", name=a.chief.display_name,
                                        alley=a.alley.name), _back(street.id, alley_id))


@bp.post("/chiefs/<int:alley_id>/end")
@login_required
def end_chief(alley_id: int):
    _organizer_only()
    street = managed_street(current_user, get_alley(alley_id).street_id)
    return _changed(lambda: chiefs.end_assignment(current_user, alley_id),
                    lambda a: _("%(alley)s has no chief of its own now.", alley=a.alley.name),
                    _back(street.id, alley_id))

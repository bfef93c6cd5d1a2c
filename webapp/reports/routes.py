"""GET /reports/<id> (the case file; ?pane=1 for the triage screen's detail pane), POST /reports/<id>/steps/<step>,
POST /reports/<id>/follow (GET on either: back to the report), POST /reports/<id>/scores (the chief scores a
whistled department), GET /reports/mine."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from webapp.api.reports import report_for, step_input
from webapp.errors import DomainError, Forbidden
from webapp.labels import actor_role_label, step_label
from webapp.photos import MAX_BYTES, PhotoTooLarge, PhotoTooManyPixels, PhotoTypeNotSupported, PhotoUnreadable
from webapp.policies import can_score_department
from webapp.reports import scoring
from webapp.reports.blueprint import bp
from webapp.reports.forms import STEP_FORMS, reply_text, step_form
from webapp.services.cases import department_scores, reports
from webapp.services.cases.categories import all_departments
from webapp.services.cases.transitions import MOVES, Needs, Step, get_report, transition
from webapp.services.places.claims import claimed_alley_ids
from webapp.urls import local_path

STEP = "<any(" + ", ".join(step.value for step in STEP_FORMS) + "):step>"
NOTES_REQUIRED = {step.value for step, move in MOVES.items() if move.needs is Needs.NOTE}
PHOTO_ERRORS = (PhotoTooLarge, PhotoTooManyPixels, PhotoTypeNotSupported, PhotoUnreadable)


def _done_message(step: Step, report=None) -> str:
    if step is Step.HANDLE_ON_SPOT:
        return _("Recorded: handled on the spot. Thank you!")
    if step is Step.ESCALATE and report is not None and report.held_by_community_id is not None:
        return _("Passed to the community's queue first. Each next step will appear in the case file.")
    if step is Step.ESCALATE:
        return _("Passed to the street chief. Each next step will appear in the case file.")
    if step is Step.PASS_UP:
        return _("Passed up to the street chief.")
    if step is Step.VERDICT:
        return _("Thank you for your answer.")
    return _("Done: %(step)s", step=step_label(step.value))


def _in_pane() -> bool:
    return request.args.get("pane") == "1"


def _forms_for(report, shown: dict, failed: Step | None, form) -> dict:
    """A form for each step the user may take now; a refused step's form keeps what was typed."""
    forms = {}
    for step in STEP_FORMS:
        if not shown["actions"].get(step.value) and step is not failed:
            continue
        forms[step.value] = form if step is failed and form is not None else step_form(step)
        if step is Step.WHISTLE and step is not failed:
            forms[step.value].kind.data = report.category.whistle_kind.value
            forms[step.value].departments.data = list(report.category.default_departments or [])
        if step is Step.SET_PRIORITY and step is not failed:
            forms[step.value].priority.data = report.priority.value
        if step is Step.SET_REQUEST_KIND and step is not failed and report.request_kind:
            forms[step.value].request_kind.data = report.request_kind.value
    if Step.WHISTLE.value in forms:
        forms[Step.WHISTLE.value].departments.choices = [SelectChoice(d.code, d.name) for d in all_departments()]
    return forms


def _page(report, status: int = 200, error=None, failed: Step | None = None, form=None, done: str | None = None,
          kept_score: scoring.Kept | None = None):
    """The case file as this user may see it, as a page or as the triage pane's fragment."""
    shown = report_for(current_user, report)
    can_follow = shown["actions"]["follow"]
    template = "reports/_case.html" if _in_pane() else "reports/show.html"
    return render_template(
        template, shown=shown, street_name=report.street.name, forms=_forms_for(report, shown, failed, form),
        step_forms_by_value={step.value: spec for step, spec in STEP_FORMS.items()}, notes_required=NOTES_REQUIRED, error=error, failed=failed.value if failed else None, done=done, pane=_in_pane(),
        step_label=step_label, actor_role_label=actor_role_label,
        can_follow=can_follow, following=can_follow and reports.is_following(current_user, report.id),
        is_mine=current_user.is_authenticated and report.reporter_id == current_user.id,
        scoring=scoring.panel(current_user, report, kept_score)), status


@bp.get("/reports/<int:report_id>")
def show(report_id: int):
    return _page(get_report(report_id))


def _posted_input(step: Step, form):
    """The step's fields from the posted form; a photo is read one byte past the limit, never more."""
    upload = getattr(form, "photo", None)
    photo = upload.data.read(MAX_BYTES + 1) if upload is not None and upload.data else None
    fields = {name: getattr(form, name).data for name in ("kind", "duplicate_of", "priority", "satisfaction",
                                                           "lon", "lat", "request_kind") if hasattr(form, name)}
    fields = {name: value for name, value in fields.items() if value not in (None, "")}
    note = reply_text(form) if step is Step.REPLY else (form.note.data or "") if hasattr(form, "note") else ""
    departments = form.departments.data if hasattr(form, "departments") else []
    return step_input(fields | {"note": note, "departments": departments or []}, photo)


@bp.post(f"/reports/<int:report_id>/steps/{STEP}")
@login_required
def take_step(report_id: int, step: str):
    # CSRFProtect has already checked the token, before any view runs.
    step = Step(step)
    report = get_report(report_id)
    form = step_form(step, submitted=True)
    try:
        report = transition(current_user, report.id, step, _posted_input(step, form))
    except DomainError as err:
        upload = getattr(form, "photo", None)
        field = upload if isinstance(err, PHOTO_ERRORS) and upload is not None else \
            getattr(form, err.details.get("field") or "", None)
        if field is not None:
            field.errors = [*field.errors, err.message]
        back = local_path(form.next.data)
        if back and not _in_pane():  # a screen of its own (the department's): its message is shown there
            flash(err.message, "error")
            return redirect(back)
        return _page(report, err.http_status, error=err.message, failed=step, form=form)
    if _in_pane():
        return _page(get_report(report.id), done=_done_message(step, report))
    flash(_done_message(step, report), "success")
    return redirect(local_path(form.next.data) or url_for("reports.show", report_id=report.id))


@bp.post("/reports/<int:report_id>/follow")
@login_required
def follow(report_id: int):
    report = get_report(report_id)
    try:
        reports.follow_report(current_user, report.id)
    except DomainError as err:
        return _page(report, err.http_status, error=err.message)
    flash(_("Thank you. You follow this report now: its progress is in My reports."), "success")
    return redirect(url_for("reports.show", report_id=report.id))


@bp.get(f"/reports/<int:report_id>/steps/{STEP}")
@bp.get("/reports/<int:report_id>/follow")
@bp.get("/reports/<int:report_id>/scores")
def back_to_report(report_id: int, step: str | None = None):
    """A form's address opened as a page (the language switch on a refused step, a copied link): the report."""
    return redirect(url_for("reports.show", report_id=report_id, lang=request.args.get("lang")))


@bp.get("/reports/mine")
@login_required
def mine():
    held = claimed_alley_ids(current_user)
    items = [report_for(current_user, report, held) | {"mine": is_mine, "street_name": report.street.name}
             for report, is_mine in reports.my_reports(current_user)]
    return render_template("reports/mine.html", items=items)


@bp.post("/reports/<int:report_id>/scores")
@login_required
def score_department(report_id: int):
    """The chief's score of one whistled department's part (评价权); refused: the page again with the error."""
    report = get_report(report_id)
    if not can_score_department(current_user, report):  # before reading the form: an outsider learns nothing
        raise Forbidden()
    try:
        scored = department_scores.score_department(current_user, report.id, scoring.parse(request.form))
    except DomainError as err:
        return _page(report, err.http_status, error=err.message, kept_score=scoring.kept_from(request.form, err))
    name = scored.score.whistle.department.name
    done = (_("Score saved: %(department)s", department=name) if scored.changed
            else _("Already saved as it is: %(department)s", department=name))
    if _in_pane():
        return _page(get_report(report.id), done=done)
    flash(done, "success")
    return redirect(url_for("reports.show", report_id=report.id, _anchor="scores"))

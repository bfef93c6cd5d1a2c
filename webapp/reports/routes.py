"""GET /reports/<id> (the case file), POST /reports/<id>/steps/<step> and /follow (GET: back), GET /reports/mine."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.api.reports import report_for
from webapp.errors import DomainError
from webapp.photos import MAX_BYTES, PhotoTooLarge, PhotoTooManyPixels, PhotoTypeNotSupported, PhotoUnreadable
from webapp.reports import bp
from webapp.reports.forms import step_form
from webapp.services import reports
from webapp.services.claims import claimed_alley_ids
from webapp.services.transitions import Step, get_report, transition

STEP = "<any(" + ", ".join(step.value for step in Step) + "):step>"
PHOTO_ERRORS = (PhotoTooLarge, PhotoTooManyPixels, PhotoTypeNotSupported, PhotoUnreadable)


def _flash_done(step: Step) -> None:
    if step is Step.HANDLE_ON_SPOT:
        flash(_("Recorded: handled on the spot. Thank you!"), "success")
    else:
        flash(_("Passed to the street chief. Each next step will appear in the case file."), "success")


def _page(report, status: int = 200, error=None, failed: Step | None = None, form=None):
    """The case file as this user may see it; after a refused step, that step's form keeps what was typed."""
    shown = report_for(current_user, report)
    forms = {step.value: form if step is failed and form is not None else step_form(step) for step in Step}
    signed_in = current_user.is_authenticated
    can_follow = shown["actions"]["follow"]
    return render_template(
        "reports/show.html", shown=shown, street_name=report.street.name, forms=forms, error=error,
        failed=failed.value if failed else None,
        can_follow=can_follow, following=can_follow and reports.is_following(current_user, report.id),
        is_mine=signed_in and report.reporter_id == current_user.id), status


@bp.get("/reports/<int:report_id>")
def show(report_id: int):
    return _page(get_report(report_id))


@bp.post(f"/reports/<int:report_id>/steps/{STEP}")
@login_required
def take_step(report_id: int, step: str):
    # CSRFProtect has already checked the token, before any view runs.
    step = Step(step)
    report = get_report(report_id)
    form = step_form(step, submitted=True)
    upload = getattr(form, "photo", None)
    # Read one byte past the limit: enough for the check to refuse it, never a huge file in memory.
    photo = upload.data.read(MAX_BYTES + 1) if upload is not None and upload.data else None
    try:
        transition(current_user, report.id, step, note=form.note.data or "", photo=photo)
    except DomainError as err:
        field = form.photo if isinstance(err, PHOTO_ERRORS) and upload is not None else \
            getattr(form, err.details.get("field") or "", None)
        if field is not None:
            field.errors = [*field.errors, err.message]
        return _page(report, err.http_status, error=err.message, failed=step, form=form)
    _flash_done(step)
    return redirect(url_for("reports.show", report_id=report.id))


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

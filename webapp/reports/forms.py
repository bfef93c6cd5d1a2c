"""The forms of the report page; the rules (a note for 劝导, its length, the photo) stay in the service."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField

from webapp.services.transitions import Step


class HandleOnSpotForm(FlaskForm):
    note = TextAreaField(_l("What was done (required)"))
    photo = FileField(_l("Photo after handling (optional)"))


class EscalateForm(FlaskForm):
    note = TextAreaField(_l("Note for the street chief (optional)"))


STEP_FORMS = {Step.HANDLE_ON_SPOT: HandleOnSpotForm, Step.ESCALATE: EscalateForm}


def step_form(step: Step, submitted: bool = False) -> FlaskForm:
    """The form of one step; two forms share the page, so each field name carries the step (prefix)."""
    return STEP_FORMS[step](prefix=step.value, **({} if submitted else {"formdata": None}))

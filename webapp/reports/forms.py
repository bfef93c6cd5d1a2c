"""The forms of the case file page, one per step, built from STEP_FORMS; the rules stay in the service."""
from dataclasses import dataclass
from functools import cache

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.fields.choices import SelectChoice
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.labels import PRIORITY_LABELS, REQUEST_KIND_LABELS, SATISFACTION_LABELS, WHISTLE_LABELS
from webapp.services.cases.transitions import Step

# What a chief often answers (回复模板); the chosen text lands in the note, where it can be edited.
REPLY_TEMPLATES = (
    _l("We have received your report and are coordinating with the departments concerned."),
    _l("The departments have been called and will be on site within 30 minutes."),
    _l("The problem has been dealt with. Please have a look and tell us whether you are satisfied."),
    _l("This is outside the street's remit; we have passed it on to the office responsible."),
)


@dataclass(frozen=True)
class StepForm:
    title: str
    hint: str
    button: str
    fields: dict  # field name -> label (None: hidden)
    primary: bool = False


STEP_FORMS = {
    Step.HANDLE_ON_SPOT: StepForm(
        _l("Handled on the spot by persuasion"),
        _l("You settled it there and then, for example by talking with the people involved. This closes the case."),
        _l("Handled on the spot"), {"note": _l("What was done (required)"), "photo": _l("Photo after handling (optional)")},
        primary=True),
    Step.ESCALATE: StepForm(
        _l("Pass to the street chief"),
        _l("For what cannot be settled on the spot: the street chief calls in the departments."),
        _l("Pass to the street chief"), {"note": _l("Note for the street chief (optional)")}),
    Step.ACCEPT: StepForm(_l("Accept the case"), _l("You take the case: the reporter sees that it is being handled."),
                          _l("Accept"), {"note": _l("Note (optional)")}, primary=True),
    Step.WHISTLE: StepForm(
        _l("Whistle the departments"),
        _l("Each department must report on site within 30 minutes and stays until the matter is done."),
        _l("Whistle"), {"kind": _l("Kind of whistle"), "departments": _l("Departments"),
                        "note": _l("What the departments should know (optional)")}, primary=True),
    Step.RESOLVE: StepForm(
        _l("Resolve the case"), _l("Needs evidence: a note on what was done, or a photo. The reporter is then asked "
                                   "whether they are satisfied."),
        _l("Resolve"), {"note": _l("What was done"), "photo": _l("Photo of the result")}, primary=True),
    Step.REPLY: StepForm(_l("Reply to the reporter"), _l("Choose a template or write your own answer."),
                         _l("Send the reply"), {"template": _l("Template"), "note": _l("Reply")}),
    Step.SET_PRIORITY: StepForm(_l("Priority"), "", _l("Set the priority"), {"priority": _l("Priority")}),
    Step.SET_REQUEST_KIND: StepForm(_l("Kind of request"), _l("12345's four kinds: it counts in the street's figures."),
                                    _l("Set the kind"), {"request_kind": _l("Kind of request"),
                                                         "note": _l("Note (optional)")}),
    Step.MERGE: StepForm(
        _l("Merge as a duplicate"),
        _l("The same problem as another case: this one closes and its reporter and followers follow the other."),
        _l("Merge"), {"duplicate_of": _l("Number of the other case"), "note": _l("Note (optional)")}),
    Step.REJECT: StepForm(_l("Reject the case"), _l("The reporter sees your reason."), _l("Reject"),
                          {"note": _l("Reason (required)")}),
    Step.REOPEN: StepForm(_l("Reopen the case"), _l("It goes back into your queue."), _l("Reopen"),
                          {"note": _l("Why it is reopened (required)")}),
    Step.REPORT_ON_SITE: StepForm(
        _l("Report on site"), _l("Tap when you have arrived; your position is sent with it if you allow it."),
        _l("I am on site"), {"note": _l("Note (optional)"), "lon": None, "lat": None}, primary=True),
    Step.ADD_NOTE: StepForm(_l("Add a note or a photo"), _l("What your department found or did."), _l("Add"),
                            {"note": _l("Note"), "photo": _l("Photo")}),
    Step.FINISH_PART: StepForm(
        _l("Our part is done"),
        _l("Your department's work on this case is finished. Your part closes when the chief resolves the case."),
        _l("Mark our part done"), {"note": _l("Note (optional)")}),
    Step.COMMUNITY_RESOLVE: StepForm(
        _l("Resolve the case for the community"),
        _l("Needs evidence: a note on what was done, or a photo. The reporter is then asked whether they are "
           "satisfied."),
        _l("Resolve"), {"note": _l("What was done"), "photo": _l("Photo of the result")}, primary=True),
    Step.PASS_UP: StepForm(
        _l("Pass up to the street chief"),
        _l("For what the community cannot settle: the street chief calls in the departments."),
        _l("Pass up"), {"note": _l("Note for the street chief (required)")}),
    Step.COMMUNITY_ON_SPOT: StepForm(
        _l("Handled on the spot by persuasion"),
        _l("You settled it there and then, for example by talking with the people involved. This closes the case."),
        _l("Handled on the spot"), {"note": _l("What was done (required)"), "photo": _l("Photo after handling (optional)")}),
    Step.PULL_UP: StepForm(
        _l("Take it from the community"),
        _l("The community holds this case. Take it into your own queue to handle it yourself."),
        _l("Take it into my queue"), {"note": _l("Note (optional)")}),
    Step.VERDICT: StepForm(
        _l("Are you satisfied with the result?"), _l("Your answer closes the case, or sends it back to the chief."),
        _l("Send my answer"), {"satisfaction": _l("Your verdict"), "note": _l("Comment (optional)")}, primary=True),
}


def _field(name: str, label):
    if label is None:
        return HiddenField()
    if name == "note":
        return TextAreaField(label)
    if name == "photo":
        return FileField(label)
    if name == "departments":
        return SelectMultipleField(label, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   validate_choice=False)
    if name == "satisfaction":
        return RadioField(label, choices=[SelectChoice(s.value, text) for s, text in SATISFACTION_LABELS.items()],
                          validate_choice=False)
    if name == "priority":
        return SelectField(label, choices=[SelectChoice(p.value, text) for p, text in PRIORITY_LABELS.items()],
                           validate_choice=False)
    if name == "request_kind":
        return SelectField(label, choices=[SelectChoice(k.value, text) for k, text in REQUEST_KIND_LABELS.items()],
                           validate_choice=False)
    if name == "kind":
        return SelectField(label, choices=[SelectChoice(k.value, text) for k, text in WHISTLE_LABELS.items()],
                           validate_choice=False)
    if name == "template":
        return SelectField(label, choices=[SelectChoice("", "—")] + [SelectChoice(str(i), text) for i, text in enumerate(REPLY_TEMPLATES)],
                           validate_choice=False)
    return StringField(label)


@cache
def _form_class(step: Step) -> type[FlaskForm]:
    fields = {name: _field(name, label) for name, label in STEP_FORMS[step].fields.items()}
    return type(f"{step.name.title().replace('_', '')}Form", (FlaskForm,), fields | {"next": HiddenField()})


def step_form(step: Step, submitted: bool = False) -> FlaskForm:
    """The form of one step; several forms share the case file page, so there each field name carries the
    step (prefix). A page with one form per case (the department's) may post the bare names."""
    if not submitted:
        return _form_class(step)(prefix=step.value, formdata=None)
    posted = [*request.form, *request.files]
    prefixed = any(name.startswith(f"{step.value}-") for name in posted)
    return _form_class(step)(prefix=step.value if prefixed else "")


def reply_text(form: FlaskForm) -> str:
    """A reply's note: what was typed, else the chosen template."""
    typed = (form.note.data or "").strip()
    if typed or not getattr(form, "template", None) or not (form.template.data or "").isdigit():
        return typed
    index = int(form.template.data)
    return str(REPLY_TEMPLATES[index]) if index < len(REPLY_TEMPLATES) else ""

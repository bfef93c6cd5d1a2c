"""The chief's scoring of the departments on the case page: what the panel shows, and the posted form parsed."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest
from webapp.models import Report, Whistle
from webapp.models.scores import HIGHEST, LOWEST, MARKS
from webapp.policies import can_score_department
from webapp.services.cases.department_scores import SCORABLE, ScoreInput, parse_mark, scores_for_report

MARK_LABELS = {"on_time": _l("On site in good time"), "attitude": _l("Attitude at work"),
               "result": _l("Result of the work")}
MARK_HINTS = {"on_time": _l("Came within the deadline and stayed until it was done"),
              "attitude": _l("Worked with the street and the residents"),
              "result": _l("The problem is really settled")}
CHOICES = tuple(range(LOWEST, HIGHEST + 1))


@dataclass
class Kept:
    """A refused score's form as it was sent, to show again with its error."""
    whistle_id: int | None
    values: dict = field(default_factory=dict)
    field: str | None = None
    message: str = ""


def parse(form) -> ScoreInput:
    """The posted score form as a ScoreInput, or a clear error naming the field (nothing is saved)."""
    whistle = (form.get("whistle") or "").strip()
    if not whistle.isdigit() or len(whistle) > 12:
        raise BadRequest(_l("That department was not whistled on this case."), field="whistle")
    marks = {mark: parse_mark(form.get(mark), mark) for mark in MARKS}
    return ScoreInput(int(whistle), **marks, comment=form.get("comment") or "")


def kept_from(form, err) -> Kept:
    whistle = (form.get("whistle") or "").strip()
    return Kept(int(whistle) if whistle.isdigit() and len(whistle) <= 12 else None,
                {name: form.get(name) or "" for name in (*MARKS, "comment")}, err.details.get("field"), err.message)


def _item(whistle: Whistle, score, kept: Kept | None) -> dict:
    refused = kept if kept is not None and kept.whistle_id == whistle.id else None
    if refused:
        values = refused.values
    elif score is not None:
        values = {"on_time": str(score.on_time), "attitude": str(score.attitude), "result": str(score.result),
                  "comment": score.comment}
    else:
        values = {}
    return {"whistle": whistle, "score": score, "values": values, "refused": refused}


def panel(user, report: Report, kept: Kept | None = None) -> dict | None:
    """The scoring panel for the chief of the case's street (None for anyone else, or a case never whistled):
    one form per whistle once the case is resolved, each with its score and earlier versions."""
    if not report.whistles or not can_score_department(user, report):
        return None
    scores = scores_for_report(report)
    return {"open": report.status in SCORABLE, "marks": MARKS, "labels": MARK_LABELS, "hints": MARK_HINTS,
            "choices": CHOICES, "items": [_item(w, scores.get(w.id), kept) for w in report.whistles],
            "unknown": kept if kept is not None and kept.whistle_id not in {w.id for w in report.whistles} else None}

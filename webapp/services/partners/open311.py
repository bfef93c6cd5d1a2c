"""Open311 GeoReport v2, the use cases: partners file cases, read them back, and post updates.

The wire formats live in webapp/open311; here are the rules: what a request must hold, how a retry
is recognised, which of our statuses count as open or closed, and what the public may read.
"""
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import to_shape
from sqlalchemy.orm import joinedload, selectinload

from geo import metric
from webapp import clock
from webapp.clock import BEIJING
from webapp.errors import BadRequest, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import (AWAITING_VERDICT, CLOSED_STATUSES, ApiKey, Category, PartnerRequest, Report,
                           ReportStatus, RequestKind, Whistle)
from webapp.models.places import Alley
from webapp.models.reports import as_utc
from webapp.services.cases.reports import ReportInput, active_categories, submit_report
from webapp.services.cases.transitions import MAX_PARTNER_TEXT

MAX_SPAN = timedelta(days=90)  # the spec's longest date range for a list of requests
MAX_RESULTS = 1000
UPDATES_DEFAULT_SPAN = timedelta(days=1)
# The problem is fixed (resolved, the verdict pending) or the case is over: "closed" to Open311.
OPEN311_CLOSED = CLOSED_STATUSES | AWAITING_VERDICT
# The notes anyone may read (status_notes, the updates feed): why a case was resolved, rejected or reopened. The chief's
# replies are for the reporter, so a partner reads them on the cases it filed; other notes stay inside.
PUBLIC_NOTES = {"resolve", "reject", "reopen"}
REPORTER_NOTES = {"reply"}
# Steps in the updates feed (a department's working notes, priorities and partners' own updates stay out).
PUBLIC_STEPS = PUBLIC_NOTES | REPORTER_NOTES | {"escalate", "accept", "whistle", "report_on_site", "handle_on_spot",
                                                "merge", "verdict", "reopen", "close_unrated"}
# An update's status: Open311's two, and the finer words of FixMyStreet's extension (recorded as given).
UPDATE_STATUSES = {"OPEN", "CLOSED", "FIXED", "ACTION_SCHEDULED", "IN_PROGRESS", "INVESTIGATING", "DUPLICATE",
                   "NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "REOPEN", "FOR_TRIAGE"}
ATTRIBUTE_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,50}$")
ID = re.compile(r"^[0-9]{1,9}$")  # our ids; anything longer is no id of ours (and would overflow the column)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s\-()]{5,30}$")
MAX_EXTRA_ATTRIBUTES = 20
REPLAY_NAMESPACE = uuid.UUID("8f6f3a52-7c53-4c1e-9d55-2b1a3a5c3111")


def open311_status(status: ReportStatus) -> str:
    return "closed" if status in OPEN311_CLOSED else "open"


def w3c(moment: datetime | None) -> str | None:
    """A W3C date-time in Beijing time with its offset: 2026-11-21T10:00:00+08:00."""
    return as_utc(moment).astimezone(BEIJING).replace(microsecond=0).isoformat() if moment else None


def parse_w3c(value: str, name: str) -> datetime:
    """An ISO 8601 date or date-time; one without an offset counts as Beijing time."""
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "+"))  # an unescaped "+" arrives as a space
        if not 2000 <= moment.year <= 2100:
            raise ValueError(moment.year)
        return (moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise BadRequest(_l("%(name)s is not a W3C date-time (like 2026-11-21T10:00:00+08:00).", name=name)) from None


def parse_id(value: str | None, name: str = "service_request_id") -> int:
    if not value or not ID.match(value.strip()):
        raise BadRequest(_l("%(name)s must be a number.", name=name))
    return int(value)


def require_key(key: ApiKey | None, given: bool) -> ApiKey:
    """The partner's live key (see api_keys.authenticate), or 403 saying whether one was sent at all."""
    if key is None:
        raise Forbidden(_l("A valid api_key is required.") if given else _l("api_key was not provided."))
    return key


def service(code: str | None) -> Category:
    """The active category a service code names (404 for codes we do not serve)."""
    if not code:
        raise BadRequest(_l("service_code was not provided."))
    category = next((c for c in active_categories() if c.code == code), None)
    if category is None:
        raise NotFound(_l("No service with the code %(code)s.", code=code))
    return category


def service_ids(codes: str) -> list[int]:
    """service_code=a,b (the spec lets a search name several): the ones we know; none known is a 404."""
    known = {c.code: c.id for c in active_categories()}
    asked = [code.strip() for code in codes.split(",") if code.strip()]
    found = [known[code] for code in asked if code in known]
    if not found:
        raise NotFound(_l("No service with the code %(code)s.", code=codes))
    return found


# --- filing a request -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PartnerReport:
    """A POST to requests, parsed: the form's fields as they came, attributes by code."""
    service_code: str | None
    lat: str | None = None
    long: str | None = None
    address_string: str = ""
    address_id: str | None = None  # our alley id, as GET requests answers it
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)  # first_name, last_name, phone, email
    account_id: str | None = None
    device_id: str | None = None
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        body = {k: v for k, v in self.__dict__.items() if k != "idempotency_key"}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    report_id: int
    account_id: str | None


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(_l("%(name)s must be a number.", name=name)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadRequest(_l("%(name)s must be a number.", name=name))
    return number


def _position(data: PartnerReport) -> tuple[float, float, int | None]:
    """lat/long when given, else the alley the address names (our addresses are hutong names): (lon, lat, alley)."""
    if data.lat or data.long:
        if not (data.lat and data.long):
            raise BadRequest(_l("lat and long must be given together."))
        return _number(data.long, "long"), _number(data.lat, "lat"), None
    if data.address_id:
        alley = db.session.get(Alley, parse_id(data.address_id, "address_id"))
        if alley is None:
            raise BadRequest(_l("No alley has this address_id."))
        return *metric.midpoint(to_shape(alley.geom)), alley.id
    if data.address_string.strip():
        return _geocode(data.address_string.strip())
    raise BadRequest(_l("A location is required: lat and long, address_string or address_id."))


def _geocode(address: str) -> tuple[float, float, int]:
    """The longest alley name found in the address; several alleys of that name in different streets are
    ambiguous (the partner must send lat/long then)."""
    alleys = db.session.execute(db.select(Alley.id, Alley.name)).all()
    named = [(len(name), alley_id) for alley_id, name in alleys if name and name in address]
    if not named:
        raise BadRequest(_l("No alley of ours is named in the address: please send lat and long."))
    longest = max(length for length, _ in named)
    matches = [alley_id for length, alley_id in named if length == longest]
    if len(matches) > 1:
        raise BadRequest(_l("Several alleys have this name: please send lat and long."))
    return *metric.midpoint(to_shape(db.session.get(Alley, matches[0]).geom)), matches[0]



def check_answers(category: Category, given: dict[str, list[str]]) -> dict:
    """The answers to the category's questions, checked against their definitions; attributes we do not ask
    about (FixMyStreet sends its own, like title or report_url) are kept as they came, within limits."""
    answers = {}
    for question in category.questions or []:
        code, kind = question["code"], question["datatype"]
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        label = question.get("description_en" if str(get_locale()).startswith("en") else "description_zh") or code
        if not values:
            if question.get("required"):
                raise BadRequest(_l("The attribute %(code)s (%(label)s) is required.", code=code, label=label))
            continue
        keys = {v["key"] for v in question.get("values", [])}
        if kind in ("singlevaluelist", "multivaluelist") and any(v not in keys for v in values):
            raise BadRequest(_l("The attribute %(code)s must be one of: %(keys)s.", code=code,
                                keys=", ".join(sorted(keys))))
        if kind == "number":
            values = [str(_number(v, code)) for v in values]
        if kind == "datetime":
            values = [parse_w3c(v, code).isoformat() for v in values]
        if any(len(v) > (MAX_PARTNER_TEXT if kind == "text" else 200) for v in values):
            raise BadRequest(_l("The attribute %(code)s is too long.", code=code))
        answers[code] = values if kind == "multivaluelist" else values[0]
    asked = {q["code"] for q in category.questions or []}
    extra = {code: values[0][:500] for code, values in given.items()
             if code not in asked and values and ATTRIBUTE_CODE.match(code)}
    return answers | dict(list(extra.items())[:MAX_EXTRA_ATTRIBUTES])


def described_answers(category: Category, answers: dict, locale: str) -> list[tuple[str, str]]:
    """The answers as the chief reads them: (question, answer) in the reader's language."""
    lang = "en" if str(locale).startswith("en") else "zh"
    questions = {q["code"]: q for q in category.questions or []}
    shown = []
    for code, value in (answers or {}).items():
        question = questions.get(code, {})
        names = {v["key"]: v.get(f"name_{lang}", v["key"]) for v in question.get("values", [])}
        values = value if isinstance(value, list) else [value]
        shown.append((question.get(f"description_{lang}", code), "、".join(names.get(v, v) for v in values)))
    return shown


def check_media_url(url: str) -> None:
    if url and (not re.match(r"^https?://\S+$", url) or len(url) > 500):
        raise BadRequest(_l("media_url must be an http or https address."))


def _check_contact(data: PartnerReport) -> None:
    check_media_url(data.media_url)
    email, phone = data.contact.get("email", ""), data.contact.get("phone", "")
    if email and (len(email) > 254 or not EMAIL.match(email)):
        raise BadRequest(_l("email is not an email address."))
    if phone and not PHONE.match(phone):
        raise BadRequest(_l("phone is not a telephone number."))
    if any(len(data.contact.get(name, "")) > 60 for name in ("first_name", "last_name")):
        raise BadRequest(_l("A name may have at most 60 characters."))
    if len(data.account_id or "") > 100 or len(data.device_id or "") > 100:
        raise BadRequest(_l("account_id and device_id may have at most 100 characters."))


def _client_id(key: ApiKey, data: PartnerReport, day) -> str:
    """The case's idempotency key: the partner's Idempotency-Key header, else the request's content on that
    day (a partner resending the same request after a lost answer files nothing new)."""
    seed = f"key:{data.idempotency_key}" if data.idempotency_key else f"{data.fingerprint()}:{day.isoformat()}"
    return str(uuid.uuid5(REPLAY_NAMESPACE, f"{key.id}:{seed}"))


def _earlier(key: ApiKey, data: PartnerReport) -> Report | None:
    """Yesterday's identical request (a retry across midnight)."""
    if data.idempotency_key:
        return None
    yesterday = clock.now().astimezone(BEIJING).date() - timedelta(days=1)
    return db.session.scalar(db.select(Report).where(Report.client_id == _client_id(key, data, yesterday),
                                                     Report.reporter_id == key.user_id))


# attribute[request_kind]: 12345's kind of request, by our code or its Chinese name (诉求类型).
REQUEST_KIND_ATTRIBUTE = "request_kind"
REQUEST_KIND_NAMES = {"咨询": RequestKind.CONSULTATION, "建议": RequestKind.SUGGESTION, "举报": RequestKind.REPORT,
                      "投诉": RequestKind.COMPLAINT} | {kind.value: kind for kind in RequestKind}


def partner_request_kind(attributes: dict[str, list[str]]) -> str | None:
    """The kind of request a partner sent, as our code; None when it sent none (the chief may set it)."""
    values = [v.strip() for v in attributes.get(REQUEST_KIND_ATTRIBUTE, []) if v.strip()]
    if not values:
        return None
    if len(values) > 1 or values[0] not in REQUEST_KIND_NAMES:
        raise BadRequest(_l("The attribute %(code)s must be one of: %(keys)s.", code=REQUEST_KIND_ATTRIBUTE,
                            keys=", ".join(REQUEST_KIND_NAMES)))
    return REQUEST_KIND_NAMES[values[0]].value


def file_partner_report(key: ApiKey, data: PartnerReport) -> Created:
    """A partner's request becomes a normal case, at the street chief's at once, with its details beside it."""
    category = service(data.service_code)
    lon, lat, alley_id = _position(data)
    request_kind = partner_request_kind(data.attributes)
    answers = check_answers(category, {code: values for code, values in data.attributes.items()
                                       if code != REQUEST_KIND_ATTRIBUTE})
    _check_contact(data)
    if earlier := _earlier(key, data):
        return _answer(earlier.id)

    token = str(uuid.uuid4())

    def attach(report: Report) -> None:
        db.session.add(PartnerRequest(report_id=report.id, api_key_id=key.id, token=token,
                                      address_string=data.address_string.strip()[:300], media_url=data.media_url,
                                      answers=answers, contact={k: v for k, v in data.contact.items() if v},
                                      account_id=data.account_id, device_id=data.device_id))

    today = clock.now().astimezone(BEIJING).date()
    report_input = ReportInput(client_id=_client_id(key, data, today), category_code=category.code, lon=lon,
                               lat=lat, description=data.description.strip(), alley_id=alley_id,
                               request_kind=request_kind)
    filed = submit_report(key.user, report_input, attach=attach)
    return _answer(filed.id)


def _answer(report_id: int) -> Created:
    request = db.session.scalar(db.select(PartnerRequest).where(PartnerRequest.report_id == report_id))
    return Created(report_id, request.account_id)


def request_by_token(token: str) -> PartnerRequest:
    found = db.session.scalar(db.select(PartnerRequest).where(PartnerRequest.token == token))
    if found is None:
        raise NotFound(_l("No request with this token."))
    return found


# --- reading requests -----------------------------------------------------------------------------

SHOWN_WITH_REQUEST = (joinedload(Report.category), joinedload(Report.alley), joinedload(Report.street),
                      selectinload(Report.whistles).joinedload(Whistle.department), selectinload(Report.photos),
                      selectinload(Report.events), joinedload(Report.partner_request))


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # "open", "closed"


def date_range(start: str | None, end: str | None, default_span: timedelta) -> tuple[datetime, datetime]:
    """The period asked for: both ends or either (the other a span away), at most 90 days long."""
    start_at = parse_w3c(start, "start_date") if start else None
    end_at = parse_w3c(end, "end_date") if end else None
    if start_at and end_at:
        if end_at < start_at:
            raise BadRequest(_l("end_date is before start_date."))
        if end_at - start_at > MAX_SPAN:
            raise BadRequest(_l("end_date may be at most 90 days after start_date."))
    end_at = end_at or (min(start_at + default_span, clock.now()) if start_at else clock.now())
    return start_at or end_at - default_span, end_at


def parse_ids(value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(ID.match(part) for part in parts):
        raise BadRequest(_l("service_request_id must be a list of numbers separated by commas."))
    ids = tuple(int(part) for part in parts)
    if len(ids) > MAX_RESULTS:
        raise BadRequest(_l("At most 1000 service_request_id values at once."))
    return ids


def parse_statuses(values: list[str]) -> tuple[str, ...]:
    """status=open,closed or status=open&status=closed."""
    statuses = tuple(part.strip().lower() for value in values for part in value.split(",") if part.strip())
    if any(status not in ("open", "closed") for status in statuses):
        raise BadRequest(_l("status must be open, closed, or both separated by a comma."))
    return statuses


def find_requests(query: RequestQuery) -> list[Report]:
    """The cases asked for, newest first: by id (the other filters then do not apply), else by service, period
    and open/closed."""
    select = db.select(Report).options(*SHOWN_WITH_REQUEST).order_by(Report.created_at.desc(), Report.id.desc())
    if query.ids:
        return db.session.scalars(select.where(Report.id.in_(query.ids))).unique().all()
    if query.service_ids:
        select = select.where(Report.category_id.in_(query.service_ids))
    if query.start:
        select = select.where(Report.created_at >= query.start)
    if query.end:
        select = select.where(Report.created_at <= query.end)
    if set(query.statuses) == {"closed"}:
        select = select.where(Report.status.in_(OPEN311_CLOSED))
    elif set(query.statuses) == {"open"}:
        select = select.where(Report.status.not_in(OPEN311_CLOSED))
    return db.session.scalars(select.limit(MAX_RESULTS)).unique().all()


def one_request(report_id: int) -> Report:
    found = find_requests(RequestQuery(ids=(report_id,)))
    if not found:
        raise NotFound(_l("No request with this id."))
    return found[0]


def public_note(report: Report) -> str:
    """The note of the step that brought the case where it is, when anyone may read it (why it was resolved,
    rejected or reopened), or ""."""
    moves = [e for e in report.events if e.from_status != e.to_status]
    last = moves[-1] if moves else None
    return last.note if last and (last.details or {}).get("step") in PUBLIC_NOTES else ""


def expected_at(report: Report) -> datetime | None:
    """The latest on-site deadline (报到) of the departments working on the case now."""
    due = [as_utc(w.due_at) for w in report.whistles if w.is_active]
    return max(due) if due else None

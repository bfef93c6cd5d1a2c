"""GeoReport v2 endpoints: parse the form or query, call the Open311 service, answer in the asked format."""
from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from geoalchemy2.shape import to_shape

from webapp.errors import NotFound
from webapp.extensions import csrf, limiter
from webapp.labels import status_label, step_label
from webapp.models import Category, Report
from webapp.open311.blueprint import bp
from webapp.open311.formats import render
from webapp.services.cases.categories import all_departments
from webapp.services.cases.reports import active_categories
from webapp.services.partners import api_keys, open311, open311_updates
from webapp.services.partners.open311 import PartnerReport, RequestQuery, w3c
from webapp.services.partners.open311_updates import PartnerUpdateInput

FORMAT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-21T00:00:00+08:00"  # when this interface last changed (discovery)
CONTACT_FIELDS = ("first_name", "last_name", "phone", "email")
WHISTLE_GROUPS = {"enforcement": _l("Law enforcement (综合执法)"), "emergency": _l("Emergencies (应急处置)"),
                  "key_work": _l("Key work (重点工作)")}

csrf.exempt(bp)  # partners post forms with an api_key, not from our pages


def _partner_key():
    """The live key this request carries (or None), looked up once per request: the rate limit asks first."""
    if "open311_key" not in g:
        g.open311_key = api_keys.authenticate(request.values.get("api_key"))
    return g.open311_key


def _require_key():
    return open311.require_key(_partner_key(), given=bool(request.values.get("api_key")))


def _rate_key() -> str:
    """One budget per live partner key, else per address: a made-up key buys no budget of its own."""
    key = _partner_key()
    return f"key:{key.id}" if key else "ip:" + get_remote_address()


limiter.shared_limit(lambda: current_app.config["OPEN311_RATE_LIMIT"], scope="open311", key_func=_rate_key)(bp)


@bp.before_request
def check_jurisdiction():
    asked = request.values.get("jurisdiction_id")
    if asked and asked != current_app.config["OPEN311_JURISDICTION"]:
        raise NotFound(_l("jurisdiction_id %(id)s was not found.", id=asked))


def _locale() -> str:
    return str(get_locale())


# --- discovery and services -------------------------------------------------------------------------

@bp.get(f"/discovery.{FORMAT}")
def discovery(fmt: str):
    base = current_app.config["PUBLIC_URL"].rstrip("/") + "/open311/v2"
    return render(fmt, "discovery", {
        "changeset": CHANGESET, "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": current_app.config["OPEN311_KEY_SERVICE"],
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}]})


def _service_json(category: Category, departments: dict[str, str]) -> dict:
    called = "、".join(departments.get(code, code) for code in category.default_departments or [])
    description = category.name_for(_locale()) + (f" ({called})" if called else "")
    group = _l("Safety hazards (安全隐患)") if category.is_safety else WHISTLE_GROUPS[category.whistle_kind.value]
    return {"service_code": category.code, "service_name": category.name_for(_locale()),
            "description": description, "metadata": bool(category.questions), "type": "realtime",
            "keywords": category.keywords or "", "group": str(group)}


@bp.get(f"/services.{FORMAT}")
def services(fmt: str):
    departments = {d.code: d.name for d in all_departments()}
    return render(fmt, "services", [_service_json(c, departments) for c in active_categories()])


def _text(question: dict, name: str) -> str:
    return question.get(f"{name}_en" if _locale().startswith("en") else f"{name}_zh", "")


@bp.get(f"/services/<service_code>.{FORMAT}")
def service_definition(service_code: str, fmt: str):
    category = open311.service(service_code)
    attributes = [{"variable": True, "code": q["code"], "datatype": q["datatype"], "required": bool(q.get("required")),
                   "datatype_description": _text(q, "datatype_description"), "order": q.get("order", n),
                   "description": _text(q, "description"),
                   "values": [{"key": v["key"], "name": _text(v, "name")} for v in q.get("values", [])]}
                  for n, q in enumerate(category.questions or [], start=1)]
    return render(fmt, "service_definition", {"service_code": category.code, "attributes": attributes})


# --- requests -------------------------------------------------------------------------------------

def _attributes() -> dict[str, list[str]]:
    """attribute[code]=value and attribute[code][]=value (a multivaluelist), by code."""
    given: dict[str, list[str]] = {}
    for name in request.form:
        if name.startswith("attribute[") and "]" in name:
            code = name[len("attribute["):name.index("]")]
            given.setdefault(code, []).extend(request.form.getlist(name))
    return given


def _partner_report() -> PartnerReport:
    form = request.form
    return PartnerReport(
        service_code=form.get("service_code"), lat=form.get("lat"), long=form.get("long"),
        address_string=form.get("address_string", ""), address_id=form.get("address_id") or None,
        description=form.get("description", ""),
        media_url=form.get("media_url", "").strip(), attributes=_attributes(),
        contact={name: form.get(name, "").strip() for name in CONTACT_FIELDS if form.get(name, "").strip()},
        account_id=form.get("account_id") or None, device_id=form.get("device_id") or None,
        idempotency_key=request.headers.get("Idempotency-Key"))


@bp.post(f"/requests.{FORMAT}")
def create_request(fmt: str):
    key = _require_key()
    created = open311.file_partner_report(key, _partner_report())
    notice = _l("Received: the street chief has the case (接诉即办). Number %(id)s.", id=created.report_id)
    # A realtime answer carries the id and no token (the spec: one or the other); tokens/{token} still answers.
    return render(fmt, "service_requests", [{"service_request_id": str(created.report_id), "service_notice": str(notice),
                                             "account_id": created.account_id}], 201)


def _media_url(report: Report) -> str | None:
    own = [p for p in report.photos if p.event_id is None]
    if own:  # the public address, not the one this request came in by (behind a proxy it is an inner one)
        return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("api.photo", report_id=report.id,
                                                                      position=own[0].position)
    return (report.partner_request.media_url or None) if report.partner_request else None


def _request_json(report: Report) -> dict:
    point = to_shape(report.location)
    note = open311.public_note(report)
    departments = list(dict.fromkeys(w.department.name for w in report.whistles))
    return {
        "service_request_id": str(report.id), "status": open311.open311_status(report.status),
        "status_notes": status_label(report.status) + (f": {note}" if note else ""),
        "service_name": report.category.name_for(_locale()), "service_code": report.category.code,
        "description": report.description, "agency_responsible": "、".join(departments), "service_notice": "",
        "requested_datetime": w3c(report.created_at), "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(open311.expected_at(report)),
        "address": ", ".join(n for n in (report.alley.name if report.alley else None, report.street.name) if n),
        "address_id": str(report.alley_id) if report.alley_id else "", "zipcode": "",
        "lat": round(point.y, 6), "long": round(point.x, 6), "media_url": _media_url(report),
        "request_kind": report.request_kind.value if report.request_kind else None}  # ours: 咨询/建议/举报/投诉


@bp.get(f"/requests.{FORMAT}")
def list_requests(fmt: str):
    args = request.args
    if args.get("service_request_id"):
        query = RequestQuery(ids=open311.parse_ids(args["service_request_id"]))
    else:
        start, end = open311.date_range(args.get("start_date"), args.get("end_date"), open311.MAX_SPAN)
        codes = ",".join(args.getlist("service_code"))
        query = RequestQuery(service_ids=tuple(open311.service_ids(codes)) if codes else (), start=start, end=end,
                             statuses=open311.parse_statuses(args.getlist("status")))
    return render(fmt, "service_requests", [_request_json(r) for r in open311.find_requests(query)])


@bp.get(f"/requests/<int(max=999999999):report_id>.{FORMAT}")
def one_request(report_id: int, fmt: str):
    return render(fmt, "service_requests", [_request_json(open311.one_request(report_id))])


@bp.get(f"/tokens/<token>.{FORMAT}")
def token(token: str, fmt: str):
    found = open311.request_by_token(token)
    return render(fmt, "service_requests", [{"service_request_id": str(found.report_id), "token": found.token}])


# --- updates (FixMyStreet's servicerequestupdates) ------------------------------------------------

@bp.post(f"/servicerequestupdates.{FORMAT}")
def post_update(fmt: str):
    key = _require_key()
    form = request.form
    update_id = open311_updates.post_update(key, PartnerUpdateInput(
        service_request_id=form.get("service_request_id"), update_id=form.get("update_id"),
        updated_datetime=form.get("updated_datetime"), status=form.get("status"),
        description=form.get("description", ""), media_url=form.get("media_url", "").strip()))
    return render(fmt, "service_request_updates", [{"update_id": str(update_id)}], 201)


def _update_json(entry) -> dict:
    return {"update_id": str(entry.event_id), "service_request_id": str(entry.report_id),
            "status": open311.open311_status(entry.status), "updated_datetime": w3c(entry.at),
            "description": entry.note or (step_label(entry.step) if entry.step else status_label(entry.status)),
            "media_url": ""}  # a step's evidence photos are shown only to those who see the case in full


@bp.get(f"/servicerequestupdates.{FORMAT}")
def list_updates(fmt: str):
    key = _require_key()
    start, end = open311.date_range(request.args.get("start_date"), request.args.get("end_date"),
                                    open311.UPDATES_DEFAULT_SPAN)
    entries = open311_updates.updates_between(key, start, end)
    return render(fmt, "service_request_updates", [_update_json(e) for e in entries])

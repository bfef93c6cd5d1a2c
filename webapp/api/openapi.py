"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json (a test keeps it complete)."""
from flask import jsonify

from webapp.api.blueprint import bp


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _geojson(description: str) -> dict:
    return {"description": description, "content": {"application/geo+json": {"schema": {"type": "object"}}}}


ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {status: _json(ERROR, text) for status, text in (
    ("400", "Invalid input"), ("401", "Not signed in"), ("403", "Not allowed"), ("404", "Not found"),
    ("409", "Conflicts with the current state"))}


def _errors(*statuses: str) -> dict:
    return {s: ERRORS[s] for s in statuses}


REPORT_ID = [{"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
ALLEY_ID = [{"name": "alley_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
ACTIVITY_ID = [{"name": "activity_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
# A volunteer's attendance at an activity, as every activity call answers it.
ATTENDANCE = {"type": "object", "properties": {
    "activity_id": {"type": "integer"},
    "state": {"enum": ["signed_up", "cancelled", "checked_in", "attended", "no_show"]},
    "checked_in_at": {"type": "string", "format": "date-time", "nullable": True},
    "checked_out_at": {"type": "string", "format": "date-time", "nullable": True},
    "hours": {"type": "number"}, "method": {"enum": ["qr", "position", "organizer", None], "nullable": True}}}

REQUEST_KIND = {"enum": ["consultation", "suggestion", "report", "complaint"],
                "description": "12345's kind of request: 咨询 / 建议 / 举报 / 投诉"}
STEP_FIELDS = {
    "note": {"type": "string", "maxLength": 2000},
    "departments": {"type": "array", "items": {"type": "string"}, "description": "department codes (whistle)"},
    "kind": {"enum": ["enforcement", "emergency", "key_work"], "description": "whistle kind"},
    "duplicate_of": {"type": "integer", "description": "the case this one duplicates (merge)"},
    "priority": {"enum": ["normal", "high", "urgent"]},
    "satisfaction": {"enum": ["satisfied", "basically", "unsatisfied"], "description": "verdict"},
    "lon": {"type": "number"}, "lat": {"type": "number"}, "request_kind": REQUEST_KIND}
PERFORMANCE_QUERY = [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in (
    ("street", {"type": "string", "description": "a street id, or all"}), ("days", {"type": "integer"}),
    ("from", {"type": "string", "format": "date"}), ("to", {"type": "string", "format": "date"}),
    ("bucket", {"enum": ["day", "week", "month"]}), ("alley", {"type": "integer"}), ("category", {"type": "string"}),
    ("department", {"type": "string"}), ("kind", REQUEST_KIND))]
STEP_BODY = {"content": {
    "application/json": {"schema": {"type": "object", "properties": STEP_FIELDS}},
    "multipart/form-data": {"schema": {"type": "object", "properties": STEP_FIELDS | {
        "photo": {"type": "string", "format": "binary"}}}}}}
# Each step of the case lifecycle (webapp/services/cases/transitions.py MOVES): who takes it and what it needs.
STEPS = {
    "handle-on-spot": "劝导: a steward of the report's alley marks it handled on the spot; `note` required",
    "escalate": "Pass the report to the street chief (the alley's stewards, or the reporter)",
    "accept": "The street chief accepts an escalated case",
    "reject": "The street chief rejects a case; `note` (the reason) required",
    "merge": "The street chief merges a duplicate into `duplicate_of`; its reporter and followers follow that case",
    "whistle": "吹哨: the chief calls `departments` (default: the category's) with a whistle `kind`; each must "
               "report on site before the kind's deadline",
    "set-priority": "The chief sets `priority`",
    "set-request-kind": "The chief sets the case's `request_kind` (咨询 / 建议 / 举报 / 投诉)",
    "reply": "The chief answers the reporter; `note` required",
    "report-on-site": "报到: an officer of a whistled department reports on site, optionally with `lon`/`lat`",
    "add-note": "An officer of a whistled department adds a `note` or a `photo`",
    "finish-part": "An officer marks the department's part done",
    "resolve": "The chief resolves the case with evidence (`note` or `photo`); every department's part must be done",
    "verdict": "The reporter (or a follower) answers a resolution with `satisfaction`; 不满意 from the reporter "
               "reopens the case",
    "reopen": "The chief reopens a resolved or closed case; `note` required",
    "community-resolve": "A worker of the community holding the case resolves it with evidence (`note` or `photo`)",
    "community-on-spot": "A worker of the community holding the case marks it handled on the spot; `note` required",
    "pass-up": "A worker of the community holding the case passes it up to the street chief; `note` required",
    "pull-up": "The street chief takes a case from the community holding it into the chief's own queue",
}

PATHS = {
    "/api/v1/streets": {"get": {"summary": "Streets with their extent and number of alleys",
                                "responses": {"200": _json({"type": "object"})}}},
    "/api/v1/alleys": {"get": {
        "summary": "Alleys meeting a bbox, as GeoJSON (WGS-84), with claim state for the signed-in user",
        "parameters": [
            {"name": "bbox", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "minLon,minLat,maxLon,maxLat"},
            {"name": "street", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": _geojson("FeatureCollection"), **_errors("400")}}},
    "/api/v1/alleys/{alley_id}": {"get": {
        "summary": "One alley with its stewards, last patrol and what the user may do",
        "parameters": ALLEY_ID, "responses": {"200": _geojson("Feature"), **_errors("404")}}},
    "/api/v1/alleys/{alley_id}/claim": {
        "post": {"summary": "Claim the alley (join its team of stewards)", "parameters": ALLEY_ID,
                 "responses": {"201": _json({"type": "object"}, "Claimed"),
                               **_errors("401", "403", "404", "409")}},
        "delete": {"summary": "Leave the alley (the claim stays as history)", "parameters": ALLEY_ID,
                   "responses": {"200": _json({"type": "object"}, "Left"), **_errors("401", "404")}}},
    "/api/v1/me": {"get": {"summary": "The signed-in user, roles and claim limit",
                           "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/me/alleys": {"get": {"summary": "Alleys the signed-in volunteer looks after",
                                  "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/invitations": {"post": {
        "summary": "Create an invitation granting a role in a street (organizers)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["role", "street_id"],
            "properties": {"role": {"type": "string"}, "street_id": {"type": "integer"},
                           "department_id": {"type": "integer"}, "days": {"type": "integer"},
                           "max_uses": {"type": "integer"}}}}}},
        "responses": {"201": _json({"type": "object"}, "Created"), **_errors("400", "401", "403")}}},
    "/api/v1/patrols/checklist": {"get": {"summary": "The 十无 checklist items with translated labels, each with the "
                                                     "category a problem ticked there is reported in",
                                          "responses": {"200": _json({"type": "object"})}}},
    "/api/v1/me/patrols": {"get": {
        "summary": "My latest patrols with the cases found on them (and their status), and my patrol findings whose "
                   "patrol has not arrived yet",
        "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/roster": {"get": {
        "summary": "The organizer's street's volunteers with their year's hours and the problems they handled "
                   "(on the spot, escalated, resolved and confirmed) in the year or ?from=&to=; the roster page's "
                   "filters and ?sort= (name, hours, on_the_spot, escalated, confirmed; '-' for the largest first)",
        "parameters": [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                       for name in ("street", "q", "role", "team", "status", "idle_days", "min_hours", "from", "to",
                                    "sort")],
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401", "403")}}},
    "/api/v1/patrols": {"post": {
        "summary": "Record a finished patrol; idempotent on client_id",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/PatrolInput"}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Patrol"}, "Recorded"),
                      "200": _json({"$ref": "#/components/schemas/Patrol"}, "Already recorded (replay)"),
                      **_errors("400", "401", "403", "404", "409")}}},
    "/api/v1/categories": {"get": {"summary": "Active report categories with names in the user's language",
                                   "responses": {"200": _json({"type": "object"})}}},
    "/api/v1/reports": {"post": {
        "summary": "File a report; idempotent on client_id. JSON, or multipart with a `data` JSON part and "
                   "up to 6 `photos` files (JPEG/PNG/WebP, <= 10 MB, <= 40 MP each)",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ReportInput"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "data": {"type": "string", "description": "ReportInput as JSON"},
                "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
        "responses": {"201": _json({"type": "object"}, "Filed"), "200": _json({"type": "object"}, "Replay"),
                      **_errors("400", "401", "403", "409")}}},
    "/api/v1/reports/nearby": {"get": {
        "summary": "Open reports of a category within 50 m from the last 30 days (likely duplicates)",
        "parameters": [{"name": n, "in": "query", "required": True, "schema": {"type": t}}
                       for n, t in (("category", "string"), ("lon", "number"), ("lat", "number"))],
        "responses": {"200": _json({"type": "object"}), **_errors("400")}}},
    "/api/v1/reports/{report_id}": {"get": {
        "summary": "One report (the public view never names the reporter)", "parameters": REPORT_ID,
        "responses": {"200": _json({"type": "object"}), **_errors("404")}}},
    "/api/v1/reports/{report_id}/follow": {"post": {
        "summary": "Me too: follow the report instead of filing a new one", "parameters": REPORT_ID,
        "responses": {"200": _json({"type": "object"}), **_errors("401", "403", "404", "409")}}},
    **{f"/api/v1/reports/{{report_id}}/{slug}": {"post": {
        "summary": summary + ". JSON, or multipart with one `photo`; answers the case as the user now sees it",
        "parameters": REPORT_ID, "requestBody": STEP_BODY,
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401", "403", "404", "409")}}}
       for slug, summary in STEPS.items()},
    "/api/v1/triage/queue": {"get": {
        "summary": "The street chief's queue: escalated cases not yet closed in the chief's streets, the chief's own "
                   "alleys first (街巷长 per alley), then overdue whistles, then by priority and age",
        "parameters": [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in (
            ("status", {"type": "string"}), ("category", {"type": "string"}), ("alley", {"type": "integer"}),
            ("overdue", {"enum": ["0", "1"]}), ("age_hours", {"type": "number"}),
            ("mine", {"enum": ["0", "1"], "description": "only the alleys the chief is the alley chief of"}))],
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401", "403")}}},
    "/api/v1/performance": {"get": {
        "summary": "A street's performance over a period: the three rates (definitions included) with their counts, "
                   "over time, per category, department and alley, the district's street ranking, hotspot alleys, "
                   "overdue whistles now and coverage. For the street's chiefs and organizers; street=all for admins",
        "parameters": PERFORMANCE_QUERY,
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401", "403", "404")}}},
    "/api/v1/performance/heat": {"get": {
        "summary": "New cases of the period counted on a grid of about 100 m: [[lat, lon, count], ...] for the heat map",
        "parameters": PERFORMANCE_QUERY,
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401", "403", "404")}}},
    "/api/v1/department/whistles": {"get": {
        "summary": "Whistles for the officer's departments: overdue first, then by deadline, with the steps allowed now",
        "responses": {"200": _json({"type": "object"}), **_errors("401", "403")}}},
    "/api/v1/notifications": {"get": {
        "summary": "My inbox, newest first (30 at a time; ?before=<id> for older), with the unread count",
        "parameters": [{"name": "before", "in": "query", "required": False, "schema": {"type": "integer"}}],
        "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/notifications/unread": {"get": {
        "summary": "How many of my notifications are unread (the bell; cheap enough to poll)",
        "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/notifications/read": {"post": {
        "summary": "Mark notifications read: {\"ids\": [...]}, or {} for all of them",
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": _json({"type": "object"}), **_errors("400", "401")}}},
    "/api/v1/notifications/preferences": {
        "get": {"summary": "Which kinds of notification are pushed to my devices (all stay in the inbox)",
                "responses": {"200": _json({"type": "object"}), **_errors("401")}},
        "put": {"summary": "Turn pushing a kind on or off: {\"resolved\": false, ...}; whistles cannot be turned off",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": _json({"type": "object"}), **_errors("400", "401")}}},
    "/api/v1/push/key": {"get": {
        "summary": "The VAPID public key (applicationServerKey) to subscribe with; enabled is false without one",
        "responses": {"200": _json({"type": "object"})}}},
    "/api/v1/push/subscriptions": {
        "get": {"summary": "My devices that receive push notifications",
                "responses": {"200": _json({"type": "object"}), **_errors("401")}},
        "post": {"summary": "Subscribe this browser: the PushSubscription JSON (endpoint, keys.p256dh, keys.auth) "
                            "and an optional device label",
                 "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                 "responses": {"201": _json({"type": "object"}, "Subscribed"), **_errors("400", "401")}},
        "delete": {"summary": "Unsubscribe this browser: {\"endpoint\": ...}",
                   "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                   "responses": {"204": {"description": "Unsubscribed"}, **_errors("401")}}},
    "/api/v1/push/subscriptions/{subscription_id}": {"delete": {
        "summary": "Remove one of my devices",
        "parameters": [{"name": "subscription_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"204": {"description": "Removed"}, **_errors("401")}}},
    "/api/v1/me/reports": {"get": {
        "summary": "My reports and the ones I follow, newest first, each with its case file steps",
        "responses": {"200": _json({"type": "object"}), **_errors("401")}}},
    "/api/v1/alleys/{alley_id}/reports": {"get": {
        "summary": "The alley's open reports (public view)", "parameters": ALLEY_ID,
        "responses": {"200": _json({"type": "object"}), **_errors("404")}}},
    "/api/v1/reports/{report_id}/photos/{position}": {"get": {
        "summary": "A report's photo (JPEG, metadata removed); ?size=thumb for the thumbnail",
        "parameters": REPORT_ID + [{"name": "position", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "JPEG", "content": {"image/jpeg": {}}}, **_errors("404")}}},
    "/api/v1/activities/{activity_id}/sign-up": {
        "post": {"summary": "Sign up for a group activity (its street's volunteers; a team's activity for its "
                            "members) before it starts; a second sign-up changes nothing",
                 "parameters": ACTIVITY_ID,
                 "responses": {"200": _json(ATTENDANCE, "Signed up"), **_errors("401", "403", "404", "409")}},
        "delete": {"summary": "Cancel my sign-up before the activity starts (frees the place)",
                   "parameters": ACTIVITY_ID,
                   "responses": {"200": _json(ATTENDANCE, "Cancelled"), **_errors("401", "404", "409")}}},
    "/api/v1/activities/{activity_id}/check-in": {"post": {
        "summary": "Check in, from CHECK_IN_OPENS_MINUTES before the start until the end: with the QR code's "
                   "`code`, or a WGS-84 position (`lon`, `lat`, `accuracy_m`) within CHECK_IN_RADIUS_M of the place. "
                   "Signs up a volunteer who had not, if there is room; a second check-in changes nothing",
        "parameters": ACTIVITY_ID,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"code": {"type": "string"}, "lon": {"type": "number"},
                                             "lat": {"type": "number"}, "accuracy_m": {"type": "number"}}}}}},
        "responses": {"200": _json(ATTENDANCE, "Checked in"),
                      **_errors("400", "401", "403", "404", "409")}}},
    "/api/v1/activities/{activity_id}/check-out": {"post": {
        "summary": "Check out; the hours between check-in and now that lie within the activity are credited",
        "parameters": ACTIVITY_ID,
        "responses": {"200": _json(ATTENDANCE, "Checked out"), **_errors("401", "404", "409")}}},
    "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json({"type": "object"})}}},
}

SCHEMAS = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string", "description": "In the user's language"},
        "details": {"type": "object"}}}}},
    "PatrolInput": {"type": "object", "required": ["client_id", "alley_id", "started_at", "finished_at", "fixes"],
                    "properties": {
                        "client_id": {"type": "string", "format": "uuid"}, "alley_id": {"type": "integer"},
                        "started_at": {"type": "string", "format": "date-time"},
                        "finished_at": {"type": "string", "format": "date-time"},
                        "fixes": {"type": "array", "items": {"type": "object", "required": ["lon", "lat", "t"],
                                                             "properties": {
                                                                 "lon": {"type": "number"}, "lat": {"type": "number"},
                                                                 "t": {"type": "integer",
                                                                       "description": "epoch milliseconds"},
                                                                 "accuracy": {"type": "number"}}}},
                        "checklist": {"type": "object", "additionalProperties": {"enum": ["ok", "problem"]}},
                        "problems": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "ReportInput": {"type": "object", "required": ["client_id", "category", "lon", "lat"], "properties": {
        "client_id": {"type": "string", "format": "uuid"}, "category": {"type": "string"},
        "lon": {"type": "number"}, "lat": {"type": "number"}, "accuracy": {"type": "number"},
        "description": {"type": "string", "maxLength": 2000}, "anonymous": {"type": "boolean"},
        "request_kind": REQUEST_KIND | {"description": "12345's kind of request; default report (举报)"},
        "patrol_client_id": {"type": "string", "format": "uuid",
                             "description": "A patrol finding: the client_id of the patrol it was found on (yours; "
                                            "it may be sent before or after the patrol)"},
        "checklist_item": {"type": "string", "description": "The 十无 item ticked (with patrol_client_id)"}}},
    "Patrol": {"type": "object", "properties": {
        "id": {"type": "integer"}, "client_id": {"type": "string"}, "alley_id": {"type": "integer"},
        "covered": {"type": "boolean"}, "coverage_ratio": {"type": "number"}, "distance_m": {"type": "number"},
        "duration_s": {"type": "integer"}, "hours": {"type": "number"}, "fix_count": {"type": "integer"}}},
}


# 门前三包: shops and frontage checks.
POSITION_QUERY = [{"name": n, "in": "query", "required": True, "schema": {"type": "number"}} for n in ("lon", "lat")]
PATHS |= {
    "/api/v1/alleys/{alley_id}/shops": {"get": {
        "summary": "The alley's shops (门前三包) with the duties they signed; can_check and their last checks for a "
                   "steward holding the alley", "parameters": ALLEY_ID,
        "responses": {"200": _json({"type": "object"}), **_errors("404")}}},
    "/api/v1/shops/nearby": {"get": {
        "summary": "Shops within 50 m of a position, nearest first (a report may name one)",
        "parameters": POSITION_QUERY, "responses": {"200": _json({"type": "object"}), **_errors("400")}}},
    "/api/v1/frontage-checks": {"post": {
        "summary": "Record a frontage check of a shop of an alley one holds; idempotent on client_id. JSON "
                   "{client_id, shop_id, results: {safety|sanitation|order: kept|warned|broken}, note}, or multipart "
                   "with a `data` JSON part and one `photo` file",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["client_id", "shop_id", "results"]}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "data": {"type": "string"}, "photo": {"type": "string", "format": "binary"}}}}}},
        "responses": {"201": _json({"type": "object"}, "Recorded"), "200": _json({"type": "object"}, "Replay"),
                      **_errors("400", "401", "403", "404", "409")}}},
    "/api/v1/frontage-checks/{check_id}/photo": {"get": {
        "summary": "A check's photo (JPEG; ?size=thumb), for its steward and the street's organizers and chiefs",
        "parameters": [{"name": "check_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "JPEG", "content": {"image/jpeg": {}}}, **_errors("401", "403", "404")}}},
}
SCHEMAS["ReportInput"]["properties"]["shop_id"] = {"type": "integer", "description": "a shop of the street it names"}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "小巷管家 Alley Stewards API", "version": "1",
                 "description": "Session cookie authentication; JSON writes send the X-CSRFToken header."},
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())

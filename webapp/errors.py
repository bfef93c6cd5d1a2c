"""Typed domain errors and the one handler that renders them (and HTTP errors) as HTML or JSON."""
import math
import time

from flask import jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule was broken; `code` is stable for clients, `message` is shown to people."""

    code = "error"
    http_status = 400
    message = _l("Something went wrong.")

    def __init__(self, message=None, **details):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        self.details = details


class BadRequest(DomainError):
    code = "bad_request"
    message = _l("The request is not valid.")


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401
    message = _l("Please sign in first.")


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    message = _l("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403
    message = _l("You are not allowed to do that.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    message = _l("That conflicts with the current state.")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    message = _l("This report has moved on: that step is no longer possible.")


class PartsOpen(Conflict):
    code = "parts_open"
    message = _l("Some whistled departments have not finished their part yet.")


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _render(status: int, code: str, message: str, details: dict | None = None):
    if request.path.startswith("/open311/"):  # partners get the spec's <errors> body in the format they asked for
        from webapp.open311.formats import error_response

        return error_response(status, message)
    if wants_json():
        body = {"error": {"code": code, "message": str(message)}}
        if details:
            body["error"]["details"] = details
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


_HTTP_MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Please sign in first."),
    403: _l("You are not allowed to do that."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The upload is too large."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def _too_many():
    """429 with when to try again (Retry-After, and in words); the same for any account, known or not."""
    from webapp.extensions import limiter

    breached = limiter.current_limit
    seconds = max(1, math.ceil(breached.window[0] - time.time())) if breached else 60  # window[0]: when it resets
    minutes = max(1, math.ceil(seconds / 60))
    message = _l("Too many attempts. Please try again in %(minutes)s min.", minutes=minutes)
    response = make_response(_render(429, "too_many_requests", message, {"retry_after": seconds}))
    response.headers["Retry-After"] = str(seconds)
    return response


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        return _render(err.http_status, err.code, err.message, err.details)

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        # Its own code, so an app sending a queued report knows to fetch a fresh token rather than give up.
        return _render(400, "csrf_failed", _l("This page has expired. Please reload it and try again."))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code == 429:
            return _too_many()
        message = _HTTP_MESSAGES.get(err.code, err.description)
        return _render(err.code, err.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected_error(err: Exception):
        app.logger.exception("unhandled error")
        return _render(500, "internal_error", _HTTP_MESSAGES[500])


class AlleyFull(Conflict):
    code = "alley_full"
    message = _l("This alley already has its full team of stewards.")


class ClaimLimitReached(Conflict):
    code = "claim_limit"
    message = _l("You already look after as many alleys as a volunteer may. Leave one first.")


class AlreadyClaimed(Conflict):
    code = "already_claimed"
    message = _l("You already look after this alley.")


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    message = _l("This request was already sent with different content.")


class LimitReached(Conflict):
    """A volunteer already holds as many teams or posts as the settings allow."""
    code = "limit_reached"


class AlreadyMember(Conflict):
    code = "already_member"
    message = _l("This volunteer is already in it.")


class ActivityFull(Conflict):
    code = "activity_full"
    message = _l("This activity is full.")


class CheckInRefused(Conflict):
    """Check-in outside its window, with a wrong code, or too far from the place."""
    code = "check_in_refused"

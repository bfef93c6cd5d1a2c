"""GET /api/v1/me (who is signed in) and POST /api/v1/invitations (an organizer invites someone)."""
from dataclasses import dataclass

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.api.blueprint import bp
from webapp.errors import BadRequest, Unauthorized
from webapp.policies import can_view_account
from webapp.services.volunteers import accounts


@dataclass(frozen=True)
class InvitationRequest:
    role: str
    street_id: int
    department_id: int | None
    days: int | None
    max_uses: int

    @classmethod
    def parse(cls, body) -> "InvitationRequest":
        if not isinstance(body, dict):
            raise BadRequest(_l("Send a JSON object."))

        def whole(name, required=False, default=None):
            value = body.get(name, default)
            if value is None and not required:
                return default
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadRequest(_l("%(name)s must be a whole number.", name=name), field=name)
            return value

        role = body.get("role")
        if not isinstance(role, str):
            raise BadRequest(_l("Unknown role."), field="role")
        return cls(role=role, street_id=whole("street_id", required=True), department_id=whole("department_id"),
                   days=whole("days"), max_uses=whole("max_uses", default=1))


@bp.get("/me")
def me():
    if not can_view_account(current_user):
        raise Unauthorized()
    return jsonify(accounts.account_summary(current_user))


@bp.post("/invitations")
def create_invitation():
    if not current_user.is_authenticated:
        raise Unauthorized()
    wanted = InvitationRequest.parse(request.get_json(silent=True))
    invitation = accounts.create_invitation(current_user, wanted.street_id, wanted.role, wanted.department_id,
                                            wanted.days, wanted.max_uses)
    return jsonify({
        "code": invitation.code,
        "url": url_for("auth.invite", code=invitation.code, _external=True),
        "role": invitation.role.value,
        "street_id": invitation.street_id,
        "department_id": invitation.department_id,
        "max_uses": invitation.max_uses,
        "expires_at": invitation.expires_at.isoformat(),
    }), 201

"""The inbox and Web Push as JSON: /api/v1/notifications..., /api/v1/push/..."""
from flask import jsonify, request
from flask_login import current_user, login_required

from webapp.api.blueprint import bp
from webapp.channels import webpush
from webapp.errors import BadRequest
from webapp.models import URGENT_PUSH_KINDS
from webapp.services.notifications import outbox, subscriptions
from webapp.services.notifications.messages import message_for


def notification_json(notification) -> dict:
    message = message_for(notification)
    return {"id": notification.id, "kind": notification.kind.value, "title": message.title, "body": message.body,
            "url": message.url, "report_id": notification.report_id,
            "created_at": notification.created_at.isoformat(), "read": notification.read_at is not None}


def _private(response):
    response.headers["Cache-Control"] = "no-store"  # one person's inbox, live: never from a cache
    return response


@bp.get("/notifications")
@login_required
def notification_list():
    before = request.args.get("before", type=int)
    items = outbox.inbox(current_user, before_id=before)
    return _private(jsonify({"unread": outbox.unread_count(current_user),
                             "items": [notification_json(n) for n in items],
                             "next_before": items[-1].id if len(items) == outbox.INBOX_PAGE else None}))


@bp.get("/notifications/unread")
@login_required
def notification_unread():
    return _private(jsonify({"unread": outbox.unread_count(current_user)}))


@bp.post("/notifications/read")
@login_required
def notification_read():
    body = request.get_json(silent=True) or {}
    ids = body.get("ids")
    if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
        raise BadRequest(field="ids")
    outbox.mark_read(current_user, ids)
    return _private(jsonify({"unread": outbox.unread_count(current_user)}))


def preferences_json() -> dict:
    return {"preferences": {k.value: on for k, on in subscriptions.preferences(current_user).items()},
            "always": sorted(k.value for k in URGENT_PUSH_KINDS)}


@bp.get("/notifications/preferences")
@login_required
def preferences_get():
    return _private(jsonify(preferences_json()))


@bp.put("/notifications/preferences")
@login_required
def preferences_put():
    subscriptions.set_preferences(current_user, request.get_json(silent=True))
    return _private(jsonify(preferences_json()))


@bp.get("/push/key")
def push_key():
    """The VAPID public key a browser subscribes with; enabled is false when the server has no key."""
    key = webpush.public_key()
    return jsonify({"enabled": key is not None, "public_key": key})


def subscription_json(row) -> dict:
    return {"id": row.id, "device": row.device, "endpoint": row.endpoint, "created_at": row.created_at.isoformat(),
            "last_sent_at": row.last_sent_at.isoformat() if row.last_sent_at else None}


@bp.get("/push/subscriptions")
@login_required
def subscription_list():
    return _private(jsonify({"subscriptions": [subscription_json(s) for s in subscriptions.devices_of(current_user)]}))


@bp.post("/push/subscriptions")
@login_required
def subscription_create():
    body = request.get_json(silent=True)
    device = body.get("device", "") if isinstance(body, dict) and isinstance(body.get("device"), str) else ""
    row = subscriptions.subscribe(current_user, body, device=device)
    return jsonify(subscription_json(row)), 201


@bp.delete("/push/subscriptions")
@login_required
def subscription_delete_by_endpoint():
    body = request.get_json(silent=True) or {}
    subscriptions.unsubscribe(current_user, endpoint=body.get("endpoint") if isinstance(body, dict) else None)
    return "", 204


@bp.delete("/push/subscriptions/<int:subscription_id>")
@login_required
def subscription_delete(subscription_id: int):
    subscriptions.unsubscribe(current_user, subscription_id=subscription_id)
    return "", 204

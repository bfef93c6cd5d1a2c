"""The blueprint of webapp/notifications/ (its __init__ says what it serves) and the helpers it lends the whole app."""
from flask import Blueprint
from flask_login import current_user

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    # A callable, so the count is only asked for on pages that show the bell.
    def count() -> int:
        from webapp.services.notifications.outbox import unread_count

        return unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": count}

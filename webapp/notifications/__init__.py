"""The inbox (a bell with an unread count on every page) and the notification settings per user and device."""
from webapp.notifications.blueprint import bp  # noqa: F401
from webapp.notifications import routes  # noqa: F401  (they attach their routes to bp)

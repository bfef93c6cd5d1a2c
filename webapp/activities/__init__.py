"""Volunteers' group activities on the phone: the list, sign-up, and check-in by QR code or position."""
from webapp.activities.blueprint import bp  # noqa: F401
from webapp.activities import routes  # noqa: F401  (they attach their routes to bp)

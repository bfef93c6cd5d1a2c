"""Accounts pages: sign in and out, register (with an invitation), change the password, display settings."""
from webapp.auth.blueprint import bp, unauthorized  # noqa: F401
from webapp.auth import display, routes  # noqa: F401  (they attach their routes to bp)

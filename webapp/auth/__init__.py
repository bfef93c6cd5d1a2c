"""Accounts pages: sign in and out, register (with an invitation), change the password."""
from webapp.auth.blueprint import bp, unauthorized  # noqa: F401
from webapp.auth import routes  # noqa: F401  (they attach their routes to bp)

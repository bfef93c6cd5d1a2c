"""A volunteer's patrols on the phone: each with the cases it raised and their status, and what they achieved."""
from webapp.patrols.blueprint import bp  # noqa: F401
from webapp.patrols import routes  # noqa: F401  (they attach their routes to bp)

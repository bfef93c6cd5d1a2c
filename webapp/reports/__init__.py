"""Report pages: one report's case file with the steps the user may take, and "My reports"."""
from webapp.reports.blueprint import bp  # noqa: F401
from webapp.reports import routes  # noqa: F401  (they attach their routes to bp)

"""Department officers' view: whistles for my department, 报到, notes and evidence, my part done."""
from webapp.department.blueprint import bp  # noqa: F401
from webapp.department import routes  # noqa: F401  (they attach their routes to bp)

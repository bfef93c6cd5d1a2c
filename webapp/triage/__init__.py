"""The street chief's triage screen (tablet first): the queue, its map and one case's file with the actions."""
from webapp.triage.blueprint import bp  # noqa: F401
from webapp.triage import routes  # noqa: F401  (they attach their routes to bp)

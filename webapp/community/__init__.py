"""The community's queue (社区, phone and tablet): the cases its community holds, to resolve or pass up."""
from webapp.community.blueprint import bp  # noqa: F401
from webapp.community import routes  # noqa: F401  (they attach their routes to bp)

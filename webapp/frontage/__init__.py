"""门前三包 pages for a street's organizers and chiefs (tablet and desktop): the shops with their signed duties,
registering and editing them, the CSV import, and the repeat breaches with their xlsx export."""
from webapp.frontage.blueprint import bp  # noqa: F401
from webapp.frontage import routes  # noqa: F401  (they attach their routes to bp)

"""Partners: Open311 GeoReport v2 for partner systems, filing and reading cases (open311.py) and their updates
(open311_updates.py), and the partners' API keys (api_keys.py). May call cases."""

"""What a phone keeps for use with no signal from its first visit on: the pages and data this person needs."""
import time

from flask import url_for
from flask_login import current_user


def offline_keep() -> dict:
    """For the service worker (through js/sw-register.js): whose they are, so a phone passed to someone else (or
    signed out) drops the previous person's pages, and the URLs to keep besides what the page fetched itself.
    `at` (ms) lets the worker tell a fresh page from a copy it served itself (an older sign-in state)."""
    urls = [url_for("map.index"), url_for("api.categories")]
    if not current_user.is_authenticated:
        return {"owner": None, "at": _now_ms(), "urls": urls}
    urls.append(url_for("reports.mine"))
    if any(grant.role.is_volunteer for grant in getattr(current_user, "grants", ())):
        urls += [url_for("patrols.mine"), url_for("api.checklist")]
    return {"owner": current_user.id, "at": _now_ms(), "urls": urls}


def _now_ms() -> int:
    return int(time.time() * 1000)

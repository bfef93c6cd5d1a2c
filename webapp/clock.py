"""The app's idea of now: real UTC time, unless a test put a clock in app.extensions["clock"]."""
from datetime import datetime

from flask import current_app, has_app_context

from webapp.models.places import utcnow


def now() -> datetime:
    if has_app_context() and "clock" in current_app.extensions:
        return current_app.extensions["clock"]()
    return utcnow()

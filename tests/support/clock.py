"""A clock for tests to put in app.extensions["clock"] (see webapp/clock.py): it moves only when told."""
from datetime import datetime, timedelta

from webapp.models.places import utcnow


class Clock:
    def __init__(self, start: datetime | None = None):
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

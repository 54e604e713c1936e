"""Time comes from here so tests can move it (lockouts, deadlines, timers)."""
from datetime import datetime, timedelta, timezone


class Clock:
    def now(self):
        return datetime.now(timezone.utc)


class FrozenClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, start=None):
        self._now = start or datetime.now(timezone.utc)

    def now(self):
        return self._now

    def advance(self, **delta):
        self._now += timedelta(**delta)
        return self._now


def as_utc(value):
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

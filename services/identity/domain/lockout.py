"""Five wrong passwords lock an account for fifteen minutes."""
from datetime import timedelta

from services.common.clock import as_utc

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


def locked_until(account, now):
    """The moment the lock ends, or None when the account is not locked now."""
    until = as_utc(account["locked_until"])
    return until if until and until > now else None


def after_failure(failed_logins, now):
    """(new failure count, lock end or None) after one more wrong password."""
    failed = failed_logins + 1
    if failed >= MAX_FAILURES:
        return 0, now + LOCK_DURATION
    return failed, None

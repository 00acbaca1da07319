"""Lockout with back-off after consecutive failed logins."""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)


def lock_for(failures: int) -> timedelta | None:
    """How long an account stays locked after ``failures`` consecutive failures.

    The fifth failure locks it for a minute; each further one doubles that, up to an hour.
    """
    if failures < FREE_FAILURES:
        return None
    doublings = min(failures - FREE_FAILURES, 12)  # 2**12 minutes is already past the cap
    return min(FIRST_LOCK * (1 << doublings), LONGEST_LOCK)


def locked_until(failures: int, *, at: datetime) -> datetime | None:
    """When the lock that ``failures`` earns at ``at`` ends, or ``None`` for no lock."""
    duration = lock_for(failures)
    return at + duration if duration is not None else None


def is_locked(until: datetime | None, *, at: datetime) -> bool:
    """Whether a lock ending at ``until`` still holds at ``at``."""
    return until is not None and at < until

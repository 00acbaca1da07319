"""Small helpers shared by the rules."""

from __future__ import annotations

from datetime import datetime

from platewarden.domain.reads import ClockSync

_CLOCK_RANK = {ClockSync.SYNCED: 0, ClockSync.DEGRADED: 1, ClockSync.UNSYNCED: 2}


def worst_clock_sync(*statuses: ClockSync) -> ClockSync:
    """The least trustworthy of ``statuses``."""
    return max(statuses, key=_CLOCK_RANK.__getitem__)


def require_aware(when: datetime, *, what: str) -> None:
    """Reject naive datetimes: every rule compares instants, and naive ones are ambiguous.

    Raises:
        ValueError: If ``when`` has no UTC offset.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")


def iso(when: datetime) -> str:
    """ISO 8601 text of ``when`` for the ``details`` of a result."""
    return when.isoformat()


def speed_text(kmh: float) -> str:
    """A speed with two decimals, as recorded in ``details``."""
    return f"{kmh:.2f}"

"""Conversions between aware UTC datetimes and the integer microseconds we store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# Microseconds in a UTC day (the unit of read partitions and per-day keys).
DAY_US = 86_400_000_000


def to_us(when: datetime) -> int:
    """Microseconds since the Unix epoch; ``when`` must be timezone-aware."""
    if when.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: give a timezone")
    return (when - EPOCH) // timedelta(microseconds=1)


def from_us(micros: int) -> datetime:
    """The aware UTC datetime for ``micros`` since the Unix epoch."""
    return EPOCH + timedelta(microseconds=micros)

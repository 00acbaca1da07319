"""Wiring of the rate limiters for ``bootstrap``: which limits are shared, which per process."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine

from platewarden.adapters.db.ratelimit import SqlRateLimiter
from platewarden.adapters.keyring import BucketKeyring
from platewarden.adapters.ratelimit import SlidingWindowLimiter
from platewarden.config import Settings
from platewarden.services.ports import RateLimiter

# The client addresses and notice numbers the shared limiters count are stored keyed by HMAC.
RATE_LIMIT_KEY = "ratelimit/keys"


def rate_limiters(settings: Settings, *, engine: Engine,
                  keyring: BucketKeyring) -> dict[str, RateLimiter]:
    """The limiters the API and the console look up by name (``api.ratelimit``).

    Guessing limits (login, the citizen look-up per client and per notice) live in the
    database so that every server process counts against one allowance; the ingest flood
    guard stays in each process's memory, where a per-request database write would cost
    more than the flood it guards against.
    """
    _, hmac_key = keyring.ensure(RATE_LIMIT_KEY)

    def shared(bucket: str, *, limit: int, window_s: float) -> SqlRateLimiter:
        return SqlRateLimiter(engine, bucket=bucket, limit=limit, window_s=window_s,
                              hmac_key=hmac_key)

    notices = settings.notices
    return {
        "login": shared("login", limit=settings.login_attempts_per_min, window_s=60.0),
        "ingest": SlidingWindowLimiter(limit=settings.ingest_requests_per_s, window_s=1.0),
        "notice-client": shared("notice-client", limit=notices.lookups_per_client_per_min,
                                window_s=60.0),
        "notice-number": shared("notice-number", limit=notices.lookups_per_notice_per_h,
                                window_s=3600.0),
    }


def shared_limiters(limiters: Mapping[str, RateLimiter]) -> list[RateLimiter]:
    """The limiters kept in the database: the scheduled retention deletes their old windows.

    The in-process flood guard is left out: a run from the CLI is another process and could
    not reach it, and its memory is bounded (``adapters.ratelimit.MAX_KEYS``).
    """
    return [limiter for limiter in limiters.values() if isinstance(limiter, SqlRateLimiter)]

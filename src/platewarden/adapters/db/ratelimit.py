"""Rate limits every server process shares, counted in the database.

Limits that protect a secret (password guessing at login, guessing a notice's plate on the
public look-up) must hold for the whole installation: with ``serve --workers N`` or several
web processes behind a balancer, an allowance kept in each process's memory would give a
guesser N times the attempts. Each attempt is one short transaction on the installation's
database, SQLite or PostgreSQL, which every process already shares.

A sliding-window counter: hits are counted per fixed window, and an attempt is refused when
the previous window's count, weighted by how much of it still lies within one window of
now, plus the current window's count would exceed the limit. A refused attempt is rolled
back, so hammering does not prolong a block. Keys are stored as HMAC-SHA256 under a key
from the keyring, never as the client's address or the notice number, and rows older than
two windows are pruned: at the next attempt of the bucket, and by the scheduled retention
(:meth:`SqlRateLimiter.prune_expired`) for windows no attempt comes after.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable

from sqlalchemy import Column, Engine, Integer, PrimaryKeyConstraint, String, Table, text

from platewarden.adapters.db.tables import BigInt, metadata

rate_limit_hits = Table(
    "rate_limit_hits", metadata,
    Column("bucket", String(32), nullable=False),
    Column("key_hmac", String(64), nullable=False),
    Column("window_us", BigInt, nullable=False),
    Column("hits", Integer, nullable=False),
    PrimaryKeyConstraint("bucket", "key_hmac", "window_us"),
)

_COUNT = text(
    "INSERT INTO rate_limit_hits (bucket, key_hmac, window_us, hits) "
    "VALUES (:bucket, :key, :window, 1) "
    "ON CONFLICT (bucket, key_hmac, window_us) DO UPDATE SET hits = rate_limit_hits.hits + 1 "
    "RETURNING hits")
_PREVIOUS = text("SELECT hits FROM rate_limit_hits "
                 "WHERE bucket = :bucket AND key_hmac = :key AND window_us = :window")
_PRUNE = text("DELETE FROM rate_limit_hits WHERE bucket = :bucket AND window_us < :before")
_EXPIRED = text("SELECT count(*) FROM rate_limit_hits "
                "WHERE bucket = :bucket AND window_us < :before")


class _Refused(Exception):
    """Over the limit: leave the transaction's count behind."""


class SqlRateLimiter:
    """At most ``limit`` attempts per ``window_s`` for each key, across every process."""

    def __init__(self, engine: Engine, *, bucket: str, limit: int, window_s: float,
                 hmac_key: bytes, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._bucket = bucket
        self._limit = limit
        self._span_us = max(1, int(window_s * 1_000_000))
        self._hmac_key = hmac_key
        self._clock = clock  # wall time: processes must agree on the windows
        self._pruned_window: int | None = None
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count an attempt for ``key``; ``False`` (and not counted) once over the limit."""
        now_us, window = self._now()
        params = {"bucket": self._bucket, "key": self._digest(key)}
        try:
            with self._engine.begin() as conn:
                hits = conn.execute(_COUNT, {**params, "window": window}).scalar_one()
                previous = conn.execute(
                    _PREVIOUS, {**params, "window": window - self._span_us}).scalar() or 0
                still_in = 1 - (now_us - window) / self._span_us
                if previous * still_in + hits > self._limit:
                    raise _Refused
        except _Refused:
            return False
        self._prune(window)
        return True

    def prune_expired(self, *, dry_run: bool = False) -> int:
        """Delete (or with ``dry_run`` count) this bucket's rows that can no longer count."""
        _, window = self._now()
        if dry_run:
            with self._engine.begin() as conn:
                return int(conn.execute(_EXPIRED, self._before(window)).scalar_one())
        return self._delete_before(window)

    def _now(self) -> tuple[int, int]:
        """Now and the start of its window, in microseconds."""
        now_us = int(self._clock() * 1_000_000)
        return now_us, now_us - now_us % self._span_us

    def _digest(self, key: str) -> str:
        return hmac.new(self._hmac_key, f"{self._bucket}\x00{key}".encode(),
                        hashlib.sha256).hexdigest()

    def _prune(self, window: int) -> None:
        """Drop windows that can no longer count, once per window per process."""
        with self._lock:
            if self._pruned_window == window:
                return
            self._pruned_window = window
        self._delete_before(window)

    def _delete_before(self, window: int) -> int:
        """Delete this bucket's rows older than the window before ``window``; how many."""
        with self._engine.begin() as conn:
            return int(conn.execute(_PRUNE, self._before(window)).rowcount)

    def _before(self, window: int) -> dict[str, object]:
        return {"bucket": self._bucket, "before": window - self._span_us}

"""Rate limiting in one process's memory: the per-address flood guard in front of ingest.

A sliding window per key. Each server process has its own, so with several processes a
client gets each one's allowance: right for a flood guard, wrong for limits that protect a
secret (logins, the citizen look-up), which use the database-backed limiter instead
(``adapters.db.ratelimit``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 50_000  # beyond this the oldest windows are dropped rather than memory grown


class SlidingWindowLimiter:
    """At most ``limit`` events per ``window_s`` seconds for each key."""

    def __init__(self, *, limit: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record an event for ``key``; ``False`` if it is over the limit."""
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= MAX_KEYS:
                    self._events.pop(next(iter(self._events)))
                events = self._events[key] = deque()
            while events and now - events[0] >= self._window_s:
                events.popleft()
            if len(events) >= self._limit:
                return False
            events.append(now)
            return True

    def prune_expired(self, *, dry_run: bool = False) -> int:
        """Forget (or with ``dry_run`` count) keys with no event left in the window."""
        now = self._clock()
        with self._lock:
            expired = [key for key, events in self._events.items()
                       if not events or now - events[-1] >= self._window_s]
            if not dry_run:
                for key in expired:
                    del self._events[key]
        return len(expired)

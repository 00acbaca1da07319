"""Per-client rate limits for the public entry points (login, camera ingest).

A sliding window per client address, in memory: enough for one server process, which is what
the embedded default runs. Clients are keyed by the address the connection came from.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from platewarden.services.errors import ServiceError

MAX_CLIENTS = 50_000  # beyond this the oldest windows are dropped rather than memory grown


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
                if len(self._events) >= MAX_CLIENTS:
                    self._events.pop(next(iter(self._events)))
                events = self._events[key] = deque()
            while events and now - events[0] >= self._window_s:
                events.popleft()
            if len(events) >= self._limit:
                return False
            events.append(now)
            return True


def client_key(request: Request) -> str:
    """The address the request came from."""
    return request.client.host if request.client else "unknown"


def rate_limit(name: str, what: str) -> Callable[[Request], None]:
    """A dependency that refuses with 429 ``rate_limited`` past the app's ``name`` limiter."""

    def dependency(request: Request) -> None:
        limiter: SlidingWindowLimiter = request.app.state.limiters[name]
        if not limiter.allow(client_key(request)):
            raise ServiceError("rate_limited", f"Too many {what} from this address; "
                               "wait a minute and try again.")

    return dependency

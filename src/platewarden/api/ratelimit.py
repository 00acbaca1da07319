"""Rate limits for the public entry points (login, camera ingest, the citizen look-up).

The limiters themselves are built by ``bootstrap`` (``Container.limiters``): in the database
where several server processes must share one allowance, in memory for ingest's flood guard.
Clients are keyed by the address the connection came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request

from platewarden.services.errors import ServiceError
from platewarden.services.ports import RateLimiter


def client_key(request: Request) -> str:
    """The address the request came from."""
    return request.client.host if request.client else "unknown"


def limiter(request: Request, name: str) -> RateLimiter:
    """The app's limiter called ``name``."""
    limiters: Mapping[str, RateLimiter] = request.app.state.limiters
    return limiters[name]


def rate_limit(name: str, what: str) -> Callable[[Request], None]:
    """A dependency that refuses with 429 ``rate_limited`` past the app's ``name`` limiter."""

    def dependency(request: Request) -> None:
        if not limiter(request, name).allow(client_key(request)):
            raise ServiceError("rate_limited", f"Too many {what} from this address; "
                               "wait a minute and try again.")

    return dependency

"""Security headers and access logs without personal data, as plain ASGI middleware."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("platewarden.access")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityMiddleware:
    """Adds security headers to every response and logs method, route template and status.

    The route *template* (``/api/v1/violations/{violation_id}``) is logged, never the path or
    query, which could carry plate text.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"server"]
                # A console page sets its own, wider policy (its scripts, styles, images).
                own = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in own)
                if scope.get("scheme") == "https":
                    headers.append(HSTS)
                message["headers"] = headers
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
        route = scope.get("route")
        template = getattr(route, "path", "<unmatched>")
        log.info("%s %s %s %.1fms", scope["method"], template, status.get("code"),
                 (time.perf_counter() - started) * 1000)

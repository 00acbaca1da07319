"""Security headers on every response; HSTS only where the connection is TLS."""

from __future__ import annotations

import asyncio
from typing import Any

from platewarden.api.middleware import SecurityMiddleware


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"server", b"uvicorn"), (b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def headers_for(scheme: str) -> dict[bytes, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "scheme": scheme, "method": "GET", "path": "/"}
    asyncio.run(SecurityMiddleware(_app)(scope, receive, send))  # type: ignore[arg-type]
    return dict(sent[0]["headers"])


def test_every_response_gets_the_headers_and_no_server_banner() -> None:
    headers = headers_for("http")
    assert b"server" not in headers
    assert headers[b"cache-control"] == b"no-store"
    assert b"frame-ancestors 'none'" in headers[b"content-security-policy"]
    assert b"strict-transport-security" not in headers


def test_hsts_under_tls() -> None:
    assert headers_for("https")[b"strict-transport-security"].startswith(b"max-age=")

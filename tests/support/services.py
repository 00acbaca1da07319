"""Reaching the real external services (PostgreSQL, NATS JetStream, an S3 server) from tests.

A developer's machine may not run them: tests that need one are skipped with the reason.
CI sets ``PLATEWARDEN_TEST_REQUIRE_SERVICES=1`` (see ``.ci/run``), which turns every such skip
into a failure, so the real-engine paths can never silently stop being tested there.
"""

from __future__ import annotations

import os
import socket

import pytest

REQUIRE_ENV = "PLATEWARDEN_TEST_REQUIRE_SERVICES"


def reachable(host: str, port: int, *, timeout_s: float = 0.5) -> bool:
    """Whether a TCP connection to ``host:port`` opens."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip the calling test when ``name`` is down, or fail when CI requires services."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}, and {REQUIRE_ENV}=1 requires it")
    pytest.skip(message)

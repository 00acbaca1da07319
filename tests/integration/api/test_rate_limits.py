"""Login and ingest are rate-limited per client address, with a 429 and its own code."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from support.factories import make_container
from support.server import running_server

pytestmark = pytest.mark.integration


def test_login_attempts_past_the_limit_get_429(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data", login_attempts_per_min=3)
    try:
        with running_server(container) as url:
            answers = [httpx.post(f"{url}/api/v1/auth/login",
                                  json={"username": "nobody", "password": "wrong-pass-12345"})
                       for _ in range(4)]
    finally:
        container.stop()
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"


def test_ingest_requests_past_the_limit_get_429(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data", ingest_requests_per_s=2)
    try:
        with running_server(container) as url:
            codes = [httpx.post(f"{url}/api/v1/ingest/read", content=b"{}",
                                headers={"content-type": "application/json"}).status_code
                     for _ in range(3)]
    finally:
        container.stop()
    assert codes[:2] != [429, 429]
    assert codes[2] == 429

"""The service-reachability helper used by the real-engine tests."""

from __future__ import annotations

import socket

import pytest

from support.services import REQUIRE_ENV, need_service, reachable


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_not_reachable() -> None:
    assert not reachable("127.0.0.1", _closed_port())


def test_an_open_port_is_reachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        assert reachable("127.0.0.1", int(sock.getsockname()[1]))


def test_a_missing_service_skips_without_the_ci_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        need_service("nothing", "127.0.0.1", _closed_port())


def test_a_missing_service_fails_when_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception):
        need_service("nothing", "127.0.0.1", _closed_port())

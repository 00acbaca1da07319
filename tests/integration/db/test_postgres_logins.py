"""Concurrent failed logins on PostgreSQL: no failure is lost, so the lockout still holds."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from platewarden.adapters.crypto import AesGcmSecretBox
from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, Role
from platewarden.services.accounts import AccountService
from platewarden.services.errors import ServiceError
from support.postgres import truncate_all

pytestmark = pytest.mark.integration
ATTEMPTS = 5  # the fifth consecutive failure locks the account


class SlowHasher:
    """Hashes in clear but lets every thread reach the failure bookkeeping together."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self._barrier = barrier

    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, encoded: str, password: str) -> bool:
        if password == "wrong-password-123":
            self._barrier.wait(timeout=30)
        return encoded == f"plain:{password}"


def test_simultaneous_failures_are_all_counted_and_lock(postgres_url: str) -> None:
    truncate_all(postgres_url)
    engine = make_engine(postgres_url)
    migrate(engine)
    barrier = threading.Barrier(ATTEMPTS)
    factory = SqlUnitOfWorkFactory(engine)
    accounts = AccountService(uow_factory=factory, hasher=SlowHasher(barrier),
                              secret_box=AesGcmSecretBox(bytes(32)),
                              clock=lambda: datetime.now(UTC), session_ttl_s=3600)
    accounts.create_user(username="ann", password="a-long-enough-password",
                         roles=frozenset({Role.REVIEWER}), regions=EVERYWHERE)
    refused: list[str] = []

    def attempt() -> None:
        try:
            accounts.login(username="ann", password="wrong-password-123")
        except ServiceError as exc:
            refused.append(exc.code)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with factory(read_only=True) as uow:
            user = uow.accounts.user_by_name("ann")
    finally:
        engine.dispose()
    assert refused == ["invalid_credentials"] * ATTEMPTS
    assert user is not None
    assert user.guard.failures == ATTEMPTS
    assert user.guard.locked_until is not None

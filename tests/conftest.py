"""Fixtures shared by the contract and integration suites: the real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platewarden.adapters.db.engine import make_engine, migrate
from support.postgres import need_postgres, temporary_database, truncate_all


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One migrated PostgreSQL database (own role and password) for the session's tests."""
    need_postgres()
    with temporary_database() as url:
        engine = make_engine(url)
        try:
            migrate(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """``database_url`` setting of each backend: empty for the embedded SQLite file, else an
    emptied PostgreSQL database."""
    if request.param == "sqlite":
        return ""
    url: str = request.getfixturevalue("postgres_url")
    truncate_all(url)
    return url

"""``platewarden user add`` grants regions explicitly: nothing is visible by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from platewarden.adapters.db.engine import make_engine
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from support.cli import platewarden

pytestmark = pytest.mark.e2e


def regions_of(data_dir: Path, username: str) -> frozenset[str]:
    engine = make_engine(f"sqlite:///{data_dir / 'platewarden.db'}")
    try:
        with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
            user = uow.accounts.user_by_name(username)
    finally:
        engine.dispose()
    assert user is not None
    return user.regions


def test_user_add_needs_a_region_choice_and_stores_the_grant(tmp_path: Path) -> None:
    data = tmp_path / "data"
    platewarden(data, "init")
    neither = platewarden(data, "user", "add", "--username", "ann", "--role", "reviewer",
                          check=False)
    assert neither.returncode == 2
    assert "--region" in neither.stdout + neither.stderr
    unknown = platewarden(data, "user", "add", "--username", "ann", "--role", "reviewer",
                          "--region", "00", check=False)
    assert unknown.returncode == 2
    assert "not a region code" in unknown.stdout + unknown.stderr

    platewarden(data, "user", "add", "--username", "ann", "--role", "reviewer",
                "--region", "12", "--region", "31")
    platewarden(data, "user", "add", "--username", "boss", "--role", "supervisor",
                "--all-regions")
    assert regions_of(data, "ann") == frozenset({"10", "30"})
    assert regions_of(data, "boss") == frozenset({"*"})

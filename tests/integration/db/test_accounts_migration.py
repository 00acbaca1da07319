"""Migration 0003 on a database made before it: existing users keep working and must enrol."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from platewarden.adapters.db.engine import alembic_config, migrate
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.services.unit_of_work import LoginGuard
from support.migrations import OLD_ADMIN, database_at

pytestmark = pytest.mark.integration


def test_users_from_before_0003_have_no_factor_and_no_failures(tmp_path: Path) -> None:
    engine = database_at(tmp_path / "old.sqlite", "0002", OLD_ADMIN)
    try:
        config = alembic_config(engine)
        migrate(engine)
        with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
            user = uow.accounts.user_by_name("admin")
        assert user is not None
        assert (user.mfa, user.guard, user.roles) == (None, LoginGuard(), frozenset({"admin"}))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
            columns = {row[1] for row in connection.execute(text("PRAGMA table_info(users)"))}
        assert "totp_secret" not in columns
    finally:
        engine.dispose()

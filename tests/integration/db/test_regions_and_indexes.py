"""Migration 0004: region grants for existing users, and the look-up indexes being used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from support.migrations import OLD_ADMIN, database_at

pytestmark = pytest.mark.integration


def plan(engine: Engine, sql: str, **params: object) -> str:
    with engine.connect() as connection:
        rows = connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)
        return " | ".join(str(row[-1]) for row in rows)


def test_users_from_before_0004_keep_the_national_scope_they_had(tmp_path: Path) -> None:
    engine = database_at(tmp_path / "old.sqlite", "0003", OLD_ADMIN)
    try:
        migrate(engine)
        with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
            user = uow.accounts.user_by_name("admin")
        assert user is not None
        assert user.regions == frozenset({"*"})
    finally:
        engine.dispose()


def test_prefix_wildcards_and_audit_look_ups_use_their_indexes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        migrate(engine)
        wildcard = plan(engine, "SELECT id FROM reads WHERE plate LIKE :p ESCAPE '\\' "
                        "AND plate >= :lo AND plate < :hi AND captured_us BETWEEN 0 AND 9",
                        p="01A%", lo="01A", hi="01B")
        by_action = plan(engine, "SELECT seq FROM audit_log WHERE action IN ('search') "
                         "AND at_us BETWEEN 0 AND 9 ORDER BY seq")
        by_target = plan(engine, "SELECT seq FROM audit_log WHERE target = 'x'")
    finally:
        engine.dispose()
    assert "ix_reads_plate_time" in wildcard or "ix_reads_captured" in wildcard
    assert "SCAN reads" not in wildcard
    assert "ix_audit_log_action_time" in by_action
    assert "ix_audit_log_target" in by_target

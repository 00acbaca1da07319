"""A SQLite database left at an older schema revision, for migration tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from platewarden.adapters.db.engine import alembic_config, make_engine

OLD_ADMIN = ("INSERT INTO users (id, username, password_hash, roles, enabled, created_us) "
             "VALUES ('u1', 'admin', 'h', '[\"admin\"]', 1, 0)")


def database_at(path: Path, revision: str, *statements: str) -> Engine:
    """An engine on a new database upgraded to ``revision`` holding ``statements``' rows."""
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for statement in statements:
            connection.execute(text(statement))
    return engine

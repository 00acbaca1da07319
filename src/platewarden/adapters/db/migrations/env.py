"""Alembic environment: runs migrations on the connection handed over by ``engine.migrate``."""

from __future__ import annotations

from alembic import context

from platewarden.adapters.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we always pass a connection
    raise RuntimeError("run migrations through platewarden.adapters.db.engine.migrate")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

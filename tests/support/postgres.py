"""A throw-away PostgreSQL database and login role for one test run.

Other sessions use the same server at the same time, so every run makes its own role (with a
random password) and database under a random suffix, and drops both afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from support.services import need_service

HOST, PORT = "127.0.0.1", 5432
ADMIN_DSN = f"host={HOST} port={PORT} user=postgres dbname=postgres"


def need_postgres() -> None:
    """Skip (or fail in CI) when the machine's PostgreSQL is down."""
    need_service("PostgreSQL", HOST, PORT)


@contextmanager
def temporary_database(prefix: str = "pw_test") -> Iterator[str]:
    """A fresh database owned by a fresh login role; yields its SQLAlchemy URL."""
    need_postgres()
    name = f"{prefix}_{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(18)
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{name}:{password}@{HOST}:{PORT}/{name}"
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def truncate_all(url: str) -> None:
    """Empty every table but Alembic's (partitions of reads included)."""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")]
        conn.execute(sql.SQL("TRUNCATE {} CASCADE").format(
            sql.SQL(", ").join(sql.Identifier(t) for t in tables)))

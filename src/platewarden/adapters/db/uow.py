"""The SQL unit of work: one connection, one transaction, every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, Transaction

from platewarden.adapters.db.accounts import SqlAccounts
from platewarden.adapters.db.audit import SqlAudit
from platewarden.adapters.db.hotlist_changes import SqlHotlistChanges
from platewarden.adapters.db.read_repository import SqlReads
from platewarden.adapters.db.repositories import SqlCameras, SqlHotlist, SqlViolations


class SqlSavepoint:
    """SAVEPOINT around one envelope of a group commit.

    Plain SQL rather than ``begin_nested()``: the group commit opens one per request, and
    SQLAlchemy's nested-transaction bookkeeping cost more than the statement itself.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __enter__(self) -> Self:
        self._conn.exec_driver_sql("SAVEPOINT pw_envelope")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool | None:
        if exc_type is not None:
            self._conn.exec_driver_sql("ROLLBACK TO SAVEPOINT pw_envelope")
        self._conn.exec_driver_sql("RELEASE SAVEPOINT pw_envelope")
        return None


class SqlUnitOfWork:
    """A transaction over all repositories; without ``commit()`` it rolls back."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: Connection | None = None
        self._tx: Transaction | None = None
        self._postgresql = engine.dialect.name == "postgresql"

    def __enter__(self) -> Self:
        self._conn = self._engine.connect()
        if self._read_only:
            # On PostgreSQL a read-only unit of work is a READ ONLY transaction and ends with
            # COMMIT (see __exit__).
            self._conn = self._conn.execution_options(
                platewarden_read_only=True, postgresql_readonly=self._postgresql)
        self._tx = self._conn.begin()
        self.cameras = SqlCameras(self._conn)
        self.reads = SqlReads(self._conn)
        self.violations = SqlViolations(self._conn)
        self.hotlist = SqlHotlist(self._conn)
        self.hotlist_changes = SqlHotlistChanges(self._conn)
        self.accounts = SqlAccounts(self._conn)
        self.audit = SqlAudit(self._conn)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._conn is not None
        assert self._tx is not None
        if self._tx.is_active:
            if exc_type is None and self._read_only and self._postgresql:
                # psycopg forgets every prepared statement of the connection on ROLLBACK, so
                # ending reads that way made PostgreSQL plan each search again (13 ms over 90
                # day partitions); a READ ONLY transaction has nothing a COMMIT could keep.
                self._tx.commit()
            else:
                self._tx.rollback()
        self._conn.close()

    @property
    def connection(self) -> Connection:
        """The open connection, for repositories outside the core set (privacy)."""
        assert self._conn is not None
        return self._conn

    def commit(self) -> None:
        """Commit the transaction."""
        assert self._tx is not None
        self._tx.commit()

    def savepoint(self) -> SqlSavepoint:
        """A nested transaction inside this one."""
        assert self._conn is not None
        return SqlSavepoint(self._conn)


class SqlUnitOfWorkFactory:
    """Creates units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only)

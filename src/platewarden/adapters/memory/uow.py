"""The in-memory unit of work: the fake behind every service unit test.

Changes are made on a private copy of the committed state (copied on the first write) and
become visible to others only on ``commit``; leaving the block without it discards them. A
savepoint remembers the state at its start and goes back to it if its block raises. One lock
serialises the units of work that write, as ``BEGIN IMMEDIATE`` does in SQLite; read-only
ones never wait and see the state committed when they began.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from platewarden.adapters.memory.accounts import MemoryAccounts
from platewarden.adapters.memory.audit import MemoryAudit
from platewarden.adapters.memory.hotlist_changes import MemoryHotlistChanges
from platewarden.adapters.memory.records import MemoryHotlist, MemoryViolations
from platewarden.adapters.memory.repositories import MemoryCameras, MemoryReads
from platewarden.adapters.memory.state import MemoryState, Transaction


class InMemorySavepoint:
    """A nested transaction that undoes only its own changes when its block raises."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        self._point: tuple[MemoryState, bool] | None = None

    def __enter__(self) -> Self:
        self._point = self._tx.mark()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool | None:
        assert self._point is not None
        if exc_type is not None:
            self._tx.restore(self._point)
        self._point = None
        return None


class InMemoryUnitOfWork:
    """One transaction over every in-memory repository."""

    cameras: MemoryCameras
    reads: MemoryReads
    violations: MemoryViolations
    hotlist: MemoryHotlist
    hotlist_changes: MemoryHotlistChanges
    accounts: MemoryAccounts
    audit: MemoryAudit

    def __init__(self, factory: InMemoryUnitOfWorkFactory, *, read_only: bool = False) -> None:
        self._factory = factory
        self._read_only = read_only
        self._tx: Transaction | None = None
        self._committed = False

    def __enter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("a unit of work can be entered only once")
        if not self._read_only:
            self._factory.acquire_writer()
        tx = Transaction(self._factory.committed, read_only=self._read_only)
        self._tx = tx
        self.cameras = MemoryCameras(tx)
        self.reads = MemoryReads(tx)
        self.violations = MemoryViolations(tx)
        self.hotlist = MemoryHotlist(tx)
        self.hotlist_changes = MemoryHotlistChanges(tx)
        self.accounts = MemoryAccounts(tx)
        self.audit = MemoryAudit(tx)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._tx is not None
        self._tx.open = False
        if not self._read_only:
            self._factory.release_writer()

    def commit(self) -> None:
        """Make every change so far visible to units of work that begin after this; once."""
        tx = self._tx
        if tx is None or not tx.open:
            raise RuntimeError("commit outside the unit of work's with-block")
        if self._committed:
            # As in the SQL adapter, whose transaction is inactive after its commit.
            raise RuntimeError("a unit of work commits once; later writes are discarded")
        self._committed = True
        if tx.owned:
            self._factory.publish(tx.state)
            # The committed state is shared from now on: the next write copies it again.
            tx.owned = False
        self._factory.commits += 1

    def savepoint(self) -> InMemorySavepoint:
        """A nested transaction inside this one."""
        assert self._tx is not None
        return InMemorySavepoint(self._tx)


class InMemoryUnitOfWorkFactory:
    """Creates units of work on one shared in-memory store.

    Attributes:
        commits: How many times any unit of work committed (for tests of batching).
    """

    def __init__(self) -> None:
        self._committed = MemoryState()
        self._writer = threading.Lock()
        self._writer_thread: int | None = None
        self.commits = 0

    def __call__(self, *, read_only: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self, read_only=read_only)

    @property
    def committed(self) -> MemoryState:
        """The last committed state; never changed in place."""
        return self._committed

    def publish(self, state: MemoryState) -> None:
        """Make ``state`` the committed state (only the writer holding the lock calls this)."""
        assert self._writer_thread == threading.get_ident()
        self._committed = state

    def acquire_writer(self) -> None:
        """Wait for the write lock; refuse at once if this thread already holds it."""
        if self._writer_thread == threading.get_ident():
            # Waiting would deadlock: a service opened a second writing unit of work inside
            # one it has not left yet.
            raise RuntimeError("this thread already has a unit of work that writes open")
        self._writer.acquire()
        self._writer_thread = threading.get_ident()

    def release_writer(self) -> None:
        """Release the write lock."""
        self._writer_thread = None
        self._writer.release()

"""Durable, ordered on-disk queue of reads waiting to be sent.

SQLite in WAL mode with ``synchronous=FULL``: an enqueue that returned survives a power cut,
a crash and a restart. Rows keep their insertion order (``seq``) and their camera-assigned
``read_id``, so the backlog goes out oldest first and a resend after a crash carries the same
id, which the server deduplicates. Evidence bytes are stored in the same row, so a read and
its images are committed together or not at all. Sent ids are remembered (up to a bound)
so a pass seen again is not sent twice. Reads the server refuses outright (4xx)
move to a ``rejected`` state instead of blocking the queue forever; nothing is deleted until
the server acknowledged it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    read_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    plate_jpeg BLOB,
    overview_jpeg BLOB,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX IF NOT EXISTS reads_state_seq ON reads (state, seq);
"""


@dataclass(frozen=True, slots=True)
class QueuedRead:
    """A read as stored: its id, JSON-able fields and evidence bytes."""

    read_id: str
    body: dict[str, object]
    plate_jpeg: bytes | None = None
    overview_jpeg: bytes | None = None


class DurableQueue:
    """FIFO of reads in one SQLite file, safe across crashes and restarts."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database (pending reads stay on disk)."""
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def put(self, read: QueuedRead) -> bool:
        """Store ``read`` durably; ``False`` when its id is already queued or was sent."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO reads (read_id, body, plate_jpeg, overview_jpeg) "
                "VALUES (?, ?, ?, ?)",
                (read.read_id, json.dumps(read.body, sort_keys=True), read.plate_jpeg,
                 read.overview_jpeg),
            )
            return cursor.rowcount == 1

    def peek(self, limit: int) -> list[QueuedRead]:
        """The oldest ``limit`` pending reads, oldest first."""
        rows = self._db.execute(
            "SELECT read_id, body, plate_jpeg, overview_jpeg FROM reads "
            "WHERE state = 'pending' ORDER BY seq LIMIT ?", (limit,),
        ).fetchall()
        return [QueuedRead(r[0], json.loads(r[1]), r[2], r[3]) for r in rows]

    def ack(self, read_ids: list[str]) -> None:
        """Mark reads the server acknowledged (accepted or duplicate) as sent.

        Their evidence is dropped but the id stays, so a pass seen again (the same video
        re-read after a restart) is recognised by :meth:`put` and not sent twice.
        """
        with self._tx() as db:
            db.executemany(
                "UPDATE reads SET state = 'sent', plate_jpeg = NULL, overview_jpeg = NULL "
                "WHERE read_id = ? AND state = 'pending'", [(i,) for i in read_ids])

    def prune_sent(self, *, keep: int = 100_000) -> int:
        """Forget all but the newest ``keep`` sent ids; returns how many were dropped."""
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM reads WHERE state = 'sent' AND seq NOT IN "
                "(SELECT seq FROM reads WHERE state = 'sent' ORDER BY seq DESC LIMIT ?)",
                (keep,))
            return cursor.rowcount

    def note_attempt(self, read_ids: list[str]) -> None:
        """Count a failed delivery attempt for these reads."""
        with self._tx() as db:
            db.executemany("UPDATE reads SET attempts = attempts + 1 WHERE read_id = ?",
                           [(i,) for i in read_ids])

    def reject(self, read_id: str, error: str) -> None:
        """Park a read the server refuses (kept on disk for an operator, not resent)."""
        with self._tx() as db:
            db.execute("UPDATE reads SET state = 'rejected', error = ? WHERE read_id = ?",
                       (error, read_id))

    def pending(self) -> int:
        """Number of reads waiting to be sent."""
        row = self._db.execute("SELECT COUNT(*) FROM reads WHERE state = 'pending'").fetchone()
        return int(row[0])

    def rejected(self) -> list[tuple[str, str]]:
        """``(read_id, error)`` of parked reads."""
        rows = self._db.execute(
            "SELECT read_id, COALESCE(error, '') FROM reads WHERE state = 'rejected' "
            "ORDER BY seq").fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

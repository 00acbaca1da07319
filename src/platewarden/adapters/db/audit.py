"""The audit log in SQL: insert and select only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text

from platewarden.adapters.db import tables as t
from platewarden.domain.audit import AuditAction, AuditEntry, AuditRecord, Checkpoint
from platewarden.domain.clock import from_us, to_us

_log, _cp = t.audit_log, t.audit_checkpoints
_INSERT = insert(_log)
_LAST = select(_log).order_by(_log.c.seq.desc()).limit(1)
_RANGE = (select(_log).where(_log.c.seq.between(bindparam("low"), bindparam("high")))
          .order_by(_log.c.seq))
_FIND = (select(_log).where(_log.c.action.in_(bindparam("actions", expanding=True)),
                           _log.c.seq >= bindparam("from_seq"),
                           _log.c.at_us.between(bindparam("low"), bindparam("high")))
         .order_by(_log.c.seq))
_FIND_TARGET = _FIND.where(_log.c.target == bindparam("target"))
_INSERT_CHECKPOINT = insert(_cp)
_CHECKPOINTS = select(_cp).order_by(_cp.c.seq)
# PostgreSQL has no database-wide write lock: appenders queue on this advisory lock instead,
# held until their transaction ends.
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('platewarden.audit'))")


def _record(row: Any) -> AuditRecord:
    entry = AuditEntry(sequence=row.seq, at=from_us(row.at_us), actor=row.actor,
                       action=AuditAction(row.action), target=row.target,
                       details=dict(row.details))
    return AuditRecord(entry=entry, prev_hash=bytes(row.prev_hash),
                       entry_hash=bytes(row.entry_hash))


class SqlAudit:
    """The append-only audit log and its checkpoints.

    The unit of work that appends holds SQLite's write lock (``BEGIN IMMEDIATE``) from its
    start, or on PostgreSQL an advisory lock taken when a writing unit of work reads the last
    entry, so reading the last entry and appending the next cannot interleave with another
    writer, and the primary key refuses a second entry with the same number.
    """

    def __init__(self, conn: Connection) -> None:
        self._c = conn
        self._lock_on_last = (conn.dialect.name == "postgresql" and not
                              conn.get_execution_options().get("platewarden_read_only", False))

    def append(self, record: AuditRecord) -> None:
        entry = record.entry
        self._c.execute(_INSERT, {
            "seq": entry.sequence, "at_us": to_us(entry.at), "actor": entry.actor,
            "action": entry.action.value, "target": entry.target,
            "details": dict(entry.details), "prev_hash": record.prev_hash,
            "entry_hash": record.entry_hash})

    def last(self) -> AuditRecord | None:
        if self._lock_on_last:
            self._c.execute(_APPEND_LOCK)
            self._lock_on_last = False  # held until the transaction ends
        row = self._c.execute(_LAST).first()
        return _record(row) if row is not None else None

    def range(self, from_seq: int, to_seq: int) -> list[AuditRecord]:
        rows = self._c.execute(_RANGE, {"low": from_seq, "high": to_seq})
        return [_record(row) for row in rows]

    def find(self, actions: Sequence[AuditAction], *, from_seq: int = 1,
             start: datetime | None = None, end: datetime | None = None,
             target: str | None = None) -> list[AuditRecord]:
        """Entries with one of ``actions`` from ``from_seq`` on, in the time range, by number."""
        params: dict[str, Any] = {
            "actions": [a.value for a in actions], "from_seq": from_seq,
            "low": to_us(start) if start is not None else -(2**62),
            "high": to_us(end) if end is not None else 2**62, "target": target}
        if not actions:
            return []
        statement = _FIND if target is None else _FIND_TARGET
        return [_record(row) for row in self._c.execute(statement, params)]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._c.execute(_INSERT_CHECKPOINT, {
            "seq": checkpoint.sequence, "entry_hash": checkpoint.entry_hash,
            "at_us": to_us(checkpoint.at), "signature": checkpoint.signature})

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(sequence=row.seq, entry_hash=bytes(row.entry_hash),
                           at=from_us(row.at_us), signature=bytes(row.signature))
                for row in self._c.execute(_CHECKPOINTS)]

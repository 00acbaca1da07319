"""The audit log in plain dicts keyed by sequence number (dicts copy with the state)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from platewarden.adapters.memory.state import IntegrityViolation, Transaction, stored_time
from platewarden.domain.audit import AuditAction, AuditRecord, Checkpoint


class MemoryAudit:
    """The append-only audit log and its checkpoints."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def append(self, record: AuditRecord) -> None:
        log = self._tx.write().audit_log
        if record.sequence in log:
            raise IntegrityViolation(f"audit entry {record.sequence} exists")
        entry = dataclasses.replace(record.entry, at=stored_time(record.entry.at),
                                    details=dict(record.entry.details))
        log[record.sequence] = dataclasses.replace(record, entry=entry)

    def last(self) -> AuditRecord | None:
        log = self._tx.read().audit_log
        return log[max(log)] if log else None

    def range(self, from_seq: int, to_seq: int) -> list[AuditRecord]:
        log = self._tx.read().audit_log
        return [log[seq] for seq in sorted(log) if from_seq <= seq <= to_seq]

    def find(self, actions: Sequence[AuditAction], *, from_seq: int = 1,
             start: datetime | None = None, end: datetime | None = None,
             target: str | None = None) -> list[AuditRecord]:
        wanted = set(actions)
        return [r for r in self.range(from_seq, 2**62)
                if r.entry.action in wanted
                and (start is None or r.entry.at >= start)
                and (end is None or r.entry.at <= end)
                and (target is None or r.entry.target == target)]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        checkpoints = self._tx.write().audit_checkpoints
        if checkpoint.sequence in checkpoints:
            raise IntegrityViolation(f"checkpoint {checkpoint.sequence} exists")
        checkpoints[checkpoint.sequence] = dataclasses.replace(
            checkpoint, at=stored_time(checkpoint.at))

    def checkpoints(self) -> list[Checkpoint]:
        checkpoints = self._tx.read().audit_checkpoints
        return [checkpoints[seq] for seq in sorted(checkpoints)]

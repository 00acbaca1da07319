"""Contract of the audit log: the fake behaves as SQL does (append-only, ordered, exact)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from platewarden.adapters.memory import IntegrityViolation
from platewarden.domain.audit import AuditAction, AuditEntry, AuditRecord, Checkpoint, chain
from platewarden.services.unit_of_work import UnitOfWorkFactory

from .helpers import T0, us


def make_records(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for seq in range(1, n + 1):
        entry = AuditEntry(sequence=seq, at=T0 + timedelta(seconds=seq) + us(seq),
                           actor=f"user-{seq}", action=AuditAction.SEARCH,
                           target=f"case-{seq}" if seq % 2 else "",
                           details={"results": str(seq), "reason": "R1"})
        records.append(chain(records[-1] if records else None, entry))
    return records


def append(uow_factory: UnitOfWorkFactory, records: list[AuditRecord]) -> None:
    with uow_factory() as uow:
        for record in records:
            uow.audit.append(record)
        uow.commit()


def test_append_last_and_range_round_trip_exactly(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory(read_only=True) as uow:
        assert uow.audit.last() is None
        assert uow.audit.range(1, 10) == []
    records = make_records(5)
    append(uow_factory, records)
    with uow_factory(read_only=True) as uow:
        assert uow.audit.last() == records[-1]
        assert uow.audit.range(1, 5) == records
        assert uow.audit.range(2, 3) == records[1:3]
        assert uow.audit.range(4, 100) == records[3:]
        assert uow.audit.range(6, 9) == []


def test_a_sequence_number_is_taken_once(uow_factory: UnitOfWorkFactory) -> None:
    records = make_records(2)
    append(uow_factory, records)
    with uow_factory() as uow, pytest.raises((IntegrityError, IntegrityViolation)):
        uow.audit.append(records[1])


def test_appends_roll_back_without_commit(uow_factory: UnitOfWorkFactory) -> None:
    records = make_records(3)
    append(uow_factory, records[:1])
    with uow_factory() as uow:
        uow.audit.append(records[1])
        assert uow.audit.last() == records[1]
    with uow_factory(read_only=True) as uow:
        assert uow.audit.last() == records[0]


def test_checkpoints_are_kept_in_sequence_order(uow_factory: UnitOfWorkFactory) -> None:
    records = make_records(4)
    append(uow_factory, records)
    late = Checkpoint(sequence=4, entry_hash=records[3].entry_hash, at=T0 + us(7),
                      signature=b"\x01" * 64)
    early = Checkpoint(sequence=2, entry_hash=records[1].entry_hash, at=T0,
                       signature=b"\x02" * 64)
    with uow_factory() as uow:
        assert uow.audit.checkpoints() == []
        uow.audit.add_checkpoint(late)
        uow.audit.add_checkpoint(early)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.audit.checkpoints() == [early, late]
    with uow_factory() as uow, pytest.raises((IntegrityError, IntegrityViolation)):
        uow.audit.add_checkpoint(late)

"""The audit hash chain and verification: every kind of tampering is named."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditEntry,
    AuditRecord,
    Checkpoint,
    Tampering,
    canonical_bytes,
    chain,
    checkpoint_message,
    entry_hash,
    verify,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()


def signature_ok(message: bytes, signature: bytes) -> bool:
    try:
        KEY.public_key().verify(signature, message)
    except InvalidSignature:
        return False
    return True


def entry(seq: int, **fields: object) -> AuditEntry:
    values: dict[str, object] = {"sequence": seq, "at": T0 + timedelta(seconds=seq),
                                 "actor": f"user-{seq % 3}", "action": AuditAction.LOGIN,
                                 "target": "", "details": {"n": str(seq)}}
    values.update(fields)
    return AuditEntry(**values)  # type: ignore[arg-type]


def make_log(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for seq in range(1, n + 1):
        records.append(chain(records[-1] if records else None, entry(seq)))
    return records


def sign(record: AuditRecord, *, at: datetime = T0) -> Checkpoint:
    message = checkpoint_message(sequence=record.sequence, entry_hash=record.entry_hash, at=at)
    return Checkpoint(sequence=record.sequence, entry_hash=record.entry_hash, at=at,
                      signature=KEY.sign(message))


def renumber(records: list[AuditRecord]) -> list[AuditRecord]:
    """What an attacker does to hide a gap: number the rows 1..n again."""
    return [dataclasses.replace(r, entry=dataclasses.replace(r.entry, sequence=i))
            for i, r in enumerate(records, start=1)]


def problem_of(records: list[AuditRecord],
               checkpoints: list[Checkpoint] | None = None) -> tuple[Tampering, int]:
    result = verify(records, checkpoints or [], signature_ok=signature_ok)
    assert result.problem is not None, "tampering went unnoticed"
    return result.problem.kind, result.problem.sequence


def test_hash_is_sha256_of_previous_hash_and_canonical_bytes() -> None:
    first = chain(None, entry(1))
    assert first.prev_hash == GENESIS_HASH == bytes(32)
    assert first.entry_hash == hashlib.sha256(bytes(32) + canonical_bytes(entry(1))).digest()
    second = chain(first, entry(2))
    assert second.prev_hash == first.entry_hash
    assert second.entry_hash == entry_hash(first.entry_hash, entry(2))


def test_canonical_bytes_are_stable_and_cover_every_field() -> None:
    base = entry(1, details={"b": "2", "a": "1"})
    assert canonical_bytes(base) == canonical_bytes(entry(1, details={"a": "1", "b": "2"}))
    for change in ({"actor": "x"}, {"action": AuditAction.LOGOUT}, {"target": "t"},
                   {"details": {"a": "1"}}, {"at": T0}):
        assert canonical_bytes(dataclasses.replace(base, **change)) != canonical_bytes(base)


def test_chain_refuses_a_gap_and_entries_refuse_bad_details() -> None:
    with pytest.raises(ValueError, match="cannot follow"):
        chain(chain(None, entry(1)), entry(3))
    with pytest.raises(ValueError, match="strings"):
        entry(1, details={"n": 3})
    with pytest.raises(ValueError, match="at most"):
        entry(1, details={str(i): "x" for i in range(17)})
    with pytest.raises(ValueError, match="start at 1"):
        entry(0)


def test_an_intact_log_verifies() -> None:
    log = make_log(6)
    result = verify(log, [sign(log[2]), sign(log[5])], signature_ok=signature_ok)
    assert result.ok
    assert (result.entries, result.checkpoints, result.signatures_valid) == (6, 2, (True, True))
    assert verify([], [], signature_ok=signature_ok).ok


def test_an_edited_entry_is_named() -> None:
    log = make_log(6)
    log[3] = dataclasses.replace(log[3], entry=dataclasses.replace(log[3].entry,
                                                                   details={"n": "999"}))
    assert problem_of(log) == (Tampering.EDITED, 4)


def test_an_edited_last_entry_is_named() -> None:
    log = make_log(3)
    log[2] = dataclasses.replace(log[2], entry=dataclasses.replace(log[2].entry, actor="x"))
    assert problem_of(log) == (Tampering.EDITED, 3)


def test_a_deleted_entry_leaves_a_gap() -> None:
    log = make_log(6)
    del log[2]
    assert problem_of(log) == (Tampering.DELETED, 3)


def test_a_deleted_and_renumbered_entry_is_named() -> None:
    log = make_log(6)
    del log[2]
    assert problem_of(renumber(log)) == (Tampering.DELETED, 3)


def test_a_deleted_first_entry_is_named() -> None:
    assert problem_of(renumber(make_log(4)[1:])) == (Tampering.DELETED, 1)


def test_an_inserted_entry_with_a_recomputed_hash_is_named() -> None:
    log = make_log(5)
    forged = chain(log[1], entry(3, actor="intruder"))
    assert problem_of(renumber([*log[:2], forged, *log[2:]])) == (Tampering.INSERTED, 3)


def test_an_inserted_entry_with_a_made_up_hash_is_named() -> None:
    log = make_log(5)
    forged = AuditRecord(entry=entry(3, actor="intruder"), prev_hash=log[1].entry_hash,
                         entry_hash=bytes(32))
    assert problem_of(renumber([*log[:2], forged, *log[2:]])) == (Tampering.INSERTED, 3)


def test_an_inserted_first_entry_is_named() -> None:
    log = make_log(3)
    forged = chain(None, entry(1, actor="intruder"))
    assert problem_of(renumber([forged, *log])) == (Tampering.INSERTED, 1)


def test_a_duplicate_sequence_number_is_an_insertion() -> None:
    log = make_log(4)
    assert problem_of([*log[:3], log[2], log[3]]) == (Tampering.INSERTED, 3)


def test_two_swapped_entries_are_reordered() -> None:
    log = make_log(6)
    log[2], log[3] = log[3], log[2]
    assert problem_of(renumber(log)) == (Tampering.REORDERED, 3)


def test_entries_out_of_sequence_order_are_reordered() -> None:
    log = make_log(4)
    log[1], log[2] = log[2], log[1]
    assert problem_of(log) == (Tampering.REORDERED, 2)


def test_a_checkpoint_with_a_bad_signature_is_named() -> None:
    log = make_log(5)
    good, bad = sign(log[1]), sign(log[3])
    bad = dataclasses.replace(bad, signature=bytes(64))
    result = verify(log, [good, bad], signature_ok=signature_ok)
    assert result.signatures_valid == (True, False)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.sequence) == (Tampering.BAD_SIGNATURE, 4)


def test_a_checkpoint_moved_to_another_time_no_longer_verifies() -> None:
    log = make_log(3)
    moved = dataclasses.replace(sign(log[2]), at=T0 + timedelta(days=1))
    assert problem_of(log, [moved]) == (Tampering.BAD_SIGNATURE, 3)


def test_a_truncated_tail_is_shorter_than_the_checkpoint_says() -> None:
    log = make_log(8)
    checkpoint = sign(log[5])
    kind, seq = problem_of(log[:4], [checkpoint])
    assert (kind, seq) == (Tampering.TRUNCATED, 5)
    result = verify(log[:4], [checkpoint], signature_ok=signature_ok)
    assert result.problem is not None
    assert "ends at entry 4" in result.problem.message
    assert "6 entries" in result.problem.message


def test_a_recomputed_chain_is_caught_by_the_checkpoint() -> None:
    log = make_log(6)
    checkpoint = sign(log[4])
    rewritten: list[AuditRecord] = []
    for record in log:
        changed = record.entry
        if record.sequence == 2:
            changed = dataclasses.replace(changed, details={"n": "forged"})
        rewritten.append(chain(rewritten[-1] if rewritten else None, changed))
    assert verify(rewritten, [], signature_ok=signature_ok).ok  # the chain alone cannot tell
    assert problem_of(rewritten, [checkpoint]) == (Tampering.CHECKPOINT_MISMATCH, 5)


def test_the_first_problem_is_the_lowest_sequence() -> None:
    log = make_log(8)
    bad = dataclasses.replace(sign(log[1]), signature=bytes(64))
    log[5] = dataclasses.replace(log[5], entry=dataclasses.replace(log[5].entry, actor="x"))
    assert problem_of(log, [bad]) == (Tampering.BAD_SIGNATURE, 2)


def test_a_range_verifies_from_its_anchor() -> None:
    log = make_log(8)
    part = log[3:6]
    result = verify(part, [sign(log[5])], signature_ok=signature_ok, after_sequence=3,
                    after_hash=part[0].prev_hash)
    assert result.ok
    edited = [part[0], dataclasses.replace(part[1], entry=dataclasses.replace(
        part[1].entry, target="x")), part[2]]
    assert verify(edited, [], signature_ok=signature_ok, after_sequence=3,
                  after_hash=part[0].prev_hash).problem is not None

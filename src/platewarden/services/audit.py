"""Recording, checkpointing, verifying and exporting the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from platewarden.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditEntry,
    AuditRecord,
    Checkpoint,
    Verification,
    chain,
    checkpoint_message,
    verify,
)
from platewarden.domain.clock import from_us, to_us
from platewarden.services.errors import ServiceError
from platewarden.services.ports import Signer
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

EXPORT_FORMAT = "platewarden-audit-export-v1"
_PAGE = 5000


class AuditService:
    """The append-only, tamper-evident audit log.

    ``record`` appends inside the caller's unit of work, so an audited change and its audit
    entry commit together or not at all. The unit of work must be one that writes: in SQLite
    it holds the write lock from its start, which serialises appends and keeps the sequence
    numbers gap-free.
    """

    def __init__(self, *, uow_factory: UnitOfWorkFactory, clock: Callable[[], datetime],
                 signer: Signer) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._signer = signer

    def record(self, uow: UnitOfWork, *, actor: str, action: AuditAction, target: str = "",
               details: Mapping[str, str] | None = None) -> AuditRecord:
        """Append an entry in ``uow`` (committed when the caller commits).

        Args:
            uow: The caller's open, writing unit of work.
            actor: A user id, ``"system"``, ``"unknown"`` or a camera id.
            action: What happened.
            target: The id of the object acted on, or empty.
            details: Counts, ids and codes; never plate text.
        """
        previous = uow.audit.last()
        entry = AuditEntry(sequence=previous.sequence + 1 if previous else 1, at=self._clock(),
                           actor=actor, action=action, target=target,
                           details=dict(details or {}))
        record = chain(previous, entry)
        uow.audit.append(record)
        return record

    def checkpoint(self) -> Checkpoint:
        """Sign the newest entry's hash; the existing checkpoint if it is already signed.

        Raises:
            ServiceError: ``empty_log`` when there is nothing to sign yet.
        """
        with self._uow_factory() as uow:
            last = uow.audit.last()
            if last is None:
                raise ServiceError("empty_log", "The audit log has no entries to checkpoint.")
            existing = [c for c in uow.audit.checkpoints() if c.sequence == last.sequence]
            if existing:
                return existing[0]
            at = self._clock()
            message = checkpoint_message(sequence=last.sequence, entry_hash=last.entry_hash,
                                         at=at)
            checkpoint = Checkpoint(sequence=last.sequence, entry_hash=last.entry_hash, at=at,
                                    signature=self._signer.sign(message))
            uow.audit.add_checkpoint(checkpoint)
            uow.commit()
        return checkpoint

    def verify(self, *, kept_elsewhere: Sequence[Checkpoint] = ()) -> Verification:
        """Check the whole log against its chain and every checkpoint.

        Args:
            kept_elsewhere: Checkpoints kept outside the system (as ``audit checkpoint``
                printed them); they still count when the stored ones were removed.
        """
        with self._uow_factory(read_only=True) as uow:
            records = self._all(uow)
            checkpoints = uow.audit.checkpoints()
        return verify(records, [*checkpoints, *kept_elsewhere],
                      signature_ok=self._signer.verify)

    def recent(self, *, limit: int, viewer: str) -> list[AuditRecord]:
        """The newest ``limit`` entries, newest first; the look itself is recorded after."""
        with self._uow_factory() as uow:
            last = uow.audit.last()
            newest = last.sequence if last is not None else 0
            records = uow.audit.range(max(1, newest - limit + 1), newest) if newest else []
            self.record(uow, actor=viewer, action=AuditAction.RECORD_VIEWED,
                        target="audit-log", details={"entries": str(len(records))})
            uow.commit()
        return records[::-1]

    def public_key(self) -> bytes:
        """The platform's raw Ed25519 public key that checkpoints verify with."""
        return self._signer.public_key()

    def export(self, from_seq: int, to_seq: int | None = None, *,
               actor: str = "system") -> bytes:
        """A JSON document an auditor can verify offline.

        It holds the entries ``from_seq``..``to_seq`` with their hashes, the entries after
        them up to the first checkpoint at or after ``to_seq`` (the proof that ties the range
        to a signature), those checkpoints and the platform's public key. ``to_seq`` defaults
        to the newest entry. The export itself is recorded in the log.

        Raises:
            ServiceError: ``invalid_field`` for an empty or reversed range.
        """
        with self._uow_factory() as uow:
            if to_seq is None:
                last = uow.audit.last()
                to_seq = last.sequence if last is not None else 0
            if from_seq < 1 or to_seq < from_seq:
                raise ServiceError("invalid_field",
                                   "Export a range FROM..TO of entries with 1 <= FROM <= TO.")
            checkpoints = [c for c in uow.audit.checkpoints() if c.sequence >= from_seq]
            anchor = next((c.sequence for c in checkpoints if c.sequence >= to_seq), to_seq)
            records = uow.audit.range(from_seq, anchor)
            self.record(uow, actor=actor, action=AuditAction.AUDIT_EXPORTED,
                        details={"from": str(from_seq), "to": str(to_seq),
                                 "entries": str(sum(r.sequence <= to_seq for r in records))})
            uow.commit()
        covering = [c for c in checkpoints if c.sequence <= anchor]
        return _export_document(from_seq, to_seq, records, covering, self._signer.public_key())

    @staticmethod
    def _all(uow: UnitOfWork) -> list[AuditRecord]:
        last = uow.audit.last()
        # Numbers below 1 are never written, but a forged row could carry one.
        records = uow.audit.range(-(2**62), 0)
        for start in range(1, (last.sequence if last else 0) + 1, _PAGE):
            records.extend(uow.audit.range(start, start + _PAGE - 1))
        return records


def record_json(record: AuditRecord) -> dict[str, Any]:
    """An entry as it appears in an export."""
    entry = record.entry
    return {"sequence": entry.sequence, "at": entry.at.isoformat(), "at_us": to_us(entry.at),
            "actor": entry.actor, "action": entry.action.value, "target": entry.target,
            "details": dict(entry.details), "prev_hash": record.prev_hash.hex(),
            "entry_hash": record.entry_hash.hex()}


def checkpoint_json(checkpoint: Checkpoint) -> dict[str, Any]:
    """A checkpoint as it appears in an export and as ``audit checkpoint`` prints it."""
    return {"sequence": checkpoint.sequence, "entry_hash": checkpoint.entry_hash.hex(),
            "at": checkpoint.at.isoformat(), "at_us": to_us(checkpoint.at),
            "signature": checkpoint.signature.hex()}


def checkpoint_from_json(document: Mapping[str, Any]) -> Checkpoint:
    """A checkpoint as ``checkpoint_json`` wrote it.

    Raises:
        ServiceError: ``invalid_field`` when a field is missing or malformed.
    """
    try:
        return Checkpoint(sequence=int(document["sequence"]),
                          entry_hash=bytes.fromhex(document["entry_hash"]),
                          at=from_us(int(document["at_us"])),
                          signature=bytes.fromhex(document["signature"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ServiceError("invalid_field", f"Not a checkpoint: {exc}.") from exc


def _export_document(from_seq: int, to_seq: int, records: list[AuditRecord],
                     checkpoints: list[Checkpoint], public_key: bytes) -> bytes:
    requested = [r for r in records if r.sequence <= to_seq]
    proof = [r for r in records if r.sequence > to_seq]
    document = {
        "format": EXPORT_FORMAT,
        "hash": "entry_hash = SHA-256(prev_hash || canonical JSON of at_us, actor, action, "
                "target, details; sorted keys, no spaces); the first entry's prev_hash is "
                f"{GENESIS_HASH.hex()}",
        "checkpoint_signature": "Ed25519 over 'platewarden-audit-checkpoint-v1\\0' + "
                                "canonical JSON of at_us, entry_hash (hex), sequence",
        "public_key": public_key.hex(),
        "from": from_seq, "to": to_seq,
        "entries": [record_json(r) for r in requested],
        "proof_entries": [record_json(r) for r in proof],
        "checkpoints": [checkpoint_json(c) for c in checkpoints],
        "anchored": bool(checkpoints) and checkpoints[-1].sequence >= to_seq,
    }
    return json.dumps(document, indent=2, sort_keys=True).encode() + b"\n"

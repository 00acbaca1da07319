"""The audit trail: an append-only hash chain of entries with signed checkpoints.

Each entry's hash covers the previous entry's hash and the entry's canonical bytes, so editing,
removing, inserting or moving an entry breaks the chain from that point on. Whoever can write
the database can also recompute the chain; signed checkpoints, kept outside the system as
well, are what such a rewrite cannot forge.

The sequence number is deliberately not part of the hashed bytes: position is already bound
by the chain (the n-th hash from the genesis), and leaving it out lets verification tell an
entry that was moved or renumbered apart from one whose content was edited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from platewarden.domain.clock import to_us

GENESIS_HASH = bytes(32)
MAX_DETAILS = 16
MAX_DETAIL_CHARS = 200
_CHECKPOINT_CONTEXT = b"platewarden-audit-checkpoint-v1\x00"


class AuditAction(StrEnum):
    """What an audit entry records."""

    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOGOUT = "logout"
    USER_CREATED = "user-created"
    USER_CHANGED = "user-changed"
    CAMERA_REGISTERED = "camera-registered"
    CAMERA_DISABLED = "camera-disabled"
    CAMERA_KEY_ROTATED = "camera-key-rotated"
    SECTION_REGISTERED = "section-registered"
    HOTLIST_IMPORTED = "hotlist-imported"
    HOTLIST_CHANGED = "hotlist-changed"
    VIOLATION_REVIEWED = "violation-reviewed"
    ALERT_REVIEWED = "alert-reviewed"
    RECORD_VIEWED = "record-viewed"
    EVIDENCE_VIEWED = "evidence-viewed"
    SEARCH = "search"
    SEARCH_APPROVAL_REQUESTED = "search-approval-requested"
    SEARCH_APPROVED = "search-approved"
    EXPORT = "export"
    CONFIG_CHANGED = "config-changed"
    RETENTION_RUN = "retention-run"
    LEGAL_HOLD_PLACED = "legal-hold-placed"
    LEGAL_HOLD_RELEASED = "legal-hold-released"
    AUDIT_EXPORTED = "audit-exported"
    NOTICE_ISSUED = "notice-issued"
    NOTICE_STATUS_CHANGED = "notice-status-changed"
    PAYMENTS_IMPORTED = "payments-imported"
    PAYMENT_RESOLVED = "payment-resolved"
    APPEAL_FILED = "appeal-filed"
    APPEAL_DECIDED = "appeal-decided"
    REGISTRY_IMPORTED = "registry-imported"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One thing that happened, who did it and to what.

    Attributes:
        sequence: Position in the log, from 1, without gaps.
        at: When it happened (from the caller's clock, never ``now()`` here).
        actor: A user id, ``"system"``, ``"unknown"`` or a camera id.
        action: What happened.
        target: The id of the object acted on, or empty.
        details: A few small string values: counts, ids, reason codes. Never plate text.
    """

    sequence: int
    at: datetime
    actor: str
    action: AuditAction
    target: str = ""
    details: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sequence < 1:
            raise ValueError("audit sequence numbers start at 1")
        if len(self.details) > MAX_DETAILS:
            raise ValueError(f"audit details hold at most {MAX_DETAILS} values")
        for key, value in self.details.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError("audit details map strings to strings")
            if len(key) > MAX_DETAIL_CHARS or len(value) > MAX_DETAIL_CHARS:
                raise ValueError(f"audit details are at most {MAX_DETAIL_CHARS} characters")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """An entry as stored: with the hash it chains to and its own hash."""

    entry: AuditEntry
    prev_hash: bytes
    entry_hash: bytes

    @property
    def sequence(self) -> int:
        """The entry's sequence number."""
        return self.entry.sequence


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """The platform's signed statement that entry ``sequence`` has hash ``entry_hash``."""

    sequence: int
    entry_hash: bytes
    at: datetime
    signature: bytes


def canonical_bytes(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash covers: sorted-key JSON, times in microseconds."""
    document = {"at_us": to_us(entry.at), "actor": entry.actor, "action": entry.action.value,
                "target": entry.target, "details": dict(entry.details)}
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def entry_hash(prev_hash: bytes, entry: AuditEntry) -> bytes:
    """``SHA-256(prev_hash || canonical_bytes(entry))``."""
    return hashlib.sha256(prev_hash + canonical_bytes(entry)).digest()


def chain(previous: AuditRecord | None, entry: AuditEntry) -> AuditRecord:
    """The record of ``entry`` appended after ``previous`` (``None``: the first entry).

    Raises:
        ValueError: ``entry`` does not directly follow ``previous``.
    """
    expected = previous.sequence + 1 if previous is not None else 1
    if entry.sequence != expected:
        raise ValueError(f"audit entry {entry.sequence} cannot follow {expected - 1}")
    prev = previous.entry_hash if previous is not None else GENESIS_HASH
    return AuditRecord(entry=entry, prev_hash=prev, entry_hash=entry_hash(prev, entry))


def checkpoint_message(*, sequence: int, entry_hash: bytes, at: datetime) -> bytes:
    """The bytes a checkpoint's signature covers."""
    body = json.dumps({"sequence": sequence, "entry_hash": entry_hash.hex(), "at_us": to_us(at)},
                      sort_keys=True, separators=(",", ":"))
    return _CHECKPOINT_CONTEXT + body.encode()


class Tampering(StrEnum):
    """What verification found wrong."""

    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    CHECKPOINT_MISMATCH = "checkpoint-mismatch"
    BAD_SIGNATURE = "bad-signature"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """The first thing wrong with the log, at the sequence number where it shows."""

    kind: Tampering
    sequence: int
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """The outcome of verifying a log against its checkpoints.

    Attributes:
        entries: How many entries were checked.
        checkpoints: How many checkpoints were checked.
        problem: The first problem found (lowest sequence number), or ``None``.
        signatures_valid: For each checkpoint, in the order given, whether its signature verifies.
    """

    entries: int
    checkpoints: int
    problem: Problem | None
    signatures_valid: tuple[bool, ...]

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return self.problem is None


SignatureCheck = Callable[[bytes, bytes], bool]
"""``check(message, signature)``: whether the platform key signed ``message``."""


def verify(records: Sequence[AuditRecord], checkpoints: Sequence[Checkpoint], *,
           signature_ok: SignatureCheck, after_sequence: int = 0,
           after_hash: bytes = GENESIS_HASH) -> Verification:
    """Check the chain of ``records`` (ordered by sequence) and every checkpoint.

    Args:
        records: The stored log, as read, ordered by sequence number.
        checkpoints: The stored (or externally kept) checkpoints.
        signature_ok: Checks a signature with the platform's public key.
        after_sequence: For an exported range: the sequence number before its first entry.
        after_hash: For an exported range: the hash that its first entry chains to.

    Returns:
        The verification; its ``problem`` names the first edited, deleted, inserted or
        reordered entry, a log shorter than a checkpoint says, a checkpoint whose hash differs
        from the stored entry's (a recomputed chain), or a bad checkpoint signature.
    """
    signatures = tuple(signature_ok(_message_of(c), c.signature) for c in checkpoints)
    found = [p for p in (_chain_problem(records, after_sequence, after_hash),
                         _checkpoint_problem(records, list(zip(checkpoints, signatures,
                                                               strict=True))))
             if p is not None]
    first = min(found, key=lambda p: p.sequence) if found else None
    return Verification(entries=len(records), checkpoints=len(checkpoints), problem=first,
                        signatures_valid=signatures)


def _chain_problem(records: Sequence[AuditRecord], after_sequence: int,
                   after_hash: bytes) -> Problem | None:
    running, previous_seq = after_hash, after_sequence
    for index, record in enumerate(records):
        seq = record.sequence
        if seq <= previous_seq:
            kind = Tampering.INSERTED if seq == previous_seq else Tampering.REORDERED
            return Problem(kind=kind, sequence=seq,
                           message=f"entry {seq} appears after entry {previous_seq}")
        if seq > previous_seq + 1:
            missing = previous_seq + 1
            if any(r.sequence == missing for r in records[index + 1:]):
                return Problem(kind=Tampering.REORDERED, sequence=missing,
                               message=f"entry {missing} appears after entry {seq}")
            return Problem(kind=Tampering.DELETED, sequence=missing,
                           message=f"entry {missing} is missing (the log jumps from "
                                   f"{previous_seq} to {seq})")
        if record.prev_hash == running and entry_hash(running, record.entry) == record.entry_hash:
            running, previous_seq = record.entry_hash, seq
            continue
        return _classify_break(records, index, running, (after_sequence, after_hash))
    return None


def _classify_break(records: Sequence[AuditRecord], index: int, running: bytes,
                    anchor: tuple[int, bytes]) -> Problem:
    """Why ``records[index]`` does not chain onto the hash ``running`` of its predecessor."""
    record = records[index]
    seq = record.sequence
    following = records[index + 1] if index + 1 < len(records) else None
    if entry_hash(record.prev_hash, record.entry) != record.entry_hash:
        if following is not None and following.prev_hash == record.prev_hash == running:
            # The next entry skips this one: it was put between two genuine entries.
            return Problem(kind=Tampering.INSERTED, sequence=seq,
                           message=f"entry {seq} was inserted (its successor chains to "
                                   "its predecessor)")
        return Problem(kind=Tampering.EDITED, sequence=seq,
                       message=f"entry {seq} was edited (its content does not match its hash)")
    # The entry is intact but follows something other than its stored predecessor.
    later = {r.entry_hash for r in records[index + 1:]}
    earlier = {r.entry_hash: r.sequence for r in records[:max(index - 1, 0)]}
    earlier.setdefault(anchor[1], anchor[0])
    if record.prev_hash in later:
        return Problem(kind=Tampering.REORDERED, sequence=seq,
                       message=f"entry {seq} was moved (it belongs after a later entry)")
    if record.prev_hash in earlier and earlier[record.prev_hash] < seq - 1:
        start = earlier[record.prev_hash] + 1
        which = f"entry {start} was" if start == seq - 1 else f"entries {start}..{seq - 1} were"
        return Problem(kind=Tampering.INSERTED, sequence=start,
                       message=f"{which} inserted before entry {seq}")
    return Problem(kind=Tampering.DELETED, sequence=seq,
                   message=f"an entry before entry {seq} was deleted (its predecessor is gone)")


def _checkpoint_problem(records: Sequence[AuditRecord],
                        checked: Sequence[tuple[Checkpoint, bool]]) -> Problem | None:
    by_seq = {r.sequence: r for r in records}
    last = max(by_seq, default=0)
    for checkpoint, signed in sorted(checked, key=lambda c: c[0].sequence):
        seq = checkpoint.sequence
        if not signed:
            return Problem(kind=Tampering.BAD_SIGNATURE, sequence=seq,
                           message=f"the checkpoint at entry {seq} has a bad signature")
        if seq > last:
            return Problem(kind=Tampering.TRUNCATED, sequence=last + 1,
                           message=f"the log ends at entry {last} but a checkpoint covers "
                                   f"{seq} entries")
        record = by_seq.get(seq)
        if record is None or record.entry_hash != checkpoint.entry_hash:
            return Problem(kind=Tampering.CHECKPOINT_MISMATCH, sequence=seq,
                           message=f"entry {seq} differs from its checkpoint: entries up to "
                                   f"{seq} were rewritten")
    return None


def _message_of(checkpoint: Checkpoint) -> bytes:
    return checkpoint_message(sequence=checkpoint.sequence, entry_hash=checkpoint.entry_hash,
                              at=checkpoint.at)

"""The in-memory store's tables and the copy-on-write transaction over them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from platewarden.domain.audit import AuditRecord, Checkpoint
from platewarden.domain.cameras import Camera, Section
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.hotlist_changes import HotlistProposal
from platewarden.domain.reads import ImageRef
from platewarden.domain.violations import Alert, HotlistEntry, Violation
from platewarden.services.unit_of_work import Challenge, Session, StoredRead, User


class IntegrityViolation(ValueError):
    """A write broke a key the SQL schema enforces (duplicate key, missing referent)."""


def stored_time(when: datetime) -> datetime:
    """``when`` as the SQL adapter gives it back: UTC, truncated to the microsecond."""
    return from_us(to_us(when))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadRecord:
    """A stored read with the bookkeeping only the store sees."""

    stored: StoredRead
    received_at: datetime
    sequence: int  # insertion order: breaks ties between equal ``received_at``


@dataclass(frozen=True, slots=True, kw_only=True)
class NonceRecord:
    """A nonce a camera has used."""

    envelope_sha256: str
    seen_at: datetime


@dataclass(slots=True)
class MemoryState:
    """Every table as a dict. Values are immutable, so copying the dicts copies the state."""

    cameras: dict[str, Camera] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    reads: dict[str, ReadRecord] = field(default_factory=dict)
    nonces: dict[tuple[str, str], NonceRecord] = field(default_factory=dict)
    blobs: dict[tuple[str, str], ImageRef] = field(default_factory=dict)
    violations: dict[str, Violation] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    hotlist: dict[str, HotlistEntry] = field(default_factory=dict)
    hotlist_proposals: dict[str, HotlistProposal] = field(default_factory=dict)
    hotlist_listed: dict[str, datetime] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    audit_log: dict[int, AuditRecord] = field(default_factory=dict)
    audit_checkpoints: dict[int, Checkpoint] = field(default_factory=dict)
    envelopes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    hotlist_version: int = 0
    read_sequence: int = 0

    def copy(self) -> MemoryState:
        """An independent copy: new dicts holding the same immutable values."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            values[f.name] = dict(value) if isinstance(value, dict) else value
        return MemoryState(**values)


class Transaction:
    """The state one unit of work sees: the committed state until its first write.

    The first write copies the committed state (copy-on-write), so readers and rolled-back
    writers never touch what other units of work see.
    """

    def __init__(self, committed: MemoryState, *, read_only: bool) -> None:
        self.state = committed
        self.owned = False  # whether ``state`` is this transaction's private copy
        self.read_only = read_only
        self.open = True

    def read(self) -> MemoryState:
        """The state to read from."""
        self._check_open()
        return self.state

    def write(self) -> MemoryState:
        """The state to change, copied on the first write."""
        self._check_open()
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot write")
        if not self.owned:
            self.state = self.state.copy()
            self.owned = True
        return self.state

    def mark(self) -> tuple[MemoryState, bool]:
        """A restore point for a savepoint."""
        self._check_open()
        return (self.state.copy() if self.owned else self.state), self.owned

    def restore(self, point: tuple[MemoryState, bool]) -> None:
        """Go back to a restore point made by ``mark``."""
        self.state, self.owned = point

    def _check_open(self) -> None:
        if not self.open:
            raise RuntimeError("the unit of work is closed: use it inside its with-block")


def in_regions(state: MemoryState, camera_id: str, regions: frozenset[str] | None) -> bool:
    """Whether ``camera_id`` sits in one of ``regions`` (``None``: no filter)."""
    if regions is None:
        return True
    camera = state.cameras.get(camera_id)
    return camera is not None and camera.region_code in regions

"""Violations and hotlist alerts: what the rules find."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ViolationType(StrEnum):
    """Kinds of offence the rules detect."""

    SPOT_SPEED = "spot-speed"
    SECTION_SPEED = "section-speed"
    RED_LIGHT = "red-light"
    RESTRICTED_LANE = "restricted-lane"


class ViolationStatus(StrEnum):
    """Review state of a violation."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # superseded by a late read before review


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A suspected offence, awaiting human review.

    Attributes:
        id: Deterministic id derived from the rule and the reads behind it, so that
            re-evaluating the same reads can never create a second violation.
        type: Offence kind.
        plate: Normalised plate of the offending vehicle.
        plate_key: Canonical plate key.
        camera_id: Camera where the offence was completed.
        occurred_at: Time of the offence, taken from the read(s).
        read_ids: Reads that evidence the offence.
        measured: Measured values (e.g. ``speed_kmh``, ``time_into_red_s``).
        limit: The limit applied (km/h, seconds of grace ...).
        tolerance: Human-readable tolerance policy applied.
        clock_sync: Worst clock-sync status among the reads.
        status: Review state.
        details: Further facts recorded with the result.
    """

    id: str
    type: ViolationType
    plate: str
    plate_key: str
    camera_id: str
    occurred_at: datetime
    read_ids: tuple[str, ...]
    measured: float
    limit: float
    tolerance: str
    clock_sync: str
    status: ViolationStatus = ViolationStatus.PENDING
    details: dict[str, str] = field(default_factory=dict)


class AlertKind(StrEnum):
    """Strength of a hotlist match."""

    HIT = "hit"  # exact canonical match
    POSSIBLE_HIT = "possible-hit"  # confusable-only match: a person must confirm


@dataclass(frozen=True, slots=True, kw_only=True)
class HotlistEntry:
    """A vehicle of interest.

    Attributes:
        id: Entry id.
        plate: Normalised plate.
        plate_key: Canonical key for matching.
        list_name: Which hotlist (``stolen``, ``wanted`` ...).
        reason: Why the vehicle is listed.
        source: Who supplied the entry.
        legal_basis: The legal authority for listing it.
        expires_at: When the entry stops matching (UTC).
        priority: 1 (highest) to 5.
    """

    id: str
    plate: str
    plate_key: str
    list_name: str
    reason: str
    source: str
    legal_basis: str
    expires_at: datetime
    priority: int = 3

    def active_at(self, when: datetime) -> bool:
        """Whether the entry still matches reads captured at ``when``."""
        return when < self.expires_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """A read that matched a hotlist entry.

    Attributes:
        id: Deterministic id (read and entry).
        kind: Hit or possible hit.
        read_id: The matching read.
        hotlist_entry_id: The entry it matched.
        plate: Plate as read.
        listed_plate: Plate as listed.
        camera_id: Camera of the read.
        occurred_at: Capture time of the read.
        priority: Priority copied from the entry.
        status: ``open``, ``confirmed`` or ``dismissed``.
    """

    id: str
    kind: AlertKind
    read_id: str
    hotlist_entry_id: str
    plate: str
    listed_plate: str
    camera_id: str
    occurred_at: datetime
    priority: int
    status: str = "open"

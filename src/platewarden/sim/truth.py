"""What a scenario should make the server find: expected violations, alerts and decoys.

Read ids here are platform-wide (``camera_id:read_id``), as in ``PlateRead.id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain.plates import canonical_key, normalise
from platewarden.domain.violations import AlertKind, HotlistEntry, ViolationType


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpectedViolation:
    """An offence the server should detect.

    Attributes:
        type: Offence kind.
        plate: Normalised plate.
        camera_id: Camera where the offence was completed (a section's exit camera).
        read_ids: Platform read ids of the evidence (entry then exit for a section).
        section_id: The section, for section speed.
        measured: Speed in km/h, seconds into red, or the lane used.
        limit: The limit that applies (km/h, grace seconds or restricted lane).
    """

    type: ViolationType
    plate: str
    camera_id: str
    read_ids: tuple[str, ...]
    measured: float
    limit: float
    section_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpectedAlert:
    """A hotlist match the server should raise for one read.

    Attributes:
        kind: ``hit`` (same plate) or ``possible-hit`` (confusable characters only).
        read_id: Platform read id.
        camera_id: Camera of the read.
        plate: Normalised plate as read.
        listed_plate: Plate as listed.
        list_name: Which hotlist.
    """

    kind: AlertKind
    read_id: str
    camera_id: str
    plate: str
    listed_plate: str
    list_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoy:
    """A read that looks like an offence or a match but must not give one.

    Attributes:
        kind: ``amber``, ``red-within-grace``, ``lane-outside-hours``, ``bus-in-bus-lane``,
            ``expired-hotlist-entry``, ``compliant-section`` or ``compliant-spot``.
        plate: Normalised plate.
        camera_id: Camera of the read.
        read_id: Platform read id.
    """

    kind: str
    plate: str
    camera_id: str
    read_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundTruth:
    """Everything a scenario should and should not produce on the server."""

    violations: tuple[ExpectedViolation, ...]
    alerts: tuple[ExpectedAlert, ...]
    decoys: tuple[Decoy, ...]

    def violation_set(self) -> frozenset[tuple[str, str, str]]:
        """``(type, plate, camera_id)`` of every expected violation, for set comparison."""
        return frozenset((str(v.type), v.plate, v.camera_id) for v in self.violations)

    def alert_set(self) -> frozenset[tuple[str, str, str]]:
        """``(kind, read_id, listed_plate)`` of every expected alert."""
        return frozenset((str(a.kind), a.read_id, a.listed_plate) for a in self.alerts)

    def count_by_type(self) -> dict[str, int]:
        """Expected violations per type."""
        counts: dict[str, int] = {}
        for violation in self.violations:
            counts[str(violation.type)] = counts.get(str(violation.type), 0) + 1
        return counts


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedRead:
    """The facts of a read that hotlist matching needs."""

    read_id: str
    camera_id: str
    plate: str
    captured_at: datetime


def expected_alerts(reads: Iterable[ObservedRead],
                    entries: Iterable[HotlistEntry]) -> tuple[ExpectedAlert, ...]:
    """Alerts that ``reads`` give against ``entries``.

    Same canonical key and same plate is a hit; same key but a different plate is a
    possible hit; an entry expired at the read's capture time gives nothing.
    """
    by_key: dict[str, list[HotlistEntry]] = {}
    for entry in entries:
        by_key.setdefault(canonical_key(entry.plate), []).append(entry)
    alerts: list[ExpectedAlert] = []
    for read in reads:
        plate = normalise(read.plate)
        for entry in by_key.get(canonical_key(plate), []):
            if not entry.active_at(read.captured_at):
                continue
            listed = normalise(entry.plate)
            kind = AlertKind.HIT if listed == plate else AlertKind.POSSIBLE_HIT
            alerts.append(ExpectedAlert(kind=kind, read_id=read.read_id,
                                        camera_id=read.camera_id, plate=plate,
                                        listed_plate=listed, list_name=entry.list_name))
    return tuple(alerts)

"""Section (average) speed: the time a vehicle takes between two cameras.

Everything here is a pure function of a *set* of reads: cameras replay backlogs, so reads
arrive late and out of order. ``section_reconcile.reconcile`` tells the service how to bring
the stored violations back in line with :func:`expected_violations` after each arrival.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from platewarden.domain.cameras import Section
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules._common import iso, require_aware, speed_text, worst_clock_sync
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.tolerance import SpeedTolerance, as_decimal
from platewarden.domain.violations import Violation, ViolationType

_MICROS = Decimal(1_000_000)


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """One trip through a section: an entry read paired with an exit read of the same plate.

    Attributes:
        entry: Read at the section's entry camera.
        exit: Read at the section's exit camera, strictly later.
    """

    entry: PlateRead
    exit: PlateRead

    @property
    def gap(self) -> timedelta:
        """Time between the two captures."""
        return self.exit.captured_at - self.entry.captured_at

    @property
    def gap_s(self) -> Decimal:
        """:attr:`gap` in seconds, exact to the microsecond."""
        return _seconds(self.gap)


def _seconds(delta: timedelta) -> Decimal:
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Decimal(micros) / _MICROS


def _order(read: PlateRead) -> tuple[datetime, str]:
    return (read.captured_at, read.id)


def pair_passages(
    reads: Iterable[PlateRead], *, section: Section, window_s: float
) -> list[Passage]:
    """Pair entry and exit reads into passages; the same set in any order gives the same list.

    Reads are grouped by ``plate_key`` (callers normally pass one plate's reads) and reads
    from other cameras are ignored. Within a plate, reads are sorted by
    ``(captured_at, id)``; an exit read pairs with the latest entry read before it when no
    other exit read lies between them and the gap is ``> 0`` and ``<= window_s``. Each read
    is in at most one passage; entries without an exit stay unpaired.

    Args:
        reads: Reads, in any order; repeats of the same id count once.
        section: The section.
        window_s: Longest gap, in seconds, still treated as one trip.

    Returns:
        Passages ordered by exit ``(captured_at, id)`` then plate key.

    Raises:
        ValueError: If the section's entry and exit cameras are the same, or a time is naive.
    """
    if section.entry_camera_id == section.exit_camera_id:
        raise ValueError("a section needs distinct entry and exit cameras")
    window = timedelta(seconds=window_s)
    by_plate: dict[str, dict[str, PlateRead]] = defaultdict(dict)
    for read in reads:
        if read.camera_id in (section.entry_camera_id, section.exit_camera_id):
            require_aware(read.captured_at, what="captured_at")
            by_plate[read.plate_key].setdefault(read.id, read)
    passages: list[Passage] = []
    for key in sorted(by_plate):
        passages.extend(_pair_one_plate(by_plate[key].values(), section, window))
    passages.sort(key=lambda p: (*_order(p.exit), p.exit.plate_key))
    return passages


def _pair_one_plate(
    reads: Iterable[PlateRead], section: Section, window: timedelta
) -> list[Passage]:
    passages: list[Passage] = []
    latest_entry: PlateRead | None = None
    for read in sorted(reads, key=_order):
        if read.camera_id == section.entry_camera_id:
            latest_entry = read
            continue
        if latest_entry is not None:
            gap = read.captured_at - latest_entry.captured_at
            if timedelta(0) < gap <= window:
                passages.append(Passage(entry=latest_entry, exit=read))
        # Any exit closes the trip: an earlier entry can no longer pair past it.
        latest_entry = None
    return passages


def section_violation_id(passage: Passage, *, section: Section) -> str:
    """Deterministic id of the violation a passage would give (whether or not it does)."""
    return violation_id(ViolationType.SECTION_SPEED, [passage.entry.id, passage.exit.id],
                        scope=section.id)


def average_speed_kmh(passage: Passage, *, section: Section) -> Decimal:
    """Average speed over the section, exact in decimal: ``distance_m / seconds * 3.6``."""
    return as_decimal(section.distance_m) * Decimal("3.6") / passage.gap_s


def evaluate(
    passage: Passage, *, section: Section, tolerance: SpeedTolerance
) -> Violation | None:
    """Check a passage's average speed against the limit for its vehicle class.

    The class comes from the exit read, else the entry read. The worst clock-sync status of
    the two reads is recorded (timing is everything here, so reviewers must see it), as are
    both statuses, the gap and the tolerance applied.

    Args:
        passage: A passage from :func:`pair_passages`.
        section: The section it was paired on.
        tolerance: Speed tolerance policy.

    Returns:
        The violation, or ``None`` when the average speed is within tolerance.

    Raises:
        ValueError: If the passage's cameras are not the section's.
    """
    if (passage.entry.camera_id, passage.exit.camera_id) != (
        section.entry_camera_id, section.exit_camera_id
    ):
        raise ValueError("passage does not belong to this section")
    if passage.gap_s <= 0:
        return None
    speed = average_speed_kmh(passage, section=section)
    vehicle_class = passage.exit.vehicle_class or passage.entry.vehicle_class
    limit = section.limit_for(vehicle_class)
    if not tolerance.exceeds(speed, limit):
        return None
    entry, exit_ = passage.entry, passage.exit
    return Violation(
        id=section_violation_id(passage, section=section),
        type=ViolationType.SECTION_SPEED,
        plate=exit_.plate,
        plate_key=exit_.plate_key,
        camera_id=exit_.camera_id,
        occurred_at=exit_.captured_at,
        read_ids=(entry.id, exit_.id),
        measured=float(speed),
        limit=float(limit),
        tolerance=tolerance.describe(),
        clock_sync=str(worst_clock_sync(entry.clock_sync, exit_.clock_sync)),
        details={
            "section_id": section.id,
            "distance_m": f"{section.distance_m:g}",
            "gap_s": f"{passage.gap_s:f}",
            "average_speed_kmh": speed_text(float(speed)),
            "limit_kmh": str(limit),
            "threshold_kmh": speed_text(tolerance.threshold_kmh(limit)),
            "tolerance": tolerance.describe(),
            "vehicle_class": vehicle_class or "unknown",
            "entry_read_id": entry.id,
            "exit_read_id": exit_.id,
            "entry_at": iso(entry.captured_at),
            "exit_at": iso(exit_.captured_at),
            "entry_clock_sync": str(entry.clock_sync),
            "exit_clock_sync": str(exit_.clock_sync),
            "plates_identical": "true" if entry.plate == exit_.plate else "false",
        },
    )


def expected_violations(
    reads: Iterable[PlateRead], *, section: Section, tolerance: SpeedTolerance, window_s: float
) -> list[Violation]:
    """:func:`pair_passages` then :func:`evaluate`: the violations a set of reads supports."""
    found = (evaluate(p, section=section, tolerance=tolerance)
             for p in pair_passages(reads, section=section, window_s=window_s))
    return [v for v in found if v is not None]


"""Violation and hotlist rules: pure functions of reads, cameras, sections and entries.

Modules:
    spot_speed: ``evaluate(read, camera, *, tolerance)`` for spot-speed cameras.
    red_light: ``evaluate(read, camera)`` for red-light cameras.
    restricted_lane: ``evaluate(read, camera)`` for lane restrictions.
    section_speed: ``pair_passages``, ``evaluate`` and ``expected_violations`` for
        average-speed sections.
    section_reconcile: ``scope_for`` and ``reconcile`` to keep stored section violations
        equal to what late, out-of-order reads support.
    hotlist: ``match`` and ``HotlistIndex`` for vehicles of interest.
    dedupe: ``is_repeat`` and ``first_reads``: one pass, one read.
    ids: deterministic violation and alert ids.

Every rule takes time only from the reads, never from the clock.
"""

from __future__ import annotations

from platewarden.domain.cameras import Camera
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules import (
    dedupe,
    hotlist,
    ids,
    red_light,
    restricted_lane,
    section_reconcile,
    section_speed,
    spot_speed,
)
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Violation

__all__ = [
    "RULE_MODULES",
    "dedupe",
    "evaluate_single_read",
    "hotlist",
    "ids",
    "red_light",
    "restricted_lane",
    "section_reconcile",
    "section_speed",
    "spot_speed",
]

RULE_MODULES = (spot_speed, red_light, restricted_lane, section_speed, section_reconcile,
                hotlist, dedupe)


def evaluate_single_read(
    read: PlateRead, camera: Camera, *, tolerance: SpeedTolerance
) -> tuple[Violation, ...]:
    """Run every rule that needs only one read and its camera (spot speed, red light, lane).

    Section speed needs the plate's other reads and hotlists need entries, so the service
    runs those itself.
    """
    found = (
        spot_speed.evaluate(read, camera, tolerance=tolerance),
        red_light.evaluate(read, camera),
        restricted_lane.evaluate(read, camera),
    )
    return tuple(v for v in found if v is not None)

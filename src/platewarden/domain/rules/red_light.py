"""Red light: a vehicle crossing the stop line after the grace period into red."""

from __future__ import annotations

import math

from platewarden.domain.cameras import Camera, CameraKind
from platewarden.domain.reads import PlateRead, SignalPhase
from platewarden.domain.rules._common import iso, require_aware
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationType


def evaluate(read: PlateRead, camera: Camera) -> Violation | None:
    """Check a red-light camera read.

    Only the red phase can give a violation, and only when the time into red is strictly
    greater than ``camera.red_light_grace_s``. Amber and green never do. A read without
    phase data, or red without a (finite, non-negative) time into red, gives nothing: the
    offence cannot be shown without it.

    Args:
        read: The read; its ``captured_at`` is the only time used.
        camera: The camera that captured it.

    Returns:
        The violation, or ``None``.

    Raises:
        ValueError: If the read is not from ``camera`` or its time is naive.
    """
    if read.camera_id != camera.id:
        raise ValueError("read is not from this camera")
    require_aware(read.captured_at, what="captured_at")
    if camera.kind != CameraKind.RED_LIGHT or read.signal_phase != SignalPhase.RED:
        return None
    into_red = read.time_into_red_s
    if into_red is None or not math.isfinite(into_red) or into_red < 0:
        return None
    grace = camera.red_light_grace_s
    if into_red <= grace:
        return None
    tolerance = f"grace {grace:g} s into red"
    return Violation(
        id=violation_id(ViolationType.RED_LIGHT, [read.id]),
        type=ViolationType.RED_LIGHT,
        plate=read.plate,
        plate_key=read.plate_key,
        camera_id=camera.id,
        occurred_at=read.captured_at,
        read_ids=(read.id,),
        measured=into_red,
        limit=grace,
        tolerance=tolerance,
        clock_sync=str(read.clock_sync),
        details={
            "signal_phase": str(read.signal_phase),
            "time_into_red_s": f"{into_red:.3f}",
            "grace_s": f"{grace:g}",
            "tolerance": tolerance,
            "clock_sync": str(read.clock_sync),
            "lane": str(read.lane) if read.lane is not None else "unknown",
            "vehicle_class": read.vehicle_class or "unknown",
            "captured_at": iso(read.captured_at),
        },
    )

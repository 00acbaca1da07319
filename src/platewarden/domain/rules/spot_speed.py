"""Spot speed: one read from a speed camera compared with the camera's posted limit."""

from __future__ import annotations

import math

from platewarden.domain.cameras import Camera, CameraKind
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules._common import iso, require_aware, speed_text
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Violation, ViolationType


def evaluate(read: PlateRead, camera: Camera, *, tolerance: SpeedTolerance) -> Violation | None:
    """Check a read from a spot-speed camera against the camera's limit.

    The camera carries one posted limit; vehicle-class limits are not modelled on cameras,
    so the class is recorded but does not change the limit.

    A read captured after the camera's calibration certificate expired (or from a camera
    with no certificate) gives **no** violation rather than a flagged one: a measurement
    from an uncertified device is not admissible evidence, so a flagged case could only be
    rejected by a reviewer, and queueing it would still process a driver's personal data
    for no lawful purpose. An expired certificate is an operational fault the service
    should alarm on, not a matter for the review queue.

    Args:
        read: The read; its ``captured_at`` is the only time used.
        camera: The camera that captured it.
        tolerance: Speed tolerance policy.

    Returns:
        The violation, or ``None`` when the camera is not a spot-speed camera, has no limit
        or valid calibration, the read has no usable speed, or the speed is within
        tolerance.

    Raises:
        ValueError: If the read is not from ``camera`` or its time is naive.
    """
    if read.camera_id != camera.id:
        raise ValueError("read is not from this camera")
    require_aware(read.captured_at, what="captured_at")
    limit = camera.speed_limit_kmh
    speed = read.speed_kmh
    if camera.kind != CameraKind.SPOT_SPEED or limit is None or speed is None:
        return None
    if not math.isfinite(speed) or speed < 0:
        return None
    if not camera.calibration_valid_at(read.captured_at):
        return None
    if not tolerance.exceeds(speed, limit):
        return None
    return Violation(
        id=violation_id(ViolationType.SPOT_SPEED, [read.id]),
        type=ViolationType.SPOT_SPEED,
        plate=read.plate,
        plate_key=read.plate_key,
        camera_id=camera.id,
        occurred_at=read.captured_at,
        read_ids=(read.id,),
        measured=speed,
        limit=float(limit),
        tolerance=tolerance.describe(),
        clock_sync=str(read.clock_sync),
        details=_details(read, camera, tolerance, limit),
    )


def _details(
    read: PlateRead, camera: Camera, tolerance: SpeedTolerance, limit: int
) -> dict[str, str]:
    expires = camera.calibration_expires_at
    return {
        "speed_kmh": speed_text(read.speed_kmh or 0.0),
        "limit_kmh": str(limit),
        "threshold_kmh": speed_text(tolerance.threshold_kmh(limit)),
        "tolerance": tolerance.describe(),
        "speed_method": str(read.speed_method) if read.speed_method else "unknown",
        "clock_sync": str(read.clock_sync),
        "calibration_certificate": camera.calibration_certificate or "",
        "calibration_expires_at": iso(expires) if expires else "",
        "calibration_valid": "true",
        "vehicle_class": read.vehicle_class or "unknown",
        "captured_at": iso(read.captured_at),
    }

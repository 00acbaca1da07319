"""Restricted lane: a vehicle class driving in a lane closed to it at that local time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from platewarden.domain.cameras import Camera, LaneRestriction
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules._common import iso, require_aware
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationType

MINUTES_PER_DAY = 24 * 60


def local_time(restriction: LaneRestriction, when: datetime) -> datetime:
    """``when`` in the restriction's fixed local offset."""
    return when.astimezone(timezone(timedelta(minutes=restriction.utc_offset_minutes)))


def active_at(restriction: LaneRestriction, when: datetime) -> bool:
    """Whether the restriction's daily window covers instant ``when``.

    The window is half-open, ``[start_minute, end_minute)`` in local time, and wraps past
    midnight when ``start_minute > end_minute`` (22:00-06:00). Equal start and end mean an
    empty window; a whole-day restriction is ``0``-``1440``.

    Raises:
        ValueError: If ``when`` is naive.
    """
    require_aware(when, what="when")
    local = local_time(restriction, when)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second,
                               microseconds=local.microsecond)
    start = timedelta(minutes=restriction.start_minute)
    end = timedelta(minutes=restriction.end_minute)
    if start == end:
        return False
    if start < end:
        return start <= since_midnight < end
    return since_midnight >= start or since_midnight < end


def _allowed(vehicle_class: str, restriction: LaneRestriction) -> bool:
    wanted = vehicle_class.casefold()
    return any(wanted == allowed.casefold() for allowed in restriction.allowed_classes)


def evaluate(read: PlateRead, camera: Camera) -> Violation | None:
    """Check a read against the camera's lane restrictions.

    Applies to any camera that has ``lane_restrictions``. A read without a lane or a vehicle
    class gives nothing: an unknown class cannot be shown to be barred from the lane.

    Args:
        read: The read; its ``captured_at`` is the only time used.
        camera: The camera that captured it.

    Returns:
        One violation for the first (by start minute) restriction broken, or ``None``.

    Raises:
        ValueError: If the read is not from ``camera`` or its time is naive.
    """
    if read.camera_id != camera.id:
        raise ValueError("read is not from this camera")
    require_aware(read.captured_at, what="captured_at")
    if read.lane is None or not read.vehicle_class:
        return None
    candidates = sorted(camera.lane_restrictions,
                        key=lambda r: (r.start_minute, r.end_minute, r.utc_offset_minutes))
    for restriction in candidates:
        if restriction.lane != read.lane or _allowed(read.vehicle_class, restriction):
            continue
        if active_at(restriction, read.captured_at):
            return _violation(read, camera, restriction)
    return None


def _window_text(restriction: LaneRestriction) -> str:
    def hhmm(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    return f"{hhmm(restriction.start_minute)}-{hhmm(restriction.end_minute)}"


def _violation(read: PlateRead, camera: Camera, restriction: LaneRestriction) -> Violation:
    allowed = ",".join(sorted(restriction.allowed_classes))
    tolerance = "none (window boundaries are exact)"
    return Violation(
        id=violation_id(ViolationType.RESTRICTED_LANE, [read.id]),
        type=ViolationType.RESTRICTED_LANE,
        plate=read.plate,
        plate_key=read.plate_key,
        camera_id=camera.id,
        occurred_at=read.captured_at,
        read_ids=(read.id,),
        measured=float(read.lane or 0),
        limit=float(restriction.lane),
        tolerance=tolerance,
        clock_sync=str(read.clock_sync),
        details={
            "lane": str(read.lane),
            "vehicle_class": read.vehicle_class or "unknown",
            "allowed_classes": allowed,
            "window_local": _window_text(restriction),
            "utc_offset_minutes": str(restriction.utc_offset_minutes),
            "local_time": iso(local_time(restriction, read.captured_at)),
            "clock_sync": str(read.clock_sync),
            "captured_at": iso(read.captured_at),
        },
    )

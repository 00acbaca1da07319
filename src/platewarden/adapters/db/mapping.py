"""Row <-> domain object conversions for the SQL repositories."""

from __future__ import annotations

from typing import Any

from platewarden.domain.cameras import Camera, CameraKind, LaneRestriction, Section
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.reads import (
    Alternative,
    ClockSync,
    ImageRef,
    PlateRead,
    SignalPhase,
    SpeedMethod,
)
from platewarden.domain.violations import (
    Alert,
    AlertKind,
    HotlistEntry,
    Violation,
    ViolationStatus,
    ViolationType,
)


def camera_row(camera: Camera) -> dict[str, Any]:
    """Column values for ``camera``."""
    return {
        "id": camera.id, "name": camera.name, "latitude": camera.latitude,
        "longitude": camera.longitude, "road": camera.road, "direction": camera.direction,
        "lanes": camera.lanes, "kind": camera.kind.value, "speed_limit_kmh": camera.speed_limit_kmh,
        "calibration_certificate": camera.calibration_certificate,
        "calibration_expires_us": (to_us(camera.calibration_expires_at)
                                   if camera.calibration_expires_at else None),
        "public_key": camera.public_key, "enabled": camera.enabled,
        "region_code": camera.region_code,
        "lane_restrictions": [
            {"lane": r.lane, "start_minute": r.start_minute, "end_minute": r.end_minute,
             "allowed_classes": sorted(r.allowed_classes),
             "utc_offset_minutes": r.utc_offset_minutes}
            for r in camera.lane_restrictions
        ],
        "red_light_grace_s": camera.red_light_grace_s,
    }


def camera_from(row: Any) -> Camera:
    """The camera stored in ``row``."""
    expires = row.calibration_expires_us
    return Camera(
        id=row.id, name=row.name, latitude=row.latitude, longitude=row.longitude,
        road=row.road, direction=row.direction, lanes=row.lanes, kind=CameraKind(row.kind),
        public_key=bytes(row.public_key), speed_limit_kmh=row.speed_limit_kmh,
        calibration_certificate=row.calibration_certificate,
        calibration_expires_at=from_us(expires) if expires is not None else None,
        enabled=bool(row.enabled), region_code=row.region_code,
        lane_restrictions=tuple(
            LaneRestriction(lane=r["lane"], start_minute=r["start_minute"],
                            end_minute=r["end_minute"],
                            allowed_classes=frozenset(r["allowed_classes"]),
                            utc_offset_minutes=r["utc_offset_minutes"])
            for r in row.lane_restrictions
        ),
        red_light_grace_s=row.red_light_grace_s,
    )


def section_row(section: Section) -> dict[str, Any]:
    """Column values for ``section``."""
    return {
        "id": section.id, "name": section.name, "entry_camera_id": section.entry_camera_id,
        "exit_camera_id": section.exit_camera_id, "distance_m": section.distance_m,
        "speed_limit_kmh": section.speed_limit_kmh,
        "class_limits_kmh": dict(section.class_limits_kmh),
    }


def section_from(row: Any) -> Section:
    """The section stored in ``row``."""
    return Section(id=row.id, name=row.name, entry_camera_id=row.entry_camera_id,
                   exit_camera_id=row.exit_camera_id, distance_m=row.distance_m,
                   speed_limit_kmh=row.speed_limit_kmh,
                   class_limits_kmh=dict(row.class_limits_kmh))


def read_row(read: PlateRead) -> dict[str, Any]:
    """Column values for ``read`` (without the ingest bookkeeping)."""
    return {
        "id": read.id, "camera_id": read.camera_id, "read_id": read.read_id,
        "captured_us": to_us(read.captured_at), "clock_sync": read.clock_sync.value,
        "plate_raw": read.plate_raw, "plate": read.plate, "plate_key": read.plate_key,
        "country": read.country, "region": read.region, "plate_format": read.plate_format,
        "confidence": read.confidence,
        "alternatives": [{"text": a.text, "confidence": a.confidence} for a in read.alternatives],
        "vehicle_class": read.vehicle_class, "lane": read.lane, "direction": read.direction,
        "speed_kmh": read.speed_kmh,
        "speed_method": read.speed_method.value if read.speed_method else None,
        "signal_phase": read.signal_phase.value if read.signal_phase else None,
        "time_into_red_s": read.time_into_red_s,
    }


def image_rows(read: PlateRead) -> list[dict[str, Any]]:
    """Column values for the images of ``read``."""
    captured = to_us(read.captured_at)
    return [{"read_pk": read.id, "role": i.role, "sha256": i.sha256,
             "content_type": i.content_type, "size_bytes": i.size_bytes,
             "captured_us": captured} for i in read.images]


def read_from(row: Any, images: tuple[ImageRef, ...]) -> PlateRead:
    """The read stored in ``row`` with its ``images``."""
    return PlateRead(
        id=row.id, camera_id=row.camera_id, read_id=row.read_id,
        captured_at=from_us(row.captured_us), clock_sync=ClockSync(row.clock_sync),
        plate_raw=row.plate_raw, plate=row.plate, plate_key=row.plate_key,
        country=row.country, region=row.region, plate_format=row.plate_format,
        confidence=row.confidence,
        alternatives=tuple(Alternative(text=a["text"], confidence=a["confidence"])
                           for a in row.alternatives),
        vehicle_class=row.vehicle_class, lane=row.lane, direction=row.direction,
        speed_kmh=row.speed_kmh,
        speed_method=SpeedMethod(row.speed_method) if row.speed_method else None,
        signal_phase=SignalPhase(row.signal_phase) if row.signal_phase else None,
        time_into_red_s=row.time_into_red_s, images=images,
    )


def violation_row(v: Violation) -> dict[str, Any]:
    """Column values for ``v``."""
    return {
        "id": v.id, "type": v.type.value, "plate": v.plate, "plate_key": v.plate_key,
        "camera_id": v.camera_id, "section_id": v.details.get("section_id"),
        "occurred_us": to_us(v.occurred_at), "read_ids": list(v.read_ids),
        "measured": v.measured, "limit_value": v.limit, "tolerance": v.tolerance,
        "clock_sync": v.clock_sync, "status": v.status.value, "details": dict(v.details),
    }


def violation_from(row: Any) -> Violation:
    """The violation stored in ``row``."""
    return Violation(
        id=row.id, type=ViolationType(row.type), plate=row.plate, plate_key=row.plate_key,
        camera_id=row.camera_id, occurred_at=from_us(row.occurred_us),
        read_ids=tuple(row.read_ids), measured=row.measured, limit=row.limit_value,
        tolerance=row.tolerance, clock_sync=row.clock_sync,
        status=ViolationStatus(row.status), details=dict(row.details),
    )


def alert_row(a: Alert) -> dict[str, Any]:
    """Column values for ``a``."""
    return {
        "id": a.id, "kind": a.kind.value, "read_pk": a.read_id,
        "hotlist_entry_id": a.hotlist_entry_id, "plate": a.plate, "listed_plate": a.listed_plate,
        "camera_id": a.camera_id, "occurred_us": to_us(a.occurred_at), "priority": a.priority,
        "status": a.status,
    }


def alert_from(row: Any) -> Alert:
    """The alert stored in ``row``."""
    return Alert(id=row.id, kind=AlertKind(row.kind), read_id=row.read_pk,
                 hotlist_entry_id=row.hotlist_entry_id, plate=row.plate,
                 listed_plate=row.listed_plate, camera_id=row.camera_id,
                 occurred_at=from_us(row.occurred_us), priority=row.priority, status=row.status)


def hotlist_row(e: HotlistEntry) -> dict[str, Any]:
    """Column values for ``e``."""
    return {"id": e.id, "plate": e.plate, "plate_key": e.plate_key, "list_name": e.list_name,
            "reason": e.reason, "source": e.source, "legal_basis": e.legal_basis,
            "expires_us": to_us(e.expires_at), "priority": e.priority}


def hotlist_from(row: Any) -> HotlistEntry:
    """The hotlist entry stored in ``row``."""
    return HotlistEntry(id=row.id, plate=row.plate, plate_key=row.plate_key,
                        list_name=row.list_name, reason=row.reason, source=row.source,
                        legal_basis=row.legal_basis, expires_at=from_us(row.expires_us),
                        priority=row.priority)

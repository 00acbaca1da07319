"""Plain factory functions for rule tests: a valid object with overridable fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from platewarden.domain.cameras import Camera, CameraKind, LaneRestriction, Section
from platewarden.domain.plates import canonical_key, normalise
from platewarden.domain.reads import ClockSync, PlateRead, SignalPhase, SpeedMethod
from platewarden.domain.violations import HotlistEntry

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``T0`` plus ``seconds``."""
    return T0 + timedelta(seconds=seconds)


def make_read(
    *, camera_id: str = "cam-1", read_id: str = "r1", plate: str = "01A123BC",
    captured_at: datetime = T0, **overrides: Any,
) -> PlateRead:
    """A read; ``plate`` sets ``plate``, ``plate_raw`` and ``plate_key`` consistently."""
    fields: dict[str, Any] = {
        "id": f"{camera_id}:{read_id}",
        "camera_id": camera_id,
        "read_id": read_id,
        "captured_at": captured_at,
        "clock_sync": ClockSync.SYNCED,
        "plate_raw": plate,
        "plate": normalise(plate),
        "plate_key": canonical_key(plate),
        "country": "UZ",
        "region": "Tashkent city",
        "plate_format": "private",
        "confidence": 0.97,
        "vehicle_class": "car",
        "lane": 1,
    }
    fields.update(overrides)
    return PlateRead(**fields)


def make_speed_read(speed_kmh: float, **overrides: Any) -> PlateRead:
    """A read from the default spot-speed camera reporting ``speed_kmh``."""
    overrides.setdefault("speed_method", SpeedMethod.RADAR)
    return make_read(speed_kmh=speed_kmh, **overrides)


def make_red_read(phase: SignalPhase | None, into_red: float | None, **overrides: Any) -> PlateRead:
    """A read from a red-light camera with the given phase data."""
    return make_read(signal_phase=phase, time_into_red_s=into_red, **overrides)


def make_camera(*, kind: CameraKind = CameraKind.SPOT_SPEED, **overrides: Any) -> Camera:
    """A spot-speed camera at 60 km/h, calibrated until the end of 2026."""
    fields: dict[str, Any] = {
        "id": "cam-1",
        "name": "Test camera",
        "latitude": 41.3,
        "longitude": 69.2,
        "road": "M39",
        "direction": "towards Samarkand",
        "lanes": 2,
        "kind": kind,
        "public_key": b"\x00" * 32,
        "speed_limit_kmh": 60,
        "calibration_certificate": "CAL-1",
        "calibration_expires_at": datetime(2026, 12, 31, tzinfo=UTC),
    }
    fields.update(overrides)
    return Camera(**fields)


def make_restriction(start: str, end: str, **overrides: Any) -> LaneRestriction:
    """A lane-1 bus-only restriction from local ``start`` to ``end`` (``HH:MM``)."""
    def minute(text: str) -> int:
        hours, minutes = text.split(":")
        return int(hours) * 60 + int(minutes)

    fields: dict[str, Any] = {"lane": 1, "start_minute": minute(start),
                              "end_minute": minute(end)}
    fields.update(overrides)
    return LaneRestriction(**fields)


def make_section(**overrides: Any) -> Section:
    """A 1 km section from ``cam-a`` to ``cam-b`` at 60 km/h, trucks 50 km/h."""
    fields: dict[str, Any] = {
        "id": "sec-1",
        "name": "Test section",
        "entry_camera_id": "cam-a",
        "exit_camera_id": "cam-b",
        "distance_m": 1000.0,
        "speed_limit_kmh": 60,
        "class_limits_kmh": {"truck": 50},
    }
    fields.update(overrides)
    return Section(**fields)


def make_entry(plate: str = "01A123BC", **overrides: Any) -> HotlistEntry:
    """An active hotlist entry for ``plate``."""
    fields: dict[str, Any] = {
        "id": "h1",
        "plate": normalise(plate),
        "plate_key": canonical_key(plate),
        "list_name": "stolen",
        "reason": "reported stolen",
        "source": "police",
        "legal_basis": "test",
        "expires_at": T0 + timedelta(days=30),
        "priority": 2,
    }
    fields.update(overrides)
    return HotlistEntry(**fields)

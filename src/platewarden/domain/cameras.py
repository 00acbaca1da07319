"""Cameras and road sections: where reads come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class CameraKind(StrEnum):
    """What a camera is installed to measure."""

    SPOT_SPEED = "spot-speed"
    SECTION_POINT = "section-point"
    RED_LIGHT = "red-light"
    LANE = "lane"
    ANPR = "anpr"


@dataclass(frozen=True, slots=True, kw_only=True)
class LaneRestriction:
    """A lane closed to general traffic during a daily local-time window.

    Attributes:
        lane: Lane number (1 = rightmost) the restriction applies to.
        start_minute: Minutes after local midnight when the restriction starts.
        end_minute: Minutes after local midnight when it ends (may wrap past midnight).
        allowed_classes: Vehicle classes allowed in the lane anyway (e.g. ``bus``).
        utc_offset_minutes: Offset of local time from UTC at the camera.
    """

    lane: int
    start_minute: int
    end_minute: int
    allowed_classes: frozenset[str] = frozenset({"bus"})
    utc_offset_minutes: int = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Camera:
    """A registered roadside camera.

    Attributes:
        id: Stable camera identifier used by the camera in every signed message.
        name: Human-readable name.
        latitude: WGS-84 latitude.
        longitude: WGS-84 longitude.
        road: Road name or number.
        direction: Travel direction observed (e.g. ``"towards Samarkand"``).
        lanes: Number of lanes covered.
        kind: What the camera measures.
        speed_limit_kmh: Posted limit at the camera, if any.
        calibration_certificate: Id of the current calibration certificate.
        calibration_expires_at: When that certificate expires (UTC).
        public_key: Raw 32-byte Ed25519 public key.
        enabled: A disabled camera's reads are rejected.
        region_code: Two-digit region code the camera sits in.
        lane_restrictions: Restricted lanes for lane-enforcement cameras.
        red_light_grace_s: Seconds into red that are still tolerated.
    """

    id: str
    name: str
    latitude: float
    longitude: float
    road: str
    direction: str
    lanes: int
    kind: CameraKind
    public_key: bytes
    speed_limit_kmh: int | None = None
    calibration_certificate: str | None = None
    calibration_expires_at: datetime | None = None
    enabled: bool = True
    region_code: str = "01"
    lane_restrictions: tuple[LaneRestriction, ...] = ()
    red_light_grace_s: float = 0.5

    def calibration_valid_at(self, when: datetime) -> bool:
        """Whether the calibration certificate covers ``when``."""
        return self.calibration_expires_at is not None and when <= self.calibration_expires_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A stretch of road between two cameras for average-speed enforcement.

    Attributes:
        id: Section identifier.
        name: Human-readable name.
        entry_camera_id: Camera at the start of the section.
        exit_camera_id: Camera at the end of the section.
        distance_m: Driving distance between the two cameras in metres.
        speed_limit_kmh: Limit for vehicles without a class-specific limit.
        class_limits_kmh: Limits per vehicle class (e.g. ``{"truck": 80}``).
    """

    id: str
    name: str
    entry_camera_id: str
    exit_camera_id: str
    distance_m: float
    speed_limit_kmh: int
    class_limits_kmh: dict[str, int] = field(default_factory=dict)

    def limit_for(self, vehicle_class: str | None) -> int:
        """The speed limit that applies to ``vehicle_class``."""
        if vehicle_class is not None and vehicle_class in self.class_limits_kmh:
            return self.class_limits_kmh[vehicle_class]
        return self.speed_limit_kmh

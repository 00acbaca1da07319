"""Plate reads: one vehicle seen by one camera at one moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ClockSync(StrEnum):
    """The camera's own report of its clock discipline when it captured a read."""

    SYNCED = "synced"  # disciplined by GNSS/PTP/NTP within the camera's tolerance
    DEGRADED = "degraded"  # synced recently but now free-running
    UNSYNCED = "unsynced"


class SignalPhase(StrEnum):
    """Traffic-signal phase reported by a red-light camera."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class SpeedMethod(StrEnum):
    """How the camera measured the speed it reports."""

    RADAR = "radar"
    LIDAR = "lidar"
    LOOP = "loop"
    VIDEO = "video"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRef:
    """An evidence object attached to a read, addressed by its SHA-256.

    Attributes:
        role: ``plate`` (crop), ``overview`` or ``clip``.
        sha256: Lower-case hex SHA-256 of the plaintext bytes.
        content_type: ``image/jpeg``, ``image/png`` or ``video/mp4``.
        size_bytes: Size of the plaintext.
    """

    role: str
    sha256: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Alternative:
    """Another candidate reading of the plate with its confidence."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlateRead:
    """A plate read as reported by a camera.

    Attributes:
        id: Platform-wide id (``camera_id:read_id``).
        camera_id: Camera that captured the read.
        read_id: Camera-assigned id, unique per camera.
        captured_at: Capture time (UTC, timezone-aware) by the camera's clock.
        clock_sync: Clock-discipline status at capture.
        plate_raw: Text as read, before normalisation.
        plate: Normalised plate text (upper case, no separators).
        plate_key: Canonical key with confusable characters folded.
        country: ISO country code inferred by the grammar (``UZ`` or ``??``).
        region: Region name for Uzbek plates, if known.
        plate_format: Grammar format name (e.g. ``private``) or ``unknown``.
        confidence: Overall read confidence in [0, 1].
        alternatives: Top-N alternative readings.
        vehicle_class: ``car``, ``truck``, ``bus``, ``motorcycle`` ... if known.
        lane: Lane number (1 = rightmost), if known.
        direction: Direction of travel, if reported.
        speed_kmh: Measured speed, if the camera measures speed.
        speed_method: Measurement method for ``speed_kmh``.
        signal_phase: Signal phase at capture for red-light cameras.
        time_into_red_s: Seconds since the signal turned red.
        images: Evidence references.
    """

    id: str
    camera_id: str
    read_id: str
    captured_at: datetime
    clock_sync: ClockSync
    plate_raw: str
    plate: str
    plate_key: str
    country: str
    region: str | None
    plate_format: str
    confidence: float
    alternatives: tuple[Alternative, ...] = ()
    vehicle_class: str | None = None
    lane: int | None = None
    direction: str | None = None
    speed_kmh: float | None = None
    speed_method: SpeedMethod | None = None
    signal_phase: SignalPhase | None = None
    time_into_red_s: float | None = None
    images: tuple[ImageRef, ...] = ()
